"""Vendors test data, made through the services like real rows."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone

from complaints.models import Category
from vendors import services
from vendors.models import Hotspot, Market, Relocation, Stall, Vendor

WEEK = [[{"open": "06:00", "close": "20:00"}] for _day in range(7)]


def make_market(tree, by, *, name="西苑便民市场", stalls=3, community=None, **extra):
    market = services.market_save(
        by=by,
        name=name,
        kind=extra.pop("kind", "convenience"),
        address=extra.pop("address", "青州市西苑路18号"),
        community=community or tree.community_a,
        opening_hours=extra.pop("opening_hours", WEEK),
        fee_rule=extra.pop("fee_rule", "困难群体免收摊位费"),
        **extra,
    )
    for number in range(1, stalls + 1):
        services.stall_save(by=by, market=market, number=f"A{number:02d}")
    return market


def stall(market: Market, number: str = "A01") -> Stall:
    return market.stalls.get(number=number)


def make_vendor(by, *, name="刘大爷", phone="13912340001", **extra) -> Vendor:
    return services.vendor_save(
        by=by, name=name, goods=extra.pop("goods", "煎饼果子"), phone=phone, **extra
    )


def make_hotspot(tree, by, **extra) -> Hotspot:
    return services.hotspot_open(
        by=by,
        name=extra.pop("name", "西苑小学门口"),
        community=extra.pop("community", tree.community_a),
        place=extra.pop("place", "西苑小学东门外人行道"),
        category=Category.objects.get(code="09006"),
        windows=extra.pop(
            "windows",
            [services.Window(start=time(15, 30), end=time(17, 0), working_days=True)],
        ),
        **extra,
    )


def fresh(relocation: Relocation) -> Relocation:
    return Relocation.objects.get(pk=relocation.pk)


def moved(by, market, *, vendor=None, number="A01", days_ago=60) -> Relocation:
    """A relocation walked to moved, `days_ago` days ago."""
    vendor = vendor or make_vendor(by)
    relocation = services.relocation_offer(vendor=vendor, market=market, by=by)
    services.relocation_accept(relocation=relocation, by=by)
    return services.relocation_move_in(
        relocation=relocation,
        by=by,
        stall=stall(market, number),
        moved_on=timezone.localdate() - timedelta(days=days_ago),
    )


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)
