"""The statistics selectors against numbers worked out by hand.

Today is Monday 15 June 2026. Unit A's ledger:

  r1  moved  2 Mar; visits 20 Mar ✓, 10 Apr ✓ (day 39), 5 Jun ✓ (day 95)
  r2  moved 10 Mar; visits 15 Apr ✓ (day 36), 10 Jun ✗ (day 92); returned
  r3  moved 20 Apr; visit 25 May ✓ (day 35)
  r4  moved 25 May (21 days ago)
  r5  offered only
Unit B: r6 moved 1 Apr, never visited.

30-day cohort (moved on or before 16 May): A r1 r2 r3, retained r1 r3 → 2/3;
with B: + r6, not retained → 2/4. 90-day cohort (on or before 17 Mar): r1 r2,
retained r1 → 1/2. Returned: 1 of A's 4 moved in. Market A: 6 stalls, one
closed, r1 r3 r4 occupy → 3/5; market B: 1 of 2.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from complaints.models import Complaint
from tests.complaints.clock import at, frozen
from tests.complaints.factories import submit
from tests.vendors.factories import make_hotspot, make_market, make_vendor, stall
from vendors import services, stats

pytestmark = pytest.mark.django_db

TODAY = at(6, 15, 12)


@pytest.fixture(autouse=True)
def _today():
    with frozen(TODAY), translation.override("en"):
        yield


def _moved(by, market, *, name, phone, number, on):
    vendor = make_vendor(by, name=name, phone=phone)
    relocation = services.relocation_offer(vendor=vendor, market=market, by=by)
    services.relocation_accept(relocation=relocation, by=by)
    return services.relocation_move_in(
        relocation=relocation, by=by, stall=stall(market, number), moved_on=on
    )


def _visit(relocation, by, on, present=True):
    services.followup_record(
        relocation=relocation, by=by, visited_on=on, present=present
    )


@pytest.fixture
def ledger(tree, squad_leader, officer, other_squad_leader):
    market_a = make_market(tree, squad_leader, stalls=6)
    market_b = make_market(
        tree,
        other_squad_leader,
        name="圣水路摊点群",
        stalls=2,
        community=tree.community_b,
    )
    services.stall_save(
        by=squad_leader, market=market_a, stall=stall(market_a, "A06"),
        number="A06", status="closed",
    )  # fmt: skip
    r1 = _moved(officer, market_a, name="一", phone="13900000001", number="A01",
                on=date(2026, 3, 2))  # fmt: skip
    for day in (date(2026, 3, 20), date(2026, 4, 10), date(2026, 6, 5)):
        _visit(r1, officer, day)
    r2 = _moved(officer, market_a, name="二", phone="13900000002", number="A02",
                on=date(2026, 3, 10))  # fmt: skip
    _visit(r2, officer, date(2026, 4, 15))
    _visit(r2, officer, date(2026, 6, 10), present=False)
    services.relocation_mark_returned(relocation=r2, by=officer, note="回到路边")
    r3 = _moved(officer, market_a, name="三", phone="13900000003", number="A03",
                on=date(2026, 4, 20))  # fmt: skip
    _visit(r3, officer, date(2026, 5, 25))
    _moved(officer, market_a, name="四", phone="13900000004", number="A04",
           on=date(2026, 5, 25))  # fmt: skip
    services.relocation_offer(
        vendor=make_vendor(officer, name="五", phone="13900000005"),
        market=market_a,
        by=officer,
    )
    _moved(other_squad_leader, market_b, name="六", phone="13900000006",
           number="A01", on=date(2026, 4, 1))  # fmt: skip
    return market_a, market_b


def test_relocated_per_unit_per_month(ledger, tree, squad_leader, supervisor):
    mine = [
        (row["squad__name"], row["month"], row["relocated"])
        for row in stats.relocated_per_unit_per_month(user=squad_leader)
    ]
    assert mine == [
        ("城区一中队", date(2026, 3, 1), 2),
        ("城区一中队", date(2026, 4, 1), 1),
        ("城区一中队", date(2026, 5, 1), 1),
    ]
    everyone = [
        (row["squad__name"], row["month"], row["relocated"])
        for row in stats.relocated_per_unit_per_month(user=supervisor)
    ]
    assert ("城区二中队", date(2026, 4, 1), 1) in everyone
    assert len(everyone) == 4


def test_thirty_and_ninety_day_retention(ledger, squad_leader, supervisor):
    thirty = stats.retention(user=squad_leader, days=30)
    assert (thirty.part, thirty.total, thirty.rate) == (2, 3, Decimal("0.6667"))
    ninety = stats.retention(user=squad_leader, days=90)
    assert (ninety.part, ninety.total, ninety.rate) == (1, 2, Decimal("0.5000"))
    bureau = stats.retention(user=supervisor, days=30)
    assert (bureau.part, bureau.total) == (2, 4)


def test_retention_with_nobody_in_the_cohort_has_no_rate(ledger, squad_leader):
    year = stats.retention(user=squad_leader, days=365)
    assert (year.part, year.total, year.rate) == (0, 0, None)


def test_returned_to_street_rate(ledger, squad_leader, supervisor):
    mine = stats.returned_to_street_rate(user=squad_leader)
    assert (mine.part, mine.total, mine.rate) == (1, 4, Decimal("0.2500"))
    everyone = stats.returned_to_street_rate(user=supervisor)
    assert (everyone.part, everyone.total) == (1, 5)


def test_stall_occupancy_per_market(ledger, squad_leader):
    rows = {
        market.name: (market.occupied_count, market.capacity, market.occupancy)
        for market in stats.stall_occupancy_per_market(user=squad_leader)
    }
    assert rows == {"西苑便民市场": (3, 5, 0.6), "圣水路摊点群": (1, 2, 0.5)}


def test_each_statistic_is_one_query(ledger, squad_leader, django_assert_num_queries):
    with django_assert_num_queries(1):
        stats.retention(user=squad_leader, days=30)
    with django_assert_num_queries(1):
        stats.returned_to_street_rate(user=squad_leader)
    with django_assert_num_queries(1):
        list(stats.relocated_per_unit_per_month(user=squad_leader))
    with django_assert_num_queries(1):
        list(stats.stall_occupancy_per_market(user=squad_leader))
    with django_assert_num_queries(1):
        list(stats.active_hotspots_per_unit(user=squad_leader))
    with django_assert_num_queries(1):
        list(stats.complaints_per_hotspot_per_week(user=squad_leader))


def _filed(tree, month, day, n):
    with frozen(at(month, day, 16, 0)):
        return submit(tree, phone=f"1391234{n:04d}")


def test_active_hotspots_and_complaints_per_hotspot_per_week(
    tree, squad_leader, other_squad_leader, supervisor
):
    school = make_hotspot(tree, squad_leader)
    services.hotspot_activate(hotspot=school, by=squad_leader)
    make_hotspot(tree, squad_leader, name="滨湖路口")  # watching
    theirs = make_hotspot(
        tree, other_squad_leader, name="圣水路", community=tree.community_b
    )
    services.hotspot_activate(hotspot=theirs, by=other_squad_leader)
    # Monday 1 and Wednesday 3 June, then Tuesday 9 June (and Sunday 14 June,
    # still the week of the 8th).
    cases = [_filed(tree, 6, d, n) for n, d in enumerate([1, 3, 9, 14], start=1)]
    services.hotspot_link_complaints(hotspot=school, by=squad_leader, complaints=cases)
    other = _filed(tree, 6, 2, 9)
    Complaint.objects.filter(pk=other.pk).update(squad=tree.unit_b)
    other.refresh_from_db()
    services.hotspot_link_complaints(
        hotspot=theirs, by=other_squad_leader, complaints=[other]
    )

    active = [
        (row["squad__name"], row["active"])
        for row in stats.active_hotspots_per_unit(user=supervisor)
    ]
    assert active == [("城区一中队", 1), ("城区二中队", 1)]
    assert [
        row["active"] for row in stats.active_hotspots_per_unit(user=squad_leader)
    ] == [1]
    weeks = [
        (row["hotspot__name"], row["week"], row["complaints"])
        for row in stats.complaints_per_hotspot_per_week(user=squad_leader)
    ]
    assert weeks == [
        ("西苑小学门口", date(2026, 6, 1), 2),
        ("西苑小学门口", date(2026, 6, 8), 2),
    ]
    since = stats.complaints_per_hotspot_per_week(
        user=supervisor, since=date(2026, 6, 2)
    )
    assert [(r["hotspot__name"], r["week"], r["complaints"]) for r in since] == [
        ("圣水路", date(2026, 6, 1), 1),
        ("西苑小学门口", date(2026, 6, 1), 1),
        ("西苑小学门口", date(2026, 6, 8), 2),
    ]
