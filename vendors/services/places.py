"""Markets and stalls: kept by the market's covering unit (and the bureau)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from citymgmt.errors import InvalidInput, NotAllowed, full_clean_or_refuse
from squads.models import Area, Squad
from squads.roles import LEADERS, Role
from vendors.models import Market, Stall, StallStatus
from vendors.services.common import User, require_role, require_scope, violates

KEEPERS = LEADERS | {Role.SUPERVISOR}
# What stall_save may set; reserved and occupied belong to the ledger.
EDITABLE_STALL_STATUSES = (StallStatus.VACANT, StallStatus.CLOSED)


@transaction.atomic
def market_save(
    *,
    by: User,
    market: Market | None = None,
    name: str,
    kind: str,
    address: str,
    community: Area,
    squad: Squad | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    opening_hours: list[Any] | None = None,
    operator: str = "",
    contact_phone: str = "",
    fee_rule: str = "",
    is_active: bool = True,
) -> Market:
    """Create or change a market; its unit is the community's covering unit unless
    another is chosen."""
    require_role(by, KEEPERS, what=_("change markets"))
    if market is not None:
        require_scope(by, market.squad_id, message=_("No such market in your unit."))
    squad_id = squad.pk if squad is not None else community.covering_squad_id
    if squad_id is None:
        raise InvalidInput(
            _("Choose a community (a community is covered by a unit)."),
            field="community",
        )
    require_scope(by, squad_id, message=_("That unit is not yours."))
    market = market or Market()
    market.name = (name or "").strip()
    market.kind = kind
    market.address = (address or "").strip()
    market.community = community
    market.squad_id = squad_id
    market.latitude = latitude
    market.longitude = longitude
    if opening_hours is not None:
        market.opening_hours = opening_hours
    market.operator = (operator or "").strip()
    market.contact_phone = contact_phone or ""
    market.fee_rule = (fee_rule or "").strip()
    market.is_active = is_active
    full_clean_or_refuse(market)
    market.save()
    return market


@transaction.atomic
def stall_save(
    *,
    by: User,
    market: Market,
    stall: Stall | None = None,
    number: str,
    size_m2: Decimal | None = None,
    goods_allowed: str = "",
    fee_waived: bool = False,
    fee_waiver_reason: str = "",
    status: str | None = None,
) -> Stall:
    """Create or change a stall; its number is unique in its market."""
    require_role(by, KEEPERS, what=_("change stalls"))
    require_scope(by, market.squad_id, message=_("No such market in your unit."))
    if stall is not None and stall.market_id != market.pk:
        raise InvalidInput(_("This stall is in another market."), field="market")
    number = (number or "").strip()
    stall = stall or Stall(market=market)
    if status is not None and status != stall.status:
        if status not in EDITABLE_STALL_STATUSES or stall.status not in (
            EDITABLE_STALL_STATUSES
        ):
            raise NotAllowed(
                _(
                    "A stall's reservation and occupancy follow the relocations; "
                    "here a stall may only be opened (vacant) or closed."
                ),
                field="status",
            )
        stall.status = status
    if fee_waived and not (fee_waiver_reason or "").strip():
        raise InvalidInput(
            _("Say why the fee is waived (e.g. hardship)."),
            field="fee_waiver_reason",
        )
    stall.number = number
    stall.size_m2 = size_m2
    stall.goods_allowed = (goods_allowed or "").strip()
    stall.fee_waived = fee_waived
    stall.fee_waiver_reason = (fee_waiver_reason or "").strip() if fee_waived else ""
    taken = Stall.objects.filter(market=market, number=number)
    if stall.pk:
        taken = taken.exclude(pk=stall.pk)
    if number and taken.exists():
        raise InvalidInput(_stall_taken(number, market), field="number")
    full_clean_or_refuse(stall, validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            stall.save()
    except IntegrityError as exc:
        if violates(exc, "stall_number_unique_per_market"):
            raise InvalidInput(_stall_taken(number, market), field="number") from None
        raise
    return stall


def _stall_taken(number: str, market: Market) -> str:
    return _("Stall number %(number)s is already used in “%(market)s”.") % {
        "number": number,
        "market": market.name,
    }
