"""The ledger's reads: follow-ups due, stall counts, and the unit scope."""

from __future__ import annotations

import pytest

from tests.vendors.factories import days_ago, make_market, make_vendor, moved
from vendors import selectors, services

pytestmark = pytest.mark.django_db


def test_followups_due_within_a_week(tree, squad_leader, officer, settings):
    settings.VENDOR_FOLLOWUP_DAYS = 14
    market = make_market(tree, squad_leader, stalls=4)
    rows = [
        moved(
            officer,
            market,
            vendor=make_vendor(officer, name=f"摊主{i}", phone=f"1391234000{i}"),
            number=f"A0{i + 1}",
            days_ago=40 if i else 10,
        )
        for i in range(3)
    ]
    services.followup_record(
        relocation=rows[1], by=officer, visited_on=days_ago(9), present=True
    )
    services.followup_record(
        relocation=rows[2], by=officer, visited_on=days_ago(2), present=True
    )
    # Due on: move + 14 = in 4 days; last visit + 14 = in 5 days; in 12 days.
    due = set(selectors.followups_due(user=squad_leader, within=7))
    assert due == {rows[0], rows[1]}
    assert set(selectors.followups_due(user=squad_leader, within=0)) == set()
    assert set(selectors.followups_due(user=squad_leader, within=12)) == set(rows)


def test_followups_due_leaves_out_other_units_and_other_statuses(
    tree, squad_leader, officer, other_squad_leader
):
    market = make_market(tree, squad_leader)
    relocation = moved(officer, market, days_ago=60)
    assert list(selectors.followups_due(user=squad_leader)) == [relocation]
    assert list(selectors.followups_due(user=other_squad_leader)) == []
    services.relocation_mark_returned(relocation=relocation, by=officer, note="走了")
    assert list(selectors.followups_due(user=squad_leader)) == []


def test_market_capacity_and_counts_come_from_its_stalls(tree, squad_leader, officer):
    market = make_market(tree, squad_leader, stalls=5)
    services.stall_save(
        by=squad_leader,
        market=market,
        stall=market.stalls.get(number="A05"),
        number="A05",
        status="closed",
    )
    moved(officer, market)
    relocation = services.relocation_offer(
        vendor=make_vendor(officer, name="王大姐", phone="13912340009"),
        market=market,
        by=officer,
        stall=market.stalls.get(number="A02"),
    )
    services.relocation_accept(relocation=relocation, by=officer)
    counted = selectors.with_stall_counts(
        selectors.markets_visible_to(user=squad_leader)
    ).get(pk=market.pk)
    assert counted.capacity == 4
    assert (
        counted.vacant_count,
        counted.reserved_count,
        counted.occupied_count,
        counted.closed_count,
    ) == (2, 1, 1, 1)


def test_markets_are_read_by_every_unit_and_edited_by_their_own(
    tree, squad_leader, other_squad_leader
):
    market = make_market(tree, squad_leader)
    assert market in selectors.markets_visible_to(user=other_squad_leader)
    assert market not in selectors.markets_editable_by(user=other_squad_leader)
    assert market in selectors.markets_editable_by(user=squad_leader)
