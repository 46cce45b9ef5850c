"""Campaign figures: one aggregate each, in the user's scope and the period."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from campaigns import stats
from campaigns.models import Metric
from tests.campaigns.report_factories import (
    MONDAY,
    make_campaign,
    make_segment,
    record,
)

TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def metrics(db) -> dict[str, Metric]:
    return {m.code: m for m in Metric.objects.all()}


@pytest.fixture
def campaign(tree, supervisor, squad_leader, other_squad_leader):
    segment = make_segment(
        by=supervisor, squad=tree.unit_a, street=tree.street, name="范公亭西路"
    )
    campaign = make_campaign(
        by=supervisor,
        lead=tree.unit_a,
        squads=[tree.unit_a, tree.team_a1, tree.unit_b],
        segments=[segment],
        targets={"ad_boards_removed": 10, "posters_cleaned": None, "lines_painted": 40},
    )
    record(campaign, tree.unit_a, MONDAY, by=squad_leader, ad_boards_removed=2)
    record(
        campaign,
        tree.unit_a,
        MONDAY,
        by=squad_leader,
        segment=segment,
        ad_boards_removed=3,
        lines_painted="12.5",
    )
    record(campaign, tree.team_a1, TUESDAY, by=squad_leader, posters_cleaned=5)
    record(
        campaign,
        tree.unit_b,
        TUESDAY,
        by=other_squad_leader,
        ad_boards_removed=4,
        posters_cleaned=6,
    )
    campaign.segment = segment
    return campaign


def test_daily_unit_totals_keep_the_unit_day_and_segment_apart(
    tree, campaign, metrics, supervisor, django_assert_num_queries
):
    boards, lines = metrics["ad_boards_removed"].pk, metrics["lines_painted"].pk

    with django_assert_num_queries(1):
        daily = stats.daily_unit_totals(campaign=campaign, user=supervisor)

    assert daily[(tree.unit_a.pk, MONDAY, None, boards)] == 2
    assert daily[(tree.unit_a.pk, MONDAY, campaign.segment.pk, boards)] == 3
    assert daily[(tree.unit_a.pk, MONDAY, campaign.segment.pk, lines)] == Decimal(
        "12.5"
    )
    assert daily[(tree.unit_b.pk, TUESDAY, None, boards)] == 4
    assert len(daily) == 6


def test_day_totals_add_up_the_units_in_scope(
    tree, campaign, metrics, supervisor, other_squad_leader, django_assert_num_queries
):
    boards, posters = metrics["ad_boards_removed"].pk, metrics["posters_cleaned"].pk

    with django_assert_num_queries(1):
        everyone = stats.day_totals(campaign=campaign, user=supervisor)
    unit_b = stats.day_totals(campaign=campaign, user=other_squad_leader)

    assert everyone[(MONDAY, boards)] == 5
    assert everyone[(TUESDAY, posters)] == 11
    assert unit_b == {(TUESDAY, boards): 4, (TUESDAY, posters): 6}


def test_segment_totals_leave_out_tallies_without_a_segment(
    campaign, metrics, supervisor, django_assert_num_queries
):
    with django_assert_num_queries(1):
        totals = stats.segment_totals(campaign=campaign, user=supervisor)

    assert totals == {
        (campaign.segment.pk, metrics["ad_boards_removed"].pk): 3,
        (campaign.segment.pk, metrics["lines_painted"].pk): Decimal("12.5"),
    }


def test_unit_totals_follow_the_period(tree, campaign, metrics, supervisor):
    boards = metrics["ad_boards_removed"].pk

    assert stats.unit_metric_totals(
        campaign=campaign, user=supervisor, start=TUESDAY, end=TUESDAY
    ) == {
        (tree.team_a1.pk, metrics["posters_cleaned"].pk): 5,
        (tree.unit_b.pk, boards): 4,
        (tree.unit_b.pk, metrics["posters_cleaned"].pk): 6,
    }
    assert (
        stats.unit_metric_totals(campaign=campaign, user=supervisor, end=MONDAY)[
            (tree.unit_a.pk, boards)
        ]
        == 5
    )


def test_target_progress_is_one_query_in_the_campaigns_order(
    campaign, supervisor, squad_leader, django_assert_num_queries
):
    with django_assert_num_queries(1):
        progress = stats.target_progress(campaign=campaign, user=supervisor)
    own = stats.target_progress(campaign=campaign, user=squad_leader)

    assert [(p.metric.code, p.target, p.done, p.rate) for p in progress] == [
        ("ad_boards_removed", 10, 9, Decimal("0.9")),
        ("posters_cleaned", None, 11, None),
        ("lines_painted", 40, Decimal("12.5"), Decimal("0.3125")),
    ]
    # unit A and its team: their share of the campaign's targets
    assert [(p.done, p.rate) for p in own] == [
        (5, Decimal("0.5")),
        (5, None),
        (Decimal("12.5"), Decimal("0.3125")),
    ]


def test_a_unit_outside_the_campaign_sees_no_figures(tree, campaign, metrics):
    from squads.models import Member
    from tests.squads.factories import SquadFactory, make_member

    stranger = make_member(
        username="leader_c",
        role=Member.Role.SQUAD_LEADER,
        squad=SquadFactory(code="ZD3", kind="squadron", parent=tree.brigade),
        full_name="钱队长",
        phone="13805360099",
    ).user

    assert stats.unit_metric_totals(campaign=campaign, user=stranger) == {}
    assert stats.day_totals(campaign=campaign, user=stranger) == {}
    assert [
        p.done for p in stats.target_progress(campaign=campaign, user=stranger)
    ] == [
        0,
        0,
        0,
    ]
