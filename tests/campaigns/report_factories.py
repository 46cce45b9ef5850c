"""Campaigns for the report, linked-count and demo tests, made through the services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from campaigns import services
from campaigns.models import Campaign, RoadSegment, Tally
from complaints.models import Category
from squads.models import Member, Squad

MONDAY = date(2020, 4, 6)
SUNDAY = date(2020, 4, 12)


def make_campaign(
    *,
    by,
    lead: Squad,
    squads: Iterable[Squad] = (),
    name: str = "创建全国文明城市",
    kind: str = "civilised_city",
    starts_on: date = MONDAY,
    ends_on: date = SUNDAY,
    targets: Mapping[str, object] | None = None,
    segments: Iterable[RoadSegment] = (),
    categories: Iterable[str] = (),
    start: bool = True,
) -> Campaign:
    """A campaign (running unless told), saved and started by `by`, a supervisor."""
    campaign = services.campaign_save(
        by=by,
        name=name,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        lead_squad=lead,
        squads=list(squads),
        road_segments=list(segments),
        categories=list(Category.objects.filter(code__in=list(categories))),
        targets=targets
        if targets is not None
        else {"ad_boards_removed": 10, "posters_cleaned": 100},
    )
    if start:
        campaign = services.campaign_start(campaign=campaign, by=by)
    return campaign


def make_segment(
    *, by, squad: Squad, street, name: str, leader: Member | None = None
) -> RoadSegment:
    return services.road_segment_save(
        by=by, name=name, street=street, squad=squad, leader=leader
    )


def record(
    campaign: Campaign,
    squad: Squad,
    day: date,
    *,
    by,
    segment: RoadSegment | None = None,
    **values: object,
) -> Tally:
    """A unit's figures for a day (metric code=value), through tally_record."""
    return services.tally_record(
        by=by,
        campaign=campaign,
        squad=squad,
        date=day,
        values=values,
        road_segment=segment,
    )
