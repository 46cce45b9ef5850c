"""Reads of the campaigns app, each scoped by the user's units.

A campaign is seen by the units that lead it or take part in it (and their
parents), and by the bureau-wide roles; a tally by the units in the user's
scope. Nothing outside the scope is looked up by id: detail lookups go
through these querysets, so another unit's row is a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from campaigns.models import Campaign, CampaignTarget, Metric, RoadSegment, Tally
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
