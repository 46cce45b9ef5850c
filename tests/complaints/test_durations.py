"""The working time each case took, stored by the services and rebuilt from events.

Moments on the 2026 calendar (tests.complaints.clock); the hand-built month of
tests/dashboard/conftest.py supplies cases that went through every kind of
step (a rework, a citizen's reopening, the Spring Festival).
"""

from __future__ import annotations

from django.apps import apps

from complaints.deadlines import durations
from complaints.models import Complaint
from tests.complaints.clock import at, frozen
from tests.complaints.factories import fresh, move, submit
from tests.dashboard.conftest import february  # noqa: F401 (a fixture)

RESULT = "已到现场处理完毕。"


def _stored(case: Complaint) -> dict[str, int | None]:
    return {name: getattr(case, name) for name in durations.DURATION_FIELDS}


def test_across_the_festival_and_its_make_up_saturday(tree, calendar_2026, users):
    # Dispatched Friday 02-13 11:30, disposed of Tuesday 02-24 10:00: Friday
    # 4.5 h, Saturday 02-14 (a make-up working day) 7.5 h, 02-15 … 02-23 off,
    # Tuesday 1.5 h: 13.5 working hours.
    with frozen(at(2, 13, 10, 0)):
        case = submit(tree, code="08001")
    case = move(case, "accept", users["dispatcher"], at(2, 13, 11, 0))
    case = move(case, "dispatch", users["dispatcher"], at(2, 13, 11, 30))
    case = move(case, "sign", users["squad_leader"], at(2, 13, 14, 0))
    case = move(
        case,
        "dispose",
        users["squad_leader"],
        at(2, 24, 10, 0),
        method="service",
        result=RESULT,
    )

    assert _stored(fresh(case)) == {
        "accept_working_seconds": 3600,
        "dispose_working_seconds": 13.5 * 3600,
    }


def test_a_return_starts_the_next_units_time_from_its_own_dispatch(
    tree, calendar_2026, users
):
    with frozen(at(3, 2, 9, 0)):
        case = submit(tree, code="08001")
    case = move(case, "accept", users["dispatcher"], at(3, 2, 9, 10))
    case = move(case, "dispatch", users["dispatcher"], at(3, 2, 9, 20))
    case = move(case, "sign", users["squad_leader"], at(3, 2, 9, 30))
    case = move(
        case, "return", users["squad_leader"], at(3, 3, 9, 0), opinion="不属本辖区。"
    )
    case = move(
        case, "dispatch", users["dispatcher"], at(3, 3, 10, 0), squad=tree.unit_b
    )
    case = move(case, "sign", users["other_squad_leader"], at(3, 3, 10, 30))
    case = move(
        case,
        "dispose",
        users["other_squad_leader"],
        at(3, 3, 11, 0),
        method="service",
        result=RESULT,
    )

    # Only ZD2's hour, from its dispatch at 10:00 to 11:00.
    assert fresh(case).dispose_working_seconds == 3600


def test_the_history_gives_what_the_services_stored(february):  # noqa: F811
    for name in february.cases:
        case = february[name]
        events = case.events.order_by("created_at", "id").values_list(
            "action", "created_at"
        )
        assert durations.from_history(events) == _stored(case), name


def test_the_upgrade_fills_in_the_cases_already_there(february):  # noqa: F811
    before = {name: _stored(february[name]) for name in february.cases}
    Complaint.objects.update(accept_working_seconds=None, dispose_working_seconds=None)

    written = durations.backfill(apps, batch=3)

    # Every accepted case: C0 C1 C2 C3 C4 C6 C8 C9 C10 (not C5, C7).
    assert written == 9
    assert {name: _stored(february[name]) for name in february.cases} == before
    assert durations.backfill(apps) == 0  # nothing left to fill in
