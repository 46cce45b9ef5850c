"""Campaign figures, each one SQL aggregate over the scoped tallies.

`unit_metric_totals` is what the campaign's page, the report workbook and the
dashboards read: the sum of each metric per unit over a period. Figures that
other records hold (cases closed, vendors guided into markets) come from
`campaigns.linked`, never from tallies.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from campaigns.models import Campaign, TallyValue
from squads.roles import User, squad_ids_in_scope


def unit_metric_totals(
    *,
    campaign: Campaign,
    user: User | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[tuple[int, int], Decimal]:
    """{(squad_id, metric_id): total} of the campaign's tallies in the user's scope."""
    qs = TallyValue.objects.filter(tally__campaign=campaign)
    if user is not None:
        scope = squad_ids_in_scope(user=user)
        if scope is not None:
            qs = qs.filter(tally__squad_id__in=scope)
    if start is not None:
        qs = qs.filter(tally__date__gte=start)
    if end is not None:
        qs = qs.filter(tally__date__lte=end)
    rows = qs.values_list("tally__squad_id", "metric_id").annotate(total=Sum("value"))
    return {(squad_id, metric_id): total for squad_id, metric_id, total in rows}


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
