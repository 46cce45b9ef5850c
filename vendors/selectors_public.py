"""What the public finder and the public API read: markets, stalls, no people.

Nothing here reads vendors, relocations or requests: the public sees a
market's place, hours, fee rule, unit and stall counts, never who sells there.
Counts are SQL aggregates over the stalls, one query for a whole list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dates import WEEKDAYS

from squads.selectors import squads_with_card
from vendors.models import Market, Stall, StallStatus

# The largest id PostgreSQL's bigint holds: a larger one is no market.
ID_MAX = 2**63 - 1


def markets_public() -> QuerySet[Market]:
    """Active markets with their counts, community, street and covering unit."""
    return (
        Market.objects.filter(is_active=True)
        .select_related("community", "community__parent", "community__covering_squad")
        .annotate(
            stalls_vacant=Count("stalls", filter=Q(stalls__status=StallStatus.VACANT)),
            stalls_open=Count("stalls", filter=~Q(stalls__status=StallStatus.CLOSED)),
            waives_fees=Exists(
                Stall.objects.filter(market=OuterRef("pk"), fee_waived=True)
            ),
        )
        .order_by("name", "id")
    )


def market_public(*, market_id: int) -> Market | None:
    """One active market with the list's annotations; None when unknown."""
    if not 0 < market_id <= ID_MAX:
        return None
    return markets_public().filter(pk=market_id).first()


def market_choices() -> list[tuple[int, str]]:
    """The active markets a request may name, by name."""
    return list(
        Market.objects.filter(is_active=True)
        .order_by("name", "id")
        .values_list("pk", "name")
    )


@dataclass(frozen=True)
class StallSummary:
    counts: dict[str, int]  # by status, every status present
    vacant_numbers: list[str]


def stall_summary(*, market: Market) -> StallSummary:
    """The market's stalls counted by status and the numbers of the vacant ones."""
    counts = dict.fromkeys(StallStatus.values, 0)
    for row in (
        Stall.objects.filter(market=market)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[row["status"]] = row["n"]
    vacant = list(
        Stall.objects.filter(market=market, status=StallStatus.VACANT)
        .order_by("number")
        .values_list("number", flat=True)
    )
    return StallSummary(counts=counts, vacant_numbers=vacant)


@dataclass(frozen=True)
class Day:
    name: str
    periods: list[str]  # "06:00–11:00"
    today: bool


def opening_week(market: Market, *, today: date | None = None) -> list[Day]:
    """The seven days of the opening hours, Monday first, today marked."""
    weekday = (today or timezone.localdate()).weekday()
    hours = market.opening_hours if isinstance(market.opening_hours, list) else []
    week = []
    for index in range(7):
        periods = hours[index] if index < len(hours) else []
        week.append(
            Day(
                name=str(WEEKDAYS[index]),
                periods=[f"{p['open']}–{p['close']}" for p in periods],
                today=index == weekday,
            )
        )
    return week


def unit_has_card(market: Market) -> bool:
    """Whether the market's covering unit has a published contact card."""
    squad_id = market.community.covering_squad_id
    return squad_id is not None and squad_id in squads_with_card()
