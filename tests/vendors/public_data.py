"""Markets and stalls for the public finder's tests, made straight in the tables."""

from __future__ import annotations

from typing import Any

from vendors.models import Market, MarketKind, Stall, StallStatus

MORNINGS = [[{"open": "06:00", "close": "11:00"}] for _day in range(7)]


def make_market(*, community: Any, name: str = "西苑便民市场", **fields: Any) -> Market:
    values = {
        "kind": MarketKind.CONVENIENCE,
        "address": "西苑路18号",
        "opening_hours": MORNINGS,
        "fee_rule": "摊位费每月200元；困难群体免收",
        "operator": "王经理",
        "contact_phone": "0536-3221234",
        "squad": community.covering_squad,
        **fields,
    }
    return Market.objects.create(name=name, community=community, **values)


def make_stalls(
    market: Market,
    *,
    vacant: int = 0,
    occupied: int = 0,
    closed: int = 0,
    reserved: int = 0,
    waived: int = 0,
    start: int = 1,
) -> list[Stall]:
    """Stalls numbered A01…; the first `waived` vacant ones are free."""
    statuses = (
        [StallStatus.VACANT] * vacant
        + [StallStatus.RESERVED] * reserved
        + [StallStatus.OCCUPIED] * occupied
        + [StallStatus.CLOSED] * closed
    )
    stalls = []
    for offset, status in enumerate(statuses):
        free = offset < waived
        stalls.append(
            Stall(
                market=market,
                number=f"A{start + offset:02d}",
                status=status,
                fee_waived=free,
                fee_waiver_reason="困难群体" if free else "",
            )
        )
    return Stall.objects.bulk_create(stalls)
