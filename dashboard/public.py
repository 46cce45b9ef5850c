"""The public statistics (/stats/ and /api/v1/public/stats/): figures, no people.

What a citizen sees is what a supervisor sees for the same period over every
unit: the KPI selectors (`dashboard.kpis`) read with the scope of no user,
which is every case, as the desk counts them. Only aggregates leave
this module: per street (received, closed, on-time disposal rate,
satisfaction rate), the totals, and the categories most received — no
names, phones, addresses, officers or case descriptions.

The figures of each period are kept in the shared cache for
`PUBLIC_STATS_SECONDS` (five minutes by default) per language (the
categories' names follow it), so a page or the JSON is at most that old;
each answer says when it was counted (`generated_at`). With the cache down
they are counted for the request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from citymgmt.ratelimit import CACHE_ERRORS
from dashboard import kpis
from dashboard.periods import Period, PeriodKind, period_for

# The periods the public page shows, this month first.
PERIODS = (PeriodKind.THIS_MONTH, PeriodKind.LAST_MONTH)
# The figures per street, each with its heading in docs/kpis.md.
STREET_FIGURES = ("received", "closed", "on_time_disposal_rate", "satisfaction_rate")
TOP_CATEGORIES = 5


def public_scope() -> kpis.Scope:
    """Every unit's cases, as a supervisor counts them."""
    return kpis.Scope(user=None)


def _figures(values: kpis.Values) -> dict[str, Any]:
    return {key: values[key] for key in STREET_FIGURES}


def count(period: Period) -> dict[str, Any]:
    """The public figures of a period, counted now: a fixed number of queries."""
    scope = public_scope()
    streets, _source = kpis.grouped(scope=scope, period=period, by="street")
    totals = kpis.totals(scope=scope, period=period)
    categories = kpis.categories(scope=scope, period=period)[:TOP_CATEGORIES]
    return {
        "period": {
            "kind": period.kind,
            "label": str(PeriodKind(period.kind).label),
            "start": period.start,
            "end": period.end,
        },
        "generated_at": timezone.now(),
        "streets": [
            {
                "code": row.key["code"],
                "name": str(row.key["name"]),
                **_figures(row.values),
            }
            for row in streets
        ],
        "total": _figures(totals.values),
        "categories": [
            {
                "code": row["key"]["code"],
                "name": str(row["key"]["name"]),
                "received": row["received"],
            }
            for row in categories
        ],
    }


def figures(kind: str) -> dict[str, Any]:
    """This month's or last month's public figures, from the cache when fresh."""
    period = period_for(kind)
    key = (
        f"public-stats:{get_language()}:{period.kind}:"
        f"{period.start.isoformat()}:{period.end.isoformat()}"
    )
    try:
        found = cache.get(key)
    except CACHE_ERRORS:
        return count(period)
    if found is None:
        found = count(period)
        try:
            cache.set(key, found, settings.PUBLIC_STATS_SECONDS)
        except CACHE_ERRORS:
            pass
    return found
