"""What the vendors ledger tells a campaign: vendors guided into markets.

Registered into `campaigns.linked` from `VendorsConfig.ready()` when the
campaigns app is installed. The dependency points vendors → campaigns, only
here and only at start-up: campaigns imports no sibling app, and vendors
runs without campaigns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count

from vendors.models import Relocation
from vendors.stats import MOVED_IN


def vendors_guided_into_markets(
    *, campaign: Any, squad_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, int]:
    """Relocations that moved in during the period, per relocation unit.

    A relocation counts once, on its move-in date (`moved_on`), whatever
    became of it since (stable, or back on the street): the vendor was
    guided in. One aggregate; the campaign itself does not narrow it.
    """
    rows = (
        Relocation.objects.filter(
            status__in=MOVED_IN,
            moved_on__gte=start,
            moved_on__lte=end,
            squad_id__in=list(squad_ids),
        )
        .values_list("squad_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {squad_id: n for squad_id, n in rows}


def register() -> None:
    """Add the counter to the campaigns' linked counts (campaigns installed)."""
    from django.utils.translation import gettext_lazy as _

    from campaigns import linked

    linked.register(
        linked.LinkedCount(
            code="vendors_guided_into_markets",
            label=_("Vendors guided into markets"),
            unit="人",
            count=vendors_guided_into_markets,
        )
    )
