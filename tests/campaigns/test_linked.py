"""Linked counts: figures a campaign reads from other records, never typed in."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

import campaigns
from campaigns import linked
from tests.campaigns.report_factories import make_campaign
from tests.complaints.clock import at, frozen
from tests.complaints.factories import submit, walk_to
from tests.vendors.factories import (
    days_ago,
    make_market,
    make_vendor,
    moved,
    stall,
)
from vendors import services as vendor_services
from vendors.campaign_counts import vendors_guided_into_markets

# 2026-03-02 (Monday) to 2026-03-08 (Sunday), Asia/Shanghai.
START, END = date(2026, 3, 2), date(2026, 3, 8)


@pytest.fixture
def campaign(tree, supervisor):
    return make_campaign(
        by=supervisor,
        lead=tree.unit_a,
        squads=[tree.unit_a, tree.unit_b],
        starts_on=START,
        ends_on=END,
        categories=["09006", "09005"],
    )


def closed_at(moment, tree, users, *, code="09006", community=None):
    """A case of the category filed and closed at one moment (local time)."""
    if community is not None and community != tree.community_a:
        users = {**users, "squad_leader": users["other_squad_leader"]}
    with frozen(moment):
        return walk_to(
            submit(tree, code=code, community=community or tree.community_a),
            "closed",
            users,
        )


def test_it_counts_the_campaigns_categories_closed_in_its_period_per_unit(
    tree, users, campaign, django_assert_num_queries
):
    closed_at(at(3, 2, 0, 1), tree, users)  # the first minute of the period
    closed_at(at(3, 8, 23, 59), tree, users)  # the last
    closed_at(at(3, 5, 10), tree, users, code="09005")
    closed_at(at(3, 5, 11), tree, users, community=tree.community_b)  # unit B's
    closed_at(at(3, 1, 23, 59), tree, users)  # the day before
    closed_at(at(3, 9, 0, 0), tree, users)  # the day after
    closed_at(at(3, 5, 12), tree, users, code="06028")  # not the campaign's
    with frozen(at(3, 5, 13)):
        walk_to(submit(tree), "processing", users)  # not closed

    with django_assert_num_queries(1):
        counts = linked.complaints_closed(
            campaign=campaign,
            squad_ids=[tree.unit_a.pk, tree.unit_b.pk],
            start=START,
            end=END,
        )

    assert counts == {tree.unit_a.pk: 3, tree.unit_b.pk: 1}


def test_it_counts_only_the_units_asked_for_and_nothing_without_categories(
    tree, users, supervisor, campaign
):
    closed_at(at(3, 5, 10), tree, users)
    closed_at(at(3, 5, 11), tree, users, community=tree.community_b)
    uncategorised = make_campaign(
        by=supervisor, lead=tree.unit_a, starts_on=START, ends_on=END
    )

    assert linked.complaints_closed(
        campaign=campaign, squad_ids=[tree.unit_b.pk], start=START, end=END
    ) == {tree.unit_b.pk: 1}
    assert (
        linked.complaints_closed(
            campaign=uncategorised,
            squad_ids=[tree.unit_a.pk, tree.unit_b.pk],
            start=START,
            end=END,
        )
        == {}
    )


@pytest.fixture
def market(tree, squad_leader):
    return make_market(tree, squad_leader, stalls=6)


def test_it_counts_the_vendors_who_moved_in_during_the_period_per_unit(
    tree, squad_leader, other_squad_leader, market, django_assert_num_queries
):
    moved(squad_leader, market, number="A01", days_ago=3)
    moved(
        squad_leader,
        market,
        vendor=make_vendor(squad_leader, name="王阿姨", phone="13912340002"),
        number="A02",
        days_ago=10,
    )
    returned = moved(
        squad_leader,
        market,
        vendor=make_vendor(squad_leader, name="吴师傅", phone="13912340003"),
        number="A03",
        days_ago=5,
    )
    vendor_services.relocation_mark_returned(
        relocation=returned, by=squad_leader, note="回到路边摆摊。"
    )
    moved(  # before the period
        squad_leader,
        market,
        vendor=make_vendor(squad_leader, name="赵大爷", phone="13912340004"),
        number="A04",
        days_ago=40,
    )
    accepted = vendor_services.relocation_offer(  # not moved in yet
        vendor=make_vendor(squad_leader, name="郑大爷", phone="13912340005"),
        market=market,
        by=squad_leader,
    )
    vendor_services.relocation_accept(
        relocation=accepted, by=squad_leader, stall=stall(market, "A05")
    )
    moved(  # unit B's vendor, placed in unit A's market
        other_squad_leader,
        market,
        vendor=make_vendor(other_squad_leader, name="孙师傅", phone="13912340006"),
        number="A06",
        days_ago=2,
    )

    with django_assert_num_queries(1):
        counts = vendors_guided_into_markets(
            campaign=None,
            squad_ids=[tree.unit_a.pk, tree.unit_b.pk],
            start=days_ago(30),
            end=days_ago(0),
        )

    assert counts == {tree.unit_a.pk: 3, tree.unit_b.pk: 1}
    assert (
        vendors_guided_into_markets(
            campaign=None,
            squad_ids=[tree.unit_b.pk],
            start=days_ago(1),
            end=days_ago(0),
        )
        == {}
    )


def test_both_counters_are_registered_complaints_first():
    assert [counter.code for counter in linked.LINKED] == [
        "complaints_closed",
        "vendors_guided_into_markets",
    ]
    assert [counter.unit for counter in linked.LINKED] == ["件", "人"]


def test_linked_counts_answers_every_counter_for_the_units(tree, campaign):
    counts = linked.linked_counts(
        campaign=campaign, squad_ids=[tree.unit_a.pk], start=START, end=END
    )

    assert counts == {"complaints_closed": {}, "vendors_guided_into_markets": {}}


def test_campaigns_imports_no_sibling_app():
    """vendors registers into campaigns, never the reverse."""
    root = Path(campaigns.__file__).parent
    offenders = {}
    for path in root.rglob("*.py"):
        modules = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
        if "vendors" in modules:
            offenders[str(path.relative_to(root))] = "vendors"
    assert offenders == {}
