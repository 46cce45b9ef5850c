"""Statistics of the vendors ledger, for the dashboards: SQL aggregates only.

Every selector reads through the scoped selectors (vendors.selectors), so a
unit's leader counts their own units' rows and a supervisor the whole city.
Definitions:

- relocated per unit per month: relocations that moved in (moved, stable or
  since returned), by the covering unit and the month of the move-in date.
- N-day retention (30, 90): of the relocations that moved in at least N days
  ago (the cohort), those with a follow-up on or after day N that found the
  vendor at the stall and none on or after day N that did not (retained).
  A vendor who left before day N has no such present visit: not retained.
- returned-to-street rate: of the relocations that moved in, the share now
  returned to the street.
- stall occupancy per market: occupied stalls over the stalls not closed.
- hotspots: active hotspots per unit; complaints linked to each hotspot per
  week (local weeks, Monday first, by the complaint's filing time).

Each selector also takes `units` (the ids of the units to count, inside the
scope: the dashboard's unit filter) and, where a period applies, the first and
last day (the move-in date, the complaint's local filing date).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast, NullIf, TruncMonth, TruncWeek
from django.utils import timezone

from squads.roles import User
from vendors.models import FollowUp, Hotspot, HotspotStatus, Market, RelocationStatus
from vendors.selectors import (
    hotspots_visible_to,
    markets_visible_to,
    relocations_visible_to,
    with_stall_counts,
)

R = RelocationStatus
# Relocations that got as far as the stall.
MOVED_IN = (R.MOVED, R.STABLE, R.RETURNED)


@dataclass(frozen=True)
class Share:
    """A count out of a total, and the rate (None with nothing to count)."""

    part: int
    total: int

    @property
    def rate(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.part) / Decimal(self.total)).quantize(Decimal("0.0001"))


def _moved_in(*, user: User, units: Collection[int] | None = None):
    qs = relocations_visible_to(user=user).filter(
        status__in=MOVED_IN, moved_on__isnull=False
    )
    return qs if units is None else qs.filter(squad_id__in=sorted(units))


def relocated_per_unit_per_month(
    *,
    user: User,
    units: Collection[int] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet:
    """Rows of {squad_id, squad__code, squad__name, month (first day), relocated}."""
    qs = _moved_in(user=user, units=units)
    if start is not None:
        qs = qs.filter(moved_on__gte=start)
    if end is not None:
        qs = qs.filter(moved_on__lte=end)
    return (
        qs.annotate(month=TruncMonth("moved_on"))
        .values("squad_id", "squad__code", "squad__name", "month")
        .annotate(relocated=Count("id"))
        .order_by("month", "squad__name", "squad_id")
    )


def retention(
    *,
    user: User,
    days: int,
    today: date | None = None,
    units: Collection[int] | None = None,
) -> Share:
    """Of the relocations moved in at least `days` days ago, those still at the
    stall at the follow-ups on or after day `days`."""
    today = today or timezone.localdate()
    day_n = ExpressionWrapper(
        OuterRef("moved_on") + timedelta(days=days), output_field=DateField()
    )
    later = FollowUp.objects.filter(relocation=OuterRef("pk"), visited_on__gte=day_n)
    totals = (
        _moved_in(user=user, units=units)
        .filter(moved_on__lte=today - timedelta(days=days))
        .annotate(
            seen=Exists(later.filter(present=True)),
            missed=Exists(later.filter(present=False)),
        )
        .aggregate(
            cohort=Count("id"),
            retained=Count("id", filter=Q(seen=True, missed=False)),
        )
    )
    return Share(part=totals["retained"], total=totals["cohort"])


def returned_to_street_rate(
    *, user: User, units: Collection[int] | None = None
) -> Share:
    """Of the relocations that moved in, the share returned to the street."""
    totals = _moved_in(user=user, units=units).aggregate(
        moved=Count("id"), returned=Count("id", filter=Q(status=R.RETURNED))
    )
    return Share(part=totals["returned"], total=totals["moved"])


def stall_occupancy_per_market(
    *, user: User, units: Collection[int] | None = None
) -> QuerySet[Market]:
    """Markets with their stall counts and `occupancy` (occupied / not closed)."""
    markets = markets_visible_to(user=user)
    if units is not None:
        markets = markets.filter(squad_id__in=sorted(units))
    return (
        with_stall_counts(markets)
        .annotate(
            occupancy=Cast(F("occupied_count"), FloatField()) / NullIf(F("capacity"), 0)
        )
        .order_by("name", "id")
    )


def _hotspots(*, user: User, units: Collection[int] | None) -> QuerySet[Hotspot]:
    qs = hotspots_visible_to(user=user)
    return qs if units is None else qs.filter(squad_id__in=sorted(units))


def active_hotspots_per_unit(
    *, user: User, units: Collection[int] | None = None
) -> QuerySet:
    """Rows of {squad_id, squad__code, squad__name, active}: hotspots now active."""
    return (
        _hotspots(user=user, units=units)
        .filter(status=HotspotStatus.ACTIVE)
        .values("squad_id", "squad__code", "squad__name")
        .annotate(active=Count("id"))
        .order_by("squad__name", "squad_id")
    )


def complaints_per_hotspot_per_week(
    *,
    user: User,
    since: date | None = None,
    until: date | None = None,
    units: Collection[int] | None = None,
) -> QuerySet:
    """Rows of {hotspot_id, name, week (Monday), complaints}."""
    links = Hotspot.complaints.through.objects.filter(
        hotspot__in=_hotspots(user=user, units=units)
    )
    if since is not None:
        links = links.filter(complaint__submitted_at__date__gte=since)
    if until is not None:
        links = links.filter(complaint__submitted_at__date__lte=until)
    return (
        links.annotate(
            week=TruncWeek("complaint__submitted_at", output_field=DateField())
        )
        # django-stubs does not see the annotation on the through model.
        .values("hotspot_id", "hotspot__name", "week")  # type: ignore[misc]
        .annotate(complaints=Count("complaint_id"))
        .order_by("week", "hotspot__name", "hotspot_id")
    )


__all__ = [
    "Share",
    "active_hotspots_per_unit",
    "complaints_per_hotspot_per_week",
    "relocated_per_unit_per_month",
    "retention",
    "returned_to_street_rate",
    "stall_occupancy_per_market",
]
