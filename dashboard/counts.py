"""Which cases each KPI count takes, written once as SQL aggregates.

The raw figures (`dashboard.kpis` over the complaint rows) and the daily
rollup (`dashboard.rollup`, which stores the same counts per day) both
aggregate `case_counts()`, so the two can never define a count differently.
docs/kpis.md explains each condition.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from complaints.models import Channel, Method, Satisfaction, Status
from dashboard.aggregates import Median

S = Status
# What the counts count: a column never null and carried in complaint_kpi_idx,
# so PostgreSQL counts from the index alone (COUNT(id) would read every row).
ROW = "submitted_at"

REGISTERED = Q(accepted_at__isnull=False)
TO_CLOSE = REGISTERED & ~Q(status__in=[S.CANCELLED, S.DUPLICATE])
CLOSED = Q(status=S.CLOSED)
TO_DISPOSE = Q(dispatched_at__isnull=False) & ~Q(status=S.CANCELLED)
# Dispatched and disposed of or closed (neither is ever cancelled).
DISPOSED = Q(dispatched_at__isnull=False, status__in=[S.DISPOSED, S.CLOSED])
# A case without a disposal due moment (no deadline rule) had no limit to miss.
DISPOSED_ON_TIME = DISPOSED & (
    Q(dispose_due_at__isnull=True) | Q(disposed_at__lte=F("dispose_due_at"))
)
DISPOSED_LATE = DISPOSED & Q(disposed_at__gt=F("dispose_due_at"))
VERIFIED_ON_TIME = Q(verify_due_at__isnull=True) | Q(closed_at__lte=F("verify_due_at"))
SATISFIED = Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY])


def case_counts() -> dict[str, Any]:
    """The counts and duration sums of a group of cases (dashboard.models)."""
    counts: dict[str, Any] = {
        "received": Count(ROW),
        "registered": Count(ROW, filter=REGISTERED),
        "to_close": Count(ROW, filter=TO_CLOSE),
        "closed": Count(ROW, filter=CLOSED),
        "closed_on_time": Count(
            ROW, filter=CLOSED & DISPOSED_ON_TIME & VERIFIED_ON_TIME
        ),
        "to_dispose": Count(ROW, filter=TO_DISPOSE),
        "disposed": Count(ROW, filter=DISPOSED),
        "disposed_on_time": Count(ROW, filter=DISPOSED_ON_TIME),
        "disposed_late": Count(ROW, filter=DISPOSED_LATE),
        "extended": Count(ROW, filter=TO_DISPOSE & Q(extension_count__gt=0)),
        "reworked": Count(ROW, filter=TO_CLOSE & Q(rework_count__gt=0)),
        # Ratings given: the one on the row, plus each dissatisfied rating that
        # reopened the case (重办 clears the row's rating; reopen_count keeps it).
        "rated_now": Count(ROW, filter=~Q(satisfaction="")),
        "rated_reopened": Coalesce(Sum("reopen_count"), 0),
        "satisfied": Count(ROW, filter=SATISFIED),
    }
    for method in Method.values:
        counts[f"method_{method}"] = Count(ROW, filter=DISPOSED & Q(method=method))
    counts.update(
        accept_seconds_sum=Coalesce(Sum("accept_working_seconds"), 0),
        accept_timed=Count("accept_working_seconds"),
        dispose_seconds_sum=Coalesce(
            Sum("dispose_working_seconds", filter=DISPOSED), 0
        ),
        dispose_timed=Count("dispose_working_seconds", filter=DISPOSED),
    )
    return counts


def channel_counts() -> dict[str, Any]:
    """Cases received per channel (a column of its own in the rollup)."""
    return {
        f"channel_{channel}": Count(ROW, filter=Q(channel=channel))
        for channel in Channel.values
    }


def medians() -> dict[str, Any]:
    """The medians of the working durations: only ever from the cases themselves."""
    return {
        "accept_seconds_median": Median("accept_working_seconds"),
        "dispose_seconds_median": Median("dispose_working_seconds", filter=DISPOSED),
    }


# The rollup's sums are named apart from its columns: an aggregate may not
# take the name of a column another aggregate still reads (received).
SUM_PREFIX = "sum_"


def rollup_sums() -> dict[str, Any]:
    """The same counts summed over rollup rows (dashboard.models.DayFigures),
    named with SUM_PREFIX (`from_rollup` takes it off)."""
    sums: dict[str, Any] = {
        f"{SUM_PREFIX}{name}": Coalesce(Sum(name), 0) for name in case_counts()
    }
    for channel in Channel.values:
        sums[f"{SUM_PREFIX}channel_{channel}"] = Coalesce(
            Sum("received", filter=Q(channel=channel)), 0
        )
    return sums


def from_rollup(row: dict[str, Any]) -> dict[str, Any]:
    """A row of `rollup_sums()` under the names of `case_counts()`."""
    return {name.removeprefix(SUM_PREFIX): value for name, value in row.items()}
