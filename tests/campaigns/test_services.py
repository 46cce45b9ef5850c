"""The campaigns' services: what tally_record refuses and how it replaces a day,
the campaign's moves and rules, road segments and photos in their scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from campaigns import services
from campaigns.models import (
    CampaignStatus,
    CampaignTarget,
    Metric,
    RoadSegment,
    Tally,
    TallyPhoto,
)
from citymgmt.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from squads.models import Member
from tests.campaigns.factories import (
    TARGETS,
    days_ago,
    figures,
    make_campaign,
    make_segment,
    record,
)
from tests.complaints.factories import photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; the zh-Hans catalog is tested by the pages."""
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(tree, supervisor):
    return make_campaign(tree, supervisor)


# --- tally_record: what it refuses -------------------------------------------


def _refused(error_class, by, campaign, squad, day, *, segment=None, **values):
    with pytest.raises(error_class) as refused:
        record(by, campaign, squad, day, segment=segment, **values)
    assert not Tally.objects.exists()
    return refused.value


def test_a_day_before_the_campaign_is_refused(campaign, tree, squad_leader):
    error = _refused(
        InvalidInput,
        squad_leader,
        campaign,
        tree.unit_a,
        campaign.starts_on - timedelta(days=1),
        ad_boards_removed=3,
    )
    assert error.field == "date"
    assert "outside the campaign's period" in error.message


def test_a_day_after_the_campaign_is_refused(tree, supervisor, squad_leader):
    ended = make_campaign(tree, supervisor, starts_on=days_ago(30), ends_on=days_ago(5))
    error = _refused(
        InvalidInput, squad_leader, ended, tree.unit_a, days_ago(4), posters_cleaned=1
    )
    assert error.field == "date"


def test_a_day_still_to_come_is_refused(campaign, tree, squad_leader):
    error = _refused(
        InvalidInput, squad_leader, campaign, tree.unit_a, days_ago(-1), lines_painted=5
    )
    assert error.field == "date"
    assert error.message == "A tally cannot be for a day still to come."


def test_a_unit_not_in_the_campaign_is_refused(campaign, tree, squad_leader):
    # Team A1 is in the leader's scope but does not take part.
    error = _refused(
        InvalidInput,
        squad_leader,
        campaign,
        tree.team_a1,
        days_ago(1),
        ad_boards_removed=1,
    )
    assert error.field == "squad"
    assert tree.team_a1.name in error.message


@pytest.mark.parametrize(
    ("code", "typed", "says"),
    [
        ("ad_boards_removed", "-1", "cannot be negative"),
        ("ad_boards_removed", "2.5", "is a count: give a whole number"),
        ("lines_painted", "12.345", "at most two decimal places"),
        ("posters_cleaned", "abc", "is not a number"),
        ("posters_cleaned", "12张", "is not a number"),
        ("posters_cleaned", "NaN", "is not a number"),
        ("lines_painted", "Infinity", "is not a number"),
        ("lines_painted", "1e100", "the figure is too large"),
        ("lines_painted", "1000000000000", "the figure is too large"),
    ],
)
def test_a_figure_that_is_not_a_figure_is_refused_on_its_column(
    campaign, tree, squad_leader, code, typed, says
):
    error = _refused(
        InvalidInput,
        squad_leader,
        campaign,
        tree.unit_a,
        days_ago(1),
        **{code: typed},
    )
    assert error.field == code
    assert says in error.message
    assert Metric.objects.get(code=code).name_zh in error.message


def test_a_length_takes_two_decimals_and_a_count_a_whole_number_written_as_decimal(
    campaign, tree, squad_leader
):
    tally = record(
        squad_leader,
        campaign,
        tree.unit_a,
        days_ago(1),
        lines_painted="12.50",
        ad_boards_removed="3.00",
        posters_cleaned="1,200",
    )
    assert figures(tally) == {
        "ad_boards_removed": "3.00",
        "lines_painted": "12.50",
        "posters_cleaned": "1200.00",
    }


def test_a_closed_campaign_is_refused(campaign, tree, supervisor, squad_leader):
    services.campaign_close(campaign=campaign, by=supervisor)
    error = _refused(
        NotAllowed, squad_leader, campaign, tree.unit_a, days_ago(1), posters_cleaned=5
    )
    assert "closed" in error.message


def test_a_planned_campaign_is_refused(tree, supervisor, squad_leader):
    planned = make_campaign(tree, supervisor, start=False)
    error = _refused(
        NotAllowed, squad_leader, planned, tree.unit_a, days_ago(1), posters_cleaned=5
    )
    assert error.message == "The campaign has not started yet."


def test_a_road_segment_not_of_the_campaign_is_refused(campaign, tree, squad_leader):
    segment = make_segment(tree, squad_leader)  # unit A's, not in the campaign
    error = _refused(
        InvalidInput,
        squad_leader,
        campaign,
        tree.unit_a,
        days_ago(1),
        segment=segment,
        posters_cleaned=5,
    )
    assert error.field == "road_segment"
    assert "not one of this campaign's" in error.message


def test_another_units_road_segment_is_refused(tree, supervisor, other_squad_leader):
    theirs = make_segment(tree, other_squad_leader, name="圣水路", squad=tree.unit_b)
    campaign = make_campaign(tree, supervisor, segments=[theirs])
    error = _refused(
        InvalidInput,
        supervisor,
        campaign,
        tree.unit_a,
        days_ago(1),
        segment=theirs,
        posters_cleaned=5,
    )
    assert error.field == "road_segment"
    assert "belongs to another unit" in error.message


def test_a_metric_not_of_the_campaign_is_refused(campaign, tree, squad_leader):
    error = _refused(
        InvalidInput,
        squad_leader,
        campaign,
        tree.unit_a,
        days_ago(1),
        posters_cleaned=5,
        vehicles_penalised=2,
    )
    assert error.field == "vehicles_penalised"
    assert "not a metric of this campaign" in error.message


def test_a_dispatcher_may_not_record(campaign, tree, dispatcher):
    _refused(
        Forbidden, dispatcher, campaign, tree.unit_a, days_ago(1), posters_cleaned=1
    )


def test_another_units_leader_finds_no_such_unit(campaign, tree, other_squad_leader):
    error = _refused(
        NotFound,
        other_squad_leader,
        campaign,
        tree.unit_a,
        days_ago(1),
        posters_cleaned=1,
    )
    assert error.status_code == 404


def test_notes_longer_than_a_page_are_refused(campaign, tree, officer):
    with pytest.raises(InvalidInput) as refused:
        record(officer, campaign, tree.unit_a, days_ago(1), notes="字" * 2001)
    assert refused.value.field == "notes"


# --- tally_record: the upsert --------------------------------------------------


def test_the_same_day_twice_is_one_tally_with_the_second_figures(
    campaign, tree, squad_leader, officer
):
    day = days_ago(2)
    first = record(
        officer, campaign, tree.unit_a, day, ad_boards_removed=3, posters_cleaned=40
    )
    second = record(
        squad_leader,
        campaign,
        tree.unit_a,
        day,
        ad_boards_removed="4",
        posters_cleaned="",
        lines_painted="30.5",
    )
    assert second.pk == first.pk
    assert Tally.objects.count() == 1
    # Replaced, not added; the blank cleared posters.
    assert figures(second) == {"ad_boards_removed": "4.00", "lines_painted": "30.50"}
    assert Tally.objects.get().recorded_by == squad_leader


def test_a_day_recorded_again_with_every_figure_blank_has_no_figures(
    campaign, tree, officer
):
    day = days_ago(2)
    record(officer, campaign, tree.unit_a, day, posters_cleaned=40, notes="西苑路")
    tally = record(officer, campaign, tree.unit_a, day, posters_cleaned=None)
    assert figures(tally) == {}
    # Notes left out (None) are kept; an empty text clears them.
    assert Tally.objects.get().notes == "西苑路"
    record(officer, campaign, tree.unit_a, day, notes="")
    assert Tally.objects.get().notes == ""


def test_each_unit_day_and_segment_is_its_own_tally(tree, supervisor, squad_leader):
    segment = make_segment(tree, squad_leader)
    campaign = make_campaign(tree, supervisor, segments=[segment])
    day = days_ago(1)
    record(squad_leader, campaign, tree.unit_a, day, posters_cleaned=1)
    record(squad_leader, campaign, tree.unit_a, day, segment=segment, posters_cleaned=2)
    record(squad_leader, campaign, tree.unit_a, day, segment=segment, posters_cleaned=3)
    record(supervisor, campaign, tree.unit_b, day, posters_cleaned=4)
    record(squad_leader, campaign, tree.unit_a, days_ago(2), posters_cleaned=5)
    assert Tally.objects.count() == 4
    on_segment = Tally.objects.get(road_segment=segment)
    assert figures(on_segment) == {"posters_cleaned": "3.00"}


def test_a_leader_records_for_a_team_of_the_unit_that_takes_part(
    tree, supervisor, squad_leader
):
    campaign = make_campaign(tree, supervisor, units=[tree.team_a1])
    tally = record(squad_leader, campaign, tree.team_a1, days_ago(1), posters_cleaned=9)
    assert tally.squad == tree.team_a1


# --- campaigns ---------------------------------------------------------------


def test_only_a_supervisor_sets_up_a_campaign(tree, squad_leader):
    with pytest.raises(Forbidden):
        make_campaign(tree, squad_leader, start=False)


def test_a_new_campaign_is_planned_with_its_metrics_in_order(tree, supervisor):
    campaign = make_campaign(
        tree,
        supervisor,
        start=False,
        targets={
            "lines_painted": "1100.5",
            "ad_boards_removed": 40,
            "posters_cleaned": None,
        },
    )
    assert campaign.status == CampaignStatus.PLANNED
    rows = list(CampaignTarget.objects.filter(campaign=campaign))
    assert [(t.metric.code, t.target) for t in rows] == [
        ("lines_painted", pytest.approx(1100.5)),
        ("ad_boards_removed", 40),
        ("posters_cleaned", None),
    ]
    assert campaign.created_by == supervisor


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"kind": "parade"}, "kind"),
        ({"ends_on": days_ago(30)}, "ends_on"),
        ({"targets": {"no_such_metric": 1}}, "targets"),
        ({"targets": {"ad_boards_removed": "-3"}}, "targets"),
        ({"targets": {"ad_boards_removed": "many"}}, "targets"),
    ],
)
def test_a_campaign_that_cannot_be_saved_says_which_field(
    tree, supervisor, change, field
):
    values = {
        "name": "停车秩序专项整治",
        "kind": "parking",
        "starts_on": days_ago(20),
        "ends_on": days_ago(-10),
        "lead_squad": tree.brigade,
        "targets": dict(TARGETS),
        **change,
    }
    with pytest.raises(InvalidInput) as refused:
        services.campaign_save(by=supervisor, **values)
    assert refused.value.field == field


def test_the_leader_is_a_member_of_the_lead_unit(tree, supervisor, other_squad_leader):
    leader_b = Member.objects.get(user=other_squad_leader)
    with pytest.raises(InvalidInput) as refused:
        services.campaign_save(
            by=supervisor,
            name="停车秩序专项整治",
            kind="parking",
            starts_on=days_ago(20),
            ends_on=days_ago(-10),
            lead_squad=tree.unit_a,
            leader=leader_b,
        )
    assert refused.value.field == "leader"


def _save_again(campaign, by, **change):
    values = {
        "name": campaign.name,
        "kind": campaign.kind,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "lead_squad": campaign.lead_squad,
        "squads": list(campaign.squads.all()),
        "road_segments": list(campaign.road_segments.all()),
        **change,
    }
    return services.campaign_save(by=by, campaign=campaign, **values)


def test_the_period_must_cover_the_tallies(campaign, tree, supervisor, officer):
    record(officer, campaign, tree.unit_a, days_ago(15), posters_cleaned=5)
    with pytest.raises(InvalidInput) as refused:
        _save_again(campaign, supervisor, starts_on=days_ago(10))
    assert refused.value.field == "starts_on"
    _save_again(campaign, supervisor, starts_on=days_ago(15))


def test_a_metric_with_figures_stays_in_the_campaign(
    campaign, tree, supervisor, officer
):
    record(officer, campaign, tree.unit_a, days_ago(3), lines_painted=50)
    with pytest.raises(InvalidInput) as refused:
        _save_again(campaign, supervisor, targets={"ad_boards_removed": 40})
    assert refused.value.field == "targets"
    assert campaign.targets.count() == 3
    # One without figures may go; the order follows the new mapping.
    _save_again(
        campaign, supervisor, targets={"lines_painted": 1200, "posters_cleaned": 2100}
    )
    assert [t.metric.code for t in campaign.targets.all()] == [
        "lines_painted",
        "posters_cleaned",
    ]


def test_a_unit_or_segment_with_tallies_stays_in_the_campaign(
    tree, supervisor, squad_leader, officer
):
    segment = make_segment(tree, squad_leader)
    campaign = make_campaign(tree, supervisor, segments=[segment])
    record(
        officer, campaign, tree.unit_a, days_ago(3), segment=segment, lines_painted=5
    )
    with pytest.raises(InvalidInput) as refused:
        _save_again(campaign, supervisor, squads=[tree.unit_b])
    assert refused.value.field == "squads"
    assert tree.unit_a.name in refused.value.message
    with pytest.raises(InvalidInput) as refused:
        _save_again(campaign, supervisor, road_segments=[])
    assert refused.value.field == "road_segments"
    # Unit B recorded nothing: it may leave.
    _save_again(campaign, supervisor, squads=[tree.unit_a])
    assert list(campaign.squads.all()) == [tree.unit_a]


def test_a_drive_belongs_to_a_campaign_that_is_not_a_drive(tree, supervisor):
    whole = make_campaign(tree, supervisor, start=False)
    drive = make_campaign(
        tree, supervisor, name="广告整治", kind="advertising", start=False
    )
    _save_again(drive, supervisor, parent=whole)
    third = make_campaign(tree, supervisor, name="第三层", kind="other", start=False)
    with pytest.raises(InvalidInput):
        _save_again(third, supervisor, parent=drive)
    # Nor may a campaign with drives become a drive itself.
    with pytest.raises(InvalidInput):
        _save_again(whole, supervisor, parent=third)
    with pytest.raises(InvalidInput):
        _save_again(whole, supervisor, parent=whole)


def test_a_closed_campaign_cannot_be_changed(campaign, supervisor):
    services.campaign_close(campaign=campaign, by=supervisor)
    with pytest.raises(NotAllowed):
        _save_again(campaign, supervisor, name="改名")


def test_a_campaign_starts_once_and_closes_once(tree, supervisor):
    campaign = make_campaign(tree, supervisor, start=False)
    with pytest.raises(NotAllowed):
        services.campaign_close(campaign=campaign, by=supervisor)
    started = services.campaign_start(campaign=campaign, by=supervisor)
    assert started.status == CampaignStatus.RUNNING and started.started_at
    with pytest.raises(NotAllowed) as refused:
        services.campaign_start(campaign=campaign, by=supervisor)
    assert refused.value.message == "The campaign is running; it cannot be started."
    closed = services.campaign_close(campaign=campaign, by=supervisor)
    assert closed.status == CampaignStatus.CLOSED and closed.closed_at
    with pytest.raises(NotAllowed):
        services.campaign_close(campaign=campaign, by=supervisor)


def test_only_a_supervisor_starts_or_closes(tree, supervisor, squad_leader, dispatcher):
    campaign = make_campaign(tree, supervisor, start=False)
    for user in (squad_leader, dispatcher):
        with pytest.raises(Forbidden):
            services.campaign_start(campaign=campaign, by=user)
    services.campaign_start(campaign=campaign, by=supervisor)
    with pytest.raises(Forbidden):
        services.campaign_close(campaign=campaign, by=squad_leader)


# --- road segments -------------------------------------------------------------


def test_a_leader_keeps_the_road_segments_of_the_unit(tree, squad_leader):
    leader = Member.objects.get(user=squad_leader)
    segment = make_segment(tree, squad_leader, leader=leader)
    assert segment.squad == tree.unit_a and segment.leader == leader
    moved = services.road_segment_save(
        by=squad_leader,
        segment=segment,
        name="范公亭西路（东段）",
        street=tree.street,
        squad=tree.team_a1,
    )
    assert RoadSegment.objects.get().squad == tree.team_a1
    assert moved.name == "范公亭西路（东段）"


def test_another_units_segment_is_not_found(tree, squad_leader, other_squad_leader):
    theirs = make_segment(tree, other_squad_leader, name="圣水路", squad=tree.unit_b)
    with pytest.raises(NotFound):
        make_segment(tree, squad_leader, name="圣水路", squad=tree.unit_b)
    with pytest.raises(NotFound):
        services.road_segment_save(
            by=squad_leader,
            segment=theirs,
            name="圣水路",
            street=tree.street,
            squad=tree.unit_a,
        )
    assert RoadSegment.objects.get().squad == tree.unit_b


def test_an_officer_may_not_keep_segments(tree, officer):
    with pytest.raises(Forbidden):
        make_segment(tree, officer)


def test_a_segment_needs_a_street_and_a_leader_of_its_unit(
    tree, squad_leader, other_squad_leader
):
    with pytest.raises(InvalidInput) as refused:
        make_segment(tree, squad_leader, street=tree.community_a)
    assert refused.value.field == "street"
    with pytest.raises(InvalidInput) as refused:
        make_segment(
            tree, squad_leader, leader=Member.objects.get(user=other_squad_leader)
        )
    assert refused.value.field == "leader"
    make_segment(tree, squad_leader)
    with pytest.raises(InvalidInput) as refused:
        make_segment(tree, squad_leader)  # the same name in the same unit
    assert refused.value.field is None or "name" in refused.value.errors


def test_a_segment_with_tallies_stays_with_its_unit(tree, supervisor, squad_leader):
    segment = make_segment(tree, squad_leader)
    campaign = make_campaign(tree, supervisor, segments=[segment])
    record(
        squad_leader,
        campaign,
        tree.unit_a,
        days_ago(1),
        segment=segment,
        lines_painted=3,
    )
    with pytest.raises(InvalidInput) as refused:
        services.road_segment_save(
            by=supervisor,
            segment=segment,
            name=segment.name,
            street=tree.street,
            squad=tree.unit_b,
        )
    assert refused.value.field == "squad"


# --- metrics -------------------------------------------------------------------


def test_only_a_supervisor_keeps_metrics(squad_leader, supervisor):
    with pytest.raises(Forbidden):
        services.metric_save(
            by=squad_leader,
            code="trees",
            name_zh="补植树木",
            name_en="Trees",
            unit="个",
        )
    metric = services.metric_save(
        by=supervisor, code="trees", name_zh="补植树木", name_en="Trees", unit="个"
    )
    assert str(metric) == "补植树木（个）"


def test_a_metric_keeps_its_code_and_with_figures_its_unit(
    campaign, tree, supervisor, officer
):
    metric = Metric.objects.get(code="lines_painted")
    values = {
        "code": "lines_painted",
        "name_zh": "施划标线",
        "name_en": "Lines painted",
        "unit": "米",
        "kind": "length",
    }
    with pytest.raises(InvalidInput) as refused:
        services.metric_save(
            by=supervisor, metric=metric, **{**values, "code": "lines"}
        )
    assert refused.value.field == "code"
    # No figures yet: the unit may still change.
    services.metric_save(by=supervisor, metric=metric, **{**values, "unit": "m²"})
    record(officer, campaign, tree.unit_a, days_ago(1), lines_painted=10)
    with pytest.raises(InvalidInput) as refused:
        services.metric_save(by=supervisor, metric=metric, **values)
    assert refused.value.field == "unit"
    renamed = services.metric_save(
        by=supervisor, metric=metric, **{**values, "unit": "m²", "name_zh": "划线"}
    )
    assert renamed.name_zh == "划线"


def test_a_metric_needs_a_known_unit_and_a_unique_code(supervisor):
    with pytest.raises(InvalidInput) as refused:
        services.metric_save(
            by=supervisor, code="trees", name_zh="补植树木", name_en="Trees", unit="棵"
        )
    assert refused.value.field == "unit"
    with pytest.raises(InvalidInput) as refused:
        services.metric_save(
            by=supervisor,
            code="posters_cleaned",
            name_zh="清理",
            name_en="Cleaned",
            unit="张",
        )
    assert refused.value.field == "code"


# --- photos --------------------------------------------------------------------


def test_photos_are_added_to_a_tally_with_thumbnails(
    campaign, tree, officer, media_root
):
    tally = record(officer, campaign, tree.unit_a, days_ago(1), posters_cleaned=5)
    rows = services.tally_photos_add(
        by=officer, tally=tally, photos=[photo(), photo("blue")]
    )
    assert len(rows) == 2
    stored = TallyPhoto.objects.get(pk=rows[0].pk)
    assert stored.image.name.startswith("campaigns/tallies/")
    assert stored.thumbnail.name.endswith("-thumb.jpg")
    assert stored.image.size > stored.thumbnail.size


def test_photos_of_another_units_tally_are_not_found(
    campaign, tree, officer, other_squad_leader, media_root
):
    tally = record(officer, campaign, tree.unit_a, days_ago(1), posters_cleaned=5)
    with pytest.raises(NotFound):
        services.tally_photos_add(by=other_squad_leader, tally=tally, photos=[photo()])
    assert not TallyPhoto.objects.exists()


def test_a_closed_campaigns_tally_takes_no_photos(
    campaign, tree, officer, supervisor, media_root
):
    tally = record(officer, campaign, tree.unit_a, days_ago(1), posters_cleaned=5)
    services.campaign_close(campaign=campaign, by=supervisor)
    with pytest.raises(NotAllowed):
        services.tally_photos_add(by=officer, tally=tally, photos=[photo()])


def test_a_tally_keeps_at_most_twelve_photos(campaign, tree, officer, media_root):
    tally = record(officer, campaign, tree.unit_a, days_ago(1), posters_cleaned=5)
    one = photo()
    services.tally_photos_add(by=officer, tally=tally, photos=[one] * 6)
    services.tally_photos_add(by=officer, tally=tally, photos=[one] * 6)
    with pytest.raises(InvalidInput) as refused:
        services.tally_photos_add(by=officer, tally=tally, photos=[one])
    assert refused.value.field == "photos"
    assert TallyPhoto.objects.count() == 12
