"""The daily rollup stays equal to the cases: rebuilt, refreshed from the events.

Time is frozen after the fixture's last event (C10's, on 2026-03-02) so the
events' times, the refreshes' and the rollup's `as_of` line up as they do
live: nothing happens after the moment the rollup counts.
"""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from complaints.services import complaint_cancel
from dashboard import kpis, rollup, tasks
from dashboard.models import DayFigures
from dashboard.periods import Period
from tests.complaints.clock import at, frozen
from tests.complaints.factories import fresh, move, submit

FEBRUARY = Period("custom", date(2026, 2, 1), date(2026, 2, 28))
FEBRUARY_AND_MARCH = Period("custom", date(2026, 2, 1), date(2026, 3, 31))
LATER = at(3, 3, 12, 0)


def figures(user, *, by=None, cases=False, monkeypatch=None, period=FEBRUARY):
    scope = kpis.scope_for(user=user)
    if cases:
        # As if the rollup had never been built: every count from the cases.
        monkeypatch.setattr(rollup, "state", lambda: None)
    if by is None:
        found = kpis.totals(scope=scope, period=period)
        return found.values, found.as_of
    rows, source = kpis.grouped(scope=scope, period=period, by=by)
    return {row.key["code"]: row.values for row in rows}, source.as_of


@pytest.mark.parametrize(
    "who", ["supervisor", "dispatcher", "squad_leader", "other_squad_leader"]
)
@pytest.mark.parametrize("by", [None, "unit", "street", "channel", "month"])
def test_the_rollup_gives_what_the_cases_give(february, users, who, by, monkeypatch):
    with frozen(LATER):
        rollup.rollup_rebuild()
    from_rollup, as_of = figures(users[who], by=by)
    assert as_of == LATER

    from_cases, as_of = figures(users[who], by=by, cases=True, monkeypatch=monkeypatch)
    assert as_of is None
    assert from_rollup == from_cases


def test_a_rebuild_keeps_one_row_per_day_unit_street_channel_and_dispatch(february):
    report = rollup.rollup_rebuild()

    # C0 … C10 were submitted on eleven days, each case a row of its own.
    assert report.days == 11
    assert report.rows == DayFigures.objects.count() == 11
    c1 = DayFigures.objects.get(day=date(2026, 2, 13))
    assert (c1.received, c1.disposed, c1.closed, c1.dispatched) == (1, 1, 1, True)
    assert (c1.accept_seconds_sum, c1.dispose_seconds_sum) == (3600, 48600)


def test_a_refresh_recounts_the_days_of_the_cases_that_changed(
    february, users, supervisor
):
    with frozen(LATER):
        rollup.rollup_rebuild()
    # C4 (filed on 02-16) is disposed of an hour later.
    move(
        february["C4"],
        "dispose",
        users["squad_leader"],
        at(3, 3, 13, 0),
        method="service",
        result="已协调施工单位调整作业时间。",
    )

    before, as_of = figures(supervisor)
    assert (before["disposed"], as_of) == (5, LATER)  # not yet in the rollup

    with frozen(at(3, 3, 14, 0)):
        report = rollup.rollup_refresh()
    after, as_of = figures(supervisor)

    assert report.days == 1  # 02-16, C4's day, alone
    assert (after["disposed"], as_of) == (6, at(3, 3, 14, 0))
    assert after["disposal_rate"] == 1.0  # 6 of 6


def test_a_new_case_counts_after_the_next_refresh(february, tree, supervisor):
    with frozen(LATER):
        rollup.rollup_rebuild()
    with frozen(at(3, 3, 15, 0)):
        submit(tree, code="09003", community=tree.community_b)

    # C1-C10, then the new one too.
    assert figures(supervisor, period=FEBRUARY_AND_MARCH)[0]["received"] == 10
    with frozen(at(3, 3, 15, 1)):
        rollup.rollup_refresh()
    assert figures(supervisor, period=FEBRUARY_AND_MARCH)[0]["received"] == 11


def test_a_refresh_reads_events_from_a_little_before_its_last_run(
    february, users, supervisor
):
    # A move whose transaction committed after a refresh although its event
    # bears an earlier time (a slow request) is still seen by the next one.
    with frozen(LATER):
        rollup.rollup_rebuild()
    with frozen(at(3, 3, 11, 55)):
        complaint_cancel(
            complaint=fresh(february["C4"]), by=users["supervisor"], opinion="重复。"
        )
    with frozen(at(3, 3, 12, 1)):
        rollup.rollup_refresh()

    assert figures(supervisor)[0]["to_dispose"] == 5  # C4 cancelled: 6 - 1


def test_the_rebuild_puts_right_what_changed_without_an_event(february, supervisor):
    with frozen(LATER):
        rollup.rollup_rebuild()
    # A bulk change outside the services (a data migration, say).
    type(february["C9"]).objects.filter(pk=february["C9"].pk).update(channel="phone")
    with frozen(at(3, 3, 12, 5)):
        rollup.rollup_refresh()
    assert figures(supervisor)[0]["channel_phone"] == 0  # no event: not seen

    with frozen(at(3, 4, 3, 30)):
        rollup.rollup_rebuild()
    assert figures(supervisor)[0]["channel_phone"] == 1


def test_the_first_refresh_builds_the_rollup(february, supervisor):
    assert figures(supervisor)[1] is None  # never built: counted from the cases

    with frozen(LATER):
        report = tasks.refresh_rollup()

    assert report["days"] == 11
    assert figures(supervisor)[1] == LATER


def test_the_command_says_what_it_did(february):
    out = StringIO()
    with frozen(LATER):
        call_command("kpi_rollup", "--rebuild", stdout=out)
        call_command("kpi_rollup", stdout=out)

    assert out.getvalue().splitlines() == [
        "Recounted 11 days into 11 rows; the counts are as of 2026-03-03 12:00:00 CST.",
        "Recounted 0 days into 0 rows; the counts are as of 2026-03-03 12:00:00 CST.",
    ]


def test_the_schedule_is_in_the_beat_table(db):
    tasks_by_name = dict(
        PeriodicTask.objects.filter(task__startswith="dashboard.").values_list(
            "task", "enabled"
        )
    )

    assert tasks_by_name == {
        "dashboard.refresh_rollup": True,
        "dashboard.rebuild_rollup": True,
    }
