"""Reads of the campaigns app, each scoped by the user's units.

A campaign is seen by the units that lead it or take part in it (and their
parents), and by the bureau-wide roles; a tally by the units in the user's
scope. Nothing outside the scope is looked up by id: detail lookups go
through these querysets, so another unit's row is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from campaigns.models import (
    Campaign,
    CampaignTarget,
    Metric,
    RoadSegment,
    Tally,
    TallyPhoto,
    TallyValue,
)
from squads.models import Squad
from squads.roles import User, squad_ids_in_scope


def in_scope(*, user: User, squad_id: int | None) -> bool:
    """Whether a row of this unit is inside the user's scope."""
    scope = squad_ids_in_scope(user=user)
    return scope is None or squad_id in scope


def campaigns_visible_to(*, user: User) -> QuerySet[Campaign]:
    qs = Campaign.objects.all()
    scope = squad_ids_in_scope(user=user)
    if scope is None:
        return qs
    return qs.filter(
        Q(lead_squad_id__in=scope)
        | Q(
            pk__in=Campaign.squads.through.objects.filter(squad_id__in=scope).values(
                "campaign_id"
            )
        )
    )


def tallies_visible_to(*, user: User) -> QuerySet[Tally]:
    qs = Tally.objects.all()
    scope = squad_ids_in_scope(user=user)
    if scope is None:
        return qs
    return qs.filter(squad_id__in=scope)


def road_segments_visible_to(*, user: User) -> QuerySet[RoadSegment]:
    qs = RoadSegment.objects.all()
    scope = squad_ids_in_scope(user=user)
    if scope is None:
        return qs
    return qs.filter(squad_id__in=scope)


def campaign_participant_ids(*, campaign: Campaign) -> set[int]:
    """The units that may tally for a campaign: its lead unit and participants."""
    ids = set(campaign.squads.values_list("pk", flat=True))
    ids.add(campaign.lead_squad_id)
    return ids


def campaign_metrics(*, campaign: Campaign) -> list[Metric]:
    """The campaign's metrics in its order (the columns of its grid and sheets)."""
    return [
        target.metric
        for target in CampaignTarget.objects.filter(campaign=campaign).select_related(
            "metric"
        )
    ]


def campaign_targets(*, campaign: Campaign) -> list[CampaignTarget]:
    """The campaign's metrics with their targets, in the campaign's order."""
    return list(
        CampaignTarget.objects.filter(campaign=campaign).select_related("metric")
    )


def campaign_units(*, campaign: Campaign, user: User | None = None) -> list[Squad]:
    """The units that tally for the campaign (lead and participants), in one
    query, narrowed to the user's scope when a user is given."""
    qs = Squad.objects.filter(
        Q(pk=campaign.lead_squad_id)
        | Q(
            pk__in=Campaign.squads.through.objects.filter(
                campaign_id=campaign.pk
            ).values("squad_id")
        )
    )
    if user is not None:
        scope = squad_ids_in_scope(user=user)
        if scope is not None:
            qs = qs.filter(pk__in=scope)
    return list(qs.order_by("position", "code"))


def unit_segments(*, campaign: Campaign, squad: Squad) -> list[RoadSegment]:
    """The campaign's road segments that this unit answers for."""
    return list(campaign.road_segments.filter(squad=squad).order_by("name", "pk"))


def week_tallies(
    *,
    campaign: Campaign,
    squad: Squad,
    road_segment: RoadSegment | None,
    start: dt.date,
    end: dt.date,
) -> dict[dt.date, Tally]:
    """{date: tally} of one unit (and segment) between two days, with their
    values and photos (three queries)."""
    tallies = (
        Tally.objects.filter(
            campaign=campaign,
            squad=squad,
            road_segment=road_segment,
            date__gte=start,
            date__lte=end,
        )
        .order_by("date")
        .prefetch_related(
            Prefetch("values", queryset=TallyValue.objects.order_by()),
            "photos",
        )
    )
    return {tally.date: tally for tally in tallies}


def tally_photos_visible_to(*, user: User) -> QuerySet[TallyPhoto]:
    qs = TallyPhoto.objects.all()
    scope = squad_ids_in_scope(user=user)
    if scope is None:
        return qs
    return qs.filter(tally__squad_id__in=scope)
