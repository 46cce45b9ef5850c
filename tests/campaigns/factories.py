"""Campaigns test data, made through the services like real rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, RoadSegment, Tally

# The civilised-city drive's first metrics and their targets (the Qingzhou
# article's figures): two counts and a length.
TARGETS: dict[str, Any] = {
    "ad_boards_removed": 40,
    "posters_cleaned": 2100,
    "lines_painted": 1100,
}


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def make_segment(
    tree, by, *, name: str = "范公亭西路", squad=None, leader=None, **extra
) -> RoadSegment:
    return services.road_segment_save(
        by=by,
        name=name,
        street=extra.pop("street", tree.street),
        squad=squad or tree.unit_a,
        leader=leader,
        description=extra.pop("description", "驼山路至范公亭路口"),
        **extra,
    )


def make_campaign(
    tree,
    by,
    *,
    name: str = "2020年创建文明城市专项整治",
    kind: str = "civilised_city",
    starts_on: date | None = None,
    ends_on: date | None = None,
    lead_squad=None,
    units: Iterable | None = None,
    targets: Mapping[str, Any] | None = None,
    segments: Iterable[RoadSegment] = (),
    categories: Iterable = (),
    start: bool = True,
) -> Campaign:
    """A campaign led by the brigade with squadrons A and B taking part,
    from 20 days ago to 10 days ahead, started unless `start=False`."""
    campaign = services.campaign_save(
        by=by,
        name=name,
        kind=kind,
        starts_on=starts_on or days_ago(20),
        ends_on=ends_on or days_ago(-10),
        lead_squad=lead_squad or tree.brigade,
        squads=list(units) if units is not None else [tree.unit_a, tree.unit_b],
        categories=categories,
        road_segments=segments,
        targets=dict(TARGETS if targets is None else targets),
    )
    if start:
        campaign = services.campaign_start(campaign=campaign, by=by)
    return campaign


def record(
    by, campaign: Campaign, squad, day: date, segment=None, notes=None, **values
) -> Tally:
    return services.tally_record(
        by=by,
        campaign=campaign,
        squad=squad,
        date=day,
        values=values,
        road_segment=segment,
        notes=notes,
    )


def figures(tally: Tally) -> dict[str, str]:
    """{metric code: value as text} of a tally, read again from the database."""
    return {
        v.metric.code: f"{v.value:f}"
        for v in tally.values.select_related("metric").order_by("metric__code")
    }
