"""Campaign figures, each one SQL aggregate over the scoped tallies.

What the campaign's page, the report workbook and the dashboards read:

- `unit_metric_totals`: each metric's sum per unit over a period;
- `daily_unit_totals`: the same per unit, day and road segment (a unit's
  sheet of the workbook; its rows are the tallies, summed per metric);
- `day_totals`: each metric's sum per day over the units in scope;
- `segment_totals`: each metric's sum per road segment (包靠路段);
- `target_progress`: each of the campaign's metrics, its target and what
  the units in scope did towards it.

Every function takes the user whose scope narrows the tallies (None: every
unit, for code that has already checked) and an optional period, inclusive.
Figures that other records hold (cases closed, vendors guided into markets)
come from `campaigns.linked`, never from tallies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from campaigns.models import Campaign, CampaignTarget, Metric, TallyValue
from squads.roles import User, squad_ids_in_scope


def _values(
    *,
    campaign: Campaign,
    user: User | None,
    start: dt.date | None,
    end: dt.date | None,
) -> QuerySet[TallyValue]:
    """The campaign's tally values in the user's scope and the period."""
    qs = TallyValue.objects.filter(tally__campaign=campaign)
    if user is not None:
        scope = squad_ids_in_scope(user=user)
        if scope is not None:
            qs = qs.filter(tally__squad_id__in=scope)
    if start is not None:
        qs = qs.filter(tally__date__gte=start)
    if end is not None:
        qs = qs.filter(tally__date__lte=end)
    return qs.order_by()


def unit_metric_totals(
    *,
    campaign: Campaign,
    user: User | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[tuple[int, int], Decimal]:
    """{(squad_id, metric_id): total} of the campaign's tallies in the user's scope."""
    rows = _values(campaign=campaign, user=user, start=start, end=end).values_list(
        "tally__squad_id", "metric_id"
    )
    return {
        (squad_id, metric_id): total
        for squad_id, metric_id, total in rows.annotate(total=Sum("value"))
    }


def metric_totals(
    *, campaign: Campaign, user: User | None = None
) -> dict[int, Decimal]:
    """{metric_id: total} over every unit in the user's scope."""
    totals: dict[int, Decimal] = {}
    for (_squad_id, metric_id), total in unit_metric_totals(
        campaign=campaign, user=user
    ).items():
        totals[metric_id] = totals.get(metric_id, Decimal(0)) + total
    return totals


DayKey = tuple[int, dt.date, int | None, int]


def daily_unit_totals(
    *,
    campaign: Campaign,
    user: User | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[DayKey, Decimal]:
    """{(squad_id, date, road_segment_id or None, metric_id): total}, one query."""
    rows = _values(campaign=campaign, user=user, start=start, end=end).values_list(
        "tally__squad_id", "tally__date", "tally__road_segment_id", "metric_id"
    )
    return {
        (squad_id, day, segment_id, metric_id): total
        for squad_id, day, segment_id, metric_id, total in rows.annotate(
            total=Sum("value")
        )
    }


def day_totals(
    *,
    campaign: Campaign,
    user: User | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[tuple[dt.date, int], Decimal]:
    """{(date, metric_id): total} over the units in the user's scope."""
    rows = _values(campaign=campaign, user=user, start=start, end=end).values_list(
        "tally__date", "metric_id"
    )
    return {
        (day, metric_id): total
        for day, metric_id, total in rows.annotate(total=Sum("value"))
    }


def segment_totals(
    *,
    campaign: Campaign,
    user: User | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[tuple[int, int], Decimal]:
    """{(road_segment_id, metric_id): total}; tallies without a segment left out."""
    rows = (
        _values(campaign=campaign, user=user, start=start, end=end)
        .filter(tally__road_segment__isnull=False)
        .values_list("tally__road_segment_id", "metric_id")
    )
    return {
        (segment_id, metric_id): total
        for segment_id, metric_id, total in rows.annotate(total=Sum("value"))
    }


@dataclass(frozen=True)
class Progress:
    """A metric of the campaign: its target and what was done towards it."""

    metric: Metric
    target: Decimal | None
    done: Decimal

    @property
    def rate(self) -> Decimal | None:
        """done / target to four places; None without a (positive) target."""
        if not self.target:
            return None
        return (self.done / self.target).quantize(Decimal("0.0001"))


def target_progress(
    *,
    campaign: Campaign,
    user: User | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[Progress]:
    """The campaign's metrics in its order, each with its target and total.

    The target is the campaign's; the total counts the units in the user's
    scope, so a unit sees its own share of the campaign's target. One query:
    the total is a subquery per metric row.
    """
    done = (
        _values(campaign=campaign, user=user, start=start, end=end)
        .filter(metric_id=OuterRef("metric_id"))
        .values("metric_id")
        .annotate(total=Sum("value"))
        .values("total")
    )
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))
    targets = (
        CampaignTarget.objects.filter(campaign=campaign)
        .select_related("metric")
        .annotate(
            done=Coalesce(
                Subquery(
                    done, output_field=DecimalField(max_digits=16, decimal_places=2)
                ),
                zero,
            )
        )
    )
    return [Progress(metric=t.metric, target=t.target, done=t.done) for t in targets]
