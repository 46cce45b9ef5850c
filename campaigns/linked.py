"""Counts a campaign reads from other records, computed, never typed in.

`LINKED` lists the counters: each takes the campaign, the units (ids) and the
period and answers {squad_id: count}. Complaints closed in the campaign's
categories and period is built in; another app adds its own with `register`
(vendors: the vendors guided into markets), so campaigns imports no sibling.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from citymgmt.workdays.calendar import local_day_bounds
from complaints.models import Complaint
from complaints.models.choices import Status

Counter = Callable[..., dict[int, int]]


@dataclass(frozen=True)
class LinkedCount:
    code: str
    label: Any  # lazy
    unit: str  # 件, 人…
    count: Counter  # (*, campaign, squad_ids, start, end) -> {squad_id: n}


LINKED: list[LinkedCount] = []


def register(linked: LinkedCount) -> LinkedCount:
    if not any(existing.code == linked.code for existing in LINKED):
        LINKED.append(linked)
    return linked


def complaints_closed(
    *, campaign: Campaign, squad_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, int]:
    """Cases of the campaign's categories closed in the period, per handling unit."""
    lower, upper = local_day_bounds(start, end)
    rows = (
        Complaint.objects.filter(
            status=Status.CLOSED,
            closed_at__gte=lower,
            closed_at__lt=upper,
            squad_id__in=list(squad_ids),
            category__in=campaign.categories.all(),
        )
        .values_list("squad_id")
        .annotate(n=Count("pk"))
    )
    return {squad_id: n for squad_id, n in rows}


register(
    LinkedCount(
        code="complaints_closed",
        label=_("Complaints closed"),
        unit="件",
        count=complaints_closed,
    )
)


def linked_counts(
    *, campaign: Campaign, squad_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[str, dict[int, int]]:
    """{code: {squad_id: n}} of every registered counter."""
    ids = list(squad_ids)
    return {
        linked.code: linked.count(
            campaign=campaign, squad_ids=ids, start=start, end=end
        )
        for linked in LINKED
    }
