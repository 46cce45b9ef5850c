"""Reminders, overdue notices and escalation on the working-day clock: once each.

The main story: a case dispatched on Friday 2026-02-13 09:20 is to be
disposed within 5 working days (37.5 working hours). The make-up Saturday
2026-02-14 counts, the Spring Festival week does not, so the 50 % reminder
comes on Tuesday 2026-02-24 14:35, the 80 % one on Thursday 09:20, the case
is overdue on Friday 2026-02-27 09:20, and one working day later - on the
make-up Saturday 2026-02-28 09:20 - the supervisors hear of it.
"""

from __future__ import annotations

import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection, transaction

import complaints.tasks  # noqa: F401 - registers the tasks
from citymgmt.notifications.models import Notification
from complaints import deadlines
from complaints.models import Complaint, Reminder, Status
from squads.models import Member
from tests.complaints.clock import at, frozen, local
from tests.complaints.factories import fresh, move, submit
from tests.conftest import project_app, wait_for


def in_processing(tree, users, *, community=None) -> Complaint:
    """Filed, accepted, dispatched and signed on Friday 2026-02-13; an officer on it."""
    with frozen(at(2, 13, 9, 0)):
        complaint = submit(tree, **({"community": community} if community else {}))
    complaint = move(complaint, "accept", users["dispatcher"], at(2, 13, 9, 10))
    complaint = move(complaint, "dispatch", users["dispatcher"], at(2, 13, 9, 20))
    complaint = move(complaint, "sign", users["squad_leader"], at(2, 13, 9, 30))
    if community is not None:
        return complaint
    officer = Member.objects.get(user=users["officer"])
    return move(
        complaint, "assign", users["squad_leader"], at(2, 13, 9, 35), assignee=officer
    )


def sweep_at(moment):
    with frozen(moment):
        return deadlines.sweep()


def site_rows(template: str) -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(template=template, channel="site").values_list(
            "user__username", "body"
        )
    )


def recipients(template: str, channel: str = "site") -> list[str]:
    return sorted(
        Notification.objects.filter(template=template, channel=channel).values_list(
            "user__username", flat=True
        )
    )


def counts() -> tuple[int, int]:
    return Reminder.objects.count(), Notification.objects.count()


# --- Time travel across the Spring Festival ----------------------------------------


def test_reminders_follow_the_working_day_clock_across_the_festival_once_each(
    tree, calendar_2026, users
):
    users["officer"].email = "zhao@example.com"
    users["officer"].save()
    complaint = in_processing(tree, users)
    assert local(fresh(complaint).dispose_due_at) == at(2, 27, 9, 20)
    assert local(fresh(complaint).next_check_at) == at(2, 24, 14, 35)
    baseline = counts()

    # (moment, what should have gone out by then: reminder rows)
    steps = [
        (at(2, 13, 17, 0), 0),  # Friday evening
        (at(2, 14, 17, 0), 0),  # the make-up Saturday: 38 % used
        (at(2, 18, 10, 0), 0),  # the festival: the clock stands still
        (at(2, 23, 16, 0), 0),  # its last day
        (at(2, 24, 14, 30), 0),  # back at work, five minutes short of half
        (at(2, 24, 14, 40), 1),  # 50 %
        (at(2, 26, 9, 15), 1),
        (at(2, 26, 9, 25), 2),  # 80 %
        (at(2, 27, 9, 15), 2),
        (at(2, 27, 9, 25), 3),  # overdue
        (at(2, 27, 17, 0), 3),
        (at(2, 28, 9, 15), 3),  # the make-up Saturday, not yet a full day late
        (at(2, 28, 9, 25), 4),  # escalated to the supervisors
        (at(3, 2, 10, 0), 4),
        (at(3, 9, 10, 0), 4),
    ]
    for moment, expected in steps:
        sweep_at(moment)
        first = counts()
        sweep_at(moment)  # a second sweep at the same moment sends nothing
        assert counts() == first, moment
        assert first[0] - baseline[0] == expected, moment

    reminders = list(
        Reminder.objects.filter(complaint=complaint).values_list(
            "stage", "threshold", "created_at"
        )
    )
    assert sorted((s, t, local(c)) for s, t, c in reminders) == [
        ("dispose", "100", at(2, 27, 9, 25)),
        ("dispose", "50", at(2, 24, 14, 40)),
        ("dispose", "80", at(2, 26, 9, 25)),
        ("dispose", "escalated", at(2, 28, 9, 25)),
    ]
    # 50 % and 80 %: the assignee and the unit's leader and instructor.
    owners = ["instructor_a", "leader_a", "officer_a"]
    assert recipients("deadline_reminder") == sorted(owners * 2)
    # The officer has an email address: the reminder goes there too.
    assert recipients("deadline_reminder", "email") == ["officer_a", "officer_a"]
    # Overdue: the owners and the dispatcher.
    assert recipients("deadline_overdue") == sorted([*owners, "dispatcher"])
    # A working day later: the supervisor.
    assert recipients("deadline_escalated") == ["supervisor"]
    assert fresh(complaint).next_check_at is None

    bodies = dict(
        Notification.objects.filter(
            template="deadline_reminder", channel="site", user=users["officer"]
        ).values_list("context__percent", "body")
    )
    assert complaint.reference in bodies[50]
    assert "50%" in bodies[50] and "80%" in bodies[80]
    assert "02-27 09:20" in bodies[50]


def test_a_case_first_seen_late_gets_only_the_latest_reminder(
    tree, calendar_2026, users
):
    complaint = in_processing(tree, users)

    sweep_at(at(2, 26, 14, 0))  # past 80 %, never swept before

    assert list(
        Reminder.objects.filter(complaint=complaint).values_list("threshold", flat=True)
    ) == ["80"]


def test_a_case_first_seen_days_after_its_deadline_is_overdue_and_escalated_at_once(
    tree, calendar_2026, users
):
    complaint = in_processing(tree, users)

    report = sweep_at(at(3, 4, 10, 0))

    assert sorted(
        Reminder.objects.filter(complaint=complaint).values_list("threshold", flat=True)
    ) == ["100", "escalated"]
    assert report.reminders == {"100": 1, "escalated": 1}
    assert not Notification.objects.filter(template="deadline_reminder").exists()


def test_a_desk_stage_reminds_the_dispatchers(tree, calendar_2026, users):
    with frozen(at(3, 2, 9, 0)):
        complaint = submit(tree)

    sweep_at(at(3, 2, 11, 5))  # 2 of the 4 working hours to accept

    assert list(
        Reminder.objects.filter(complaint=complaint).values_list("stage", "threshold")
    ) == [("accept", "50")]
    assert recipients("deadline_reminder") == ["dispatcher"]


def test_a_team_without_leaders_has_its_parent_units_leaders_reminded(
    tree, calendar_2026, users
):
    complaint = in_processing(tree, users, community=tree.community_a1)
    assert fresh(complaint).squad == tree.team_a1

    sweep_at(at(2, 24, 14, 40))

    assert recipients("deadline_reminder") == ["instructor_a", "leader_a"]


def test_a_case_closed_before_its_deadline_is_never_reminded(
    tree, calendar_2026, users
):
    with frozen(at(3, 2, 9, 0)):
        complaint = submit(tree)
    move(
        complaint, "reject", users["dispatcher"], at(3, 2, 9, 30), opinion="重复举报。"
    )

    sweep_at(at(3, 9, 9, 0))

    assert not Reminder.objects.exists()
    assert fresh(complaint).next_check_at is None


def test_a_new_stage_has_its_own_reminders(tree, calendar_2026, users):
    with frozen(at(3, 2, 9, 0)):
        complaint = submit(tree)
    sweep_at(at(3, 2, 11, 5))  # acceptance 50 %
    complaint = move(complaint, "accept", users["dispatcher"], at(3, 2, 11, 10))

    sweep_at(at(3, 2, 14, 0))  # 1 of 2 working hours to dispatch (lunch aside)

    assert sorted(
        Reminder.objects.filter(complaint=complaint).values_list("stage", "threshold")
    ) == [("accept", "50"), ("dispatch", "50")]


# --- Crashes and repeats --------------------------------------------------------


def test_a_sweep_killed_before_it_committed_leaves_nothing_and_the_rerun_sends_once(
    tree, calendar_2026, users
):
    in_processing(tree, users)
    before = counts()

    with frozen(at(2, 24, 14, 40)):
        with pytest.raises(RuntimeError), transaction.atomic():
            deadlines.sweep()
            raise RuntimeError("the worker was killed before the commit")
    assert counts() == before

    sweep_at(at(2, 24, 14, 41))
    sweep_at(at(2, 24, 14, 42))
    assert Reminder.objects.count() == 1
    assert Notification.objects.filter(template="deadline_reminder").count() == 3


def test_a_sweep_that_finds_a_reminder_already_recorded_sends_nothing(
    tree, calendar_2026, users
):
    # As after a worker died between the commit and the acknowledgement, or
    # when next_check_at was moved back by hand: the key holds.
    complaint = in_processing(tree, users)
    sweep_at(at(2, 24, 14, 40))
    sent = counts()
    Complaint.objects.filter(pk=complaint.pk).update(next_check_at=at(2, 13, 10, 0))

    report = sweep_at(at(2, 24, 15, 0))

    assert report.looked_at == 1
    assert report.notifications == 0
    assert counts() == sent
    assert local(fresh(complaint).next_check_at) == at(2, 26, 9, 20)


def test_two_workers_handing_the_same_due_case_send_each_message_once(
    tree, calendar_2026, users
):
    # The second sweep's rows clash on the unique key: it sends nothing.
    complaint = in_processing(tree, users)
    with frozen(at(2, 24, 14, 40)):
        first = deadlines.sweep()
        Complaint.objects.filter(pk=complaint.pk).update(
            next_check_at=at(2, 24, 14, 35)
        )
        second = deadlines.sweep()
    assert first.notifications == 3
    assert second.notifications == 0
    assert Reminder.objects.count() == 1


# --- Two sweeps at once on PostgreSQL -------------------------------------------------


@pytest.fixture
def quiet_outbox(settings, monkeypatch):
    """Outbox rows queue their delivery on an in-memory broker nobody reads."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    settings.NOTIFY_CELERY_APP = project_app(broker_url="memory://")


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_once(
    require_postgres, tree, users, calendar_2026, deadline_rules, quiet_outbox
):
    cases = [in_processing(tree, users) for _ in range(25)]
    barrier = threading.Barrier(2)
    reports: list = []
    errors: list = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            reports.append(deadlines.sweep(now=at(2, 24, 14, 40), batch=5))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Reminder.objects.count() == len(cases)
    assert sum(r.notifications for r in reports) == 3 * len(cases)
    assert Notification.objects.filter(template="deadline_reminder").count() == (
        3 * len(cases)
    )
    keys = Notification.objects.values_list("user_id", "context__reference")
    assert len(set(keys.filter(template="deadline_reminder"))) == 3 * len(cases)


# --- A real Celery worker on Redis ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_sweep_and_delivers_what_it_wrote(
    redis_broker, tree, users, calendar_2026, deadline_rules, settings, mailoutbox
):
    app = project_app(broker_url=redis_broker, worker_hijack_root_logger=False)
    app.control.purge()
    settings.NOTIFY_CELERY_APP = app
    users["supervisor"].email = "zhou@example.com"
    users["supervisor"].save()
    with frozen(at(3, 2, 9, 0)):
        complaint = submit(tree)
    # The case has waited for acceptance for weeks: overdue and escalated.
    Complaint.objects.filter(pk=complaint.pk).update(
        stage_started_at=at(3, 2, 9, 0),
        current_due_at=at(3, 2, 13, 0),
        next_check_at=at(3, 2, 11, 0),
    )

    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        app.tasks["complaints.sweep_deadlines"].apply_async()
        assert wait_for(lambda: Reminder.objects.count() == 2)
        assert wait_for(
            lambda: Notification.objects.filter(
                template="deadline_escalated", channel="email", status="sent"
            ).exists()
        ), list(Notification.objects.values_list("status", "last_error"))
        # Run again: nothing more.
        app.tasks["complaints.sweep_deadlines"].apply_async()
        time.sleep(1)

    assert sorted(Reminder.objects.values_list("threshold", flat=True)) == [
        "100",
        "escalated",
    ]
    assert recipients("deadline_overdue") == ["dispatcher"]
    assert recipients("deadline_escalated") == ["supervisor"]
    email = Notification.objects.get(template="deadline_escalated", channel="email")
    assert email.attempts == 1
    assert [m.to for m in mailoutbox] == [["zhou@example.com"]]
    assert complaint.reference in mailoutbox[0].body


def test_the_tasks_acknowledge_late_and_have_time_limits():
    from citymgmt.celery import app

    for name in (
        "complaints.sweep_deadlines",
        "complaints.morning_digest",
        "complaints.overdue_summary",
    ):
        task = app.tasks[name]
        assert task.acks_late is True
        assert task.soft_time_limit and task.time_limit > task.soft_time_limit
        assert not getattr(task, "autoretry_for", ())


def test_the_schedules_are_in_the_beat_table(db):
    from django_celery_beat.models import PeriodicTask

    tasks = {
        t.task: t for t in PeriodicTask.objects.select_related("interval", "crontab")
    }
    sweep = tasks["complaints.sweep_deadlines"]
    assert (sweep.interval.every, sweep.interval.period) == (5, "minutes")
    digest = tasks["complaints.morning_digest"].crontab
    assert (digest.hour, digest.minute, str(digest.timezone)) == (
        "8",
        "0",
        "Asia/Shanghai",
    )
    summary = tasks["complaints.overdue_summary"].crontab
    assert (summary.hour, summary.minute) == ("17", "45")
    assert all(t.enabled for t in tasks.values())


# --- Digests ----------------------------------------------------------------------


def open_cases(tree, users) -> list[Complaint]:
    """Two cases being handled in unit A, due on different days; one in unit B."""
    with frozen(at(3, 2, 9, 0)):
        later = submit(tree)
        sooner = submit(tree, code="06028")
        other = submit(tree, community=tree.community_b)
    for case, when in (
        (later, at(3, 2, 9, 30)),
        (sooner, at(3, 2, 10, 0)),
        (other, at(3, 2, 9, 30)),
    ):
        case = move(case, "accept", users["dispatcher"], when)
        case = move(case, "dispatch", users["dispatcher"], when)
        move(case, "sign", users["supervisor"], when)
    return [later, sooner, other]


def test_the_morning_digest_lists_each_leaders_cases_by_due_time(
    tree, calendar_2026, users, other_squad_leader
):
    later, sooner, other = open_cases(tree, users)

    with frozen(at(3, 3, 8, 0)):
        written = deadlines.morning_digest()

    assert written == 3  # leader and instructor of A, leader of B
    body = Notification.objects.get(
        template="morning_digest", user=users["squad_leader"]
    ).body
    # Noise is due in 2 working days, trading in 5: noise first.
    assert body.index(sooner.reference) < body.index(later.reference)
    assert other.reference not in body
    other_body = Notification.objects.get(
        template="morning_digest", user=other_squad_leader
    ).body
    assert other.reference in other_body and later.reference not in other_body


# The personas without `users`: it would bring unit B's leader, who gets a digest.
def test_the_morning_digest_goes_out_once_a_day(
    tree, calendar_2026, dispatcher, squad_leader, instructor, officer, supervisor
):
    open_cases(tree, {"dispatcher": dispatcher, "supervisor": supervisor})
    with frozen(at(3, 3, 8, 0)):
        deadlines.morning_digest()
    with frozen(at(3, 3, 8, 5)):
        assert deadlines.morning_digest() == 0
    assert Notification.objects.filter(template="morning_digest").count() == 2


@pytest.mark.parametrize(
    ("moment", "sent"),
    [
        (at(2, 17, 8, 0), False),  # Spring Festival
        (at(3, 1, 8, 0), False),  # a Sunday
        (at(2, 28, 8, 0), True),  # the make-up Saturday
    ],
)
def test_the_morning_digest_follows_the_working_calendar(
    tree, calendar_2026, users, moment, sent
):
    open_cases(tree, users)
    with frozen(moment):
        deadlines.morning_digest()
    assert Notification.objects.filter(template="morning_digest").exists() is sent


def test_the_overdue_summary_tells_the_supervisors(tree, calendar_2026, users):
    later, sooner, other = open_cases(tree, users)
    users["supervisor"].email = "zhou@example.com"
    users["supervisor"].save()

    with frozen(at(3, 4, 17, 45)):  # noise was due Wednesday 10:00
        assert deadlines.overdue_summary() == 1

    row = Notification.objects.get(template="overdue_summary", channel="site")
    assert row.user == users["supervisor"]
    assert sooner.reference in row.body
    assert later.reference not in row.body
    assert row.context["per_unit"] == {tree.unit_a.name: 1}
    assert Notification.objects.filter(
        template="overdue_summary", channel="email"
    ).exists()
    with frozen(at(3, 4, 17, 50)):
        assert deadlines.overdue_summary() == 0


def test_a_sweep_with_nothing_due_reads_one_query(tree, calendar_2026, users):
    in_processing(tree, users)
    with frozen(at(2, 13, 10, 0)), CaptureQueries() as queries:
        report = deadlines.sweep()
    assert report.looked_at == 0
    assert len(queries) == 1


@pytest.mark.parametrize("cases", [1, 4])
def test_a_sweep_batch_reads_and_writes_in_the_same_queries_however_many_are_due(
    cases, tree, calendar_2026, users
):
    for _ in range(cases):
        in_processing(tree, users)
    with frozen(at(2, 24, 14, 40)), CaptureQueries() as queries:
        report = deadlines.sweep()
    assert report.looked_at == cases
    assert report.notifications == 3 * cases
    assert Notification.objects.filter(template="deadline_reminder").count() == (
        3 * cases
    )
    # The due ids; the people (members, units); the batch's savepoint (inside
    # the test's transaction); the locked cases; the working calendar; the
    # reminders inserted and read back; the outbox (keys seen, one INSERT);
    # the next checks; the release; the empty next page.
    assert len(queries) == SWEEP_QUERIES, "\n".join(q["sql"][:90] for q in queries)


SWEEP_QUERIES = 13


class CaptureQueries:
    def __enter__(self):
        from django.test.utils import CaptureQueriesContext

        self.context = CaptureQueriesContext(connection)
        self.context.__enter__()
        return self.context

    def __exit__(self, *exc):
        return self.context.__exit__(*exc)


def test_statuses_without_a_clock_are_not_watched():
    assert set(deadlines.STAGE_OF_STATUS) == {
        Status.SUBMITTED,
        Status.REGISTERED,
        Status.DISPATCHED,
        Status.PROCESSING,
        Status.DISPOSED,
    }
