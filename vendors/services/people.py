"""Vendors: registered by the unit's staff; the identity only with consent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt import phones
from citymgmt.errors import InvalidInput, full_clean_or_refuse
from squads.models import Squad
from squads.roles import UNIT_ROLES, Role, member_for
from vendors.models import Hotspot, Vendor
from vendors.services.common import User, require_role, require_scope

STAFF = UNIT_ROLES | {Role.SUPERVISOR}


@transaction.atomic
def vendor_save(
    *,
    by: User,
    vendor: Vendor | None = None,
    name: str,
    goods: str,
    phone: str = "",
    squad: Squad | None = None,
    usual_hotspot: Hotspot | None = None,
    usual_hours: str = "",
    identity_number: str | None = None,
    identity_consent: bool | None = None,
    is_elderly: bool = False,
    is_hardship: bool = False,
    has_disability: bool = False,
    note: str = "",
) -> Vendor:
    """Create or change a vendor's record.

    `identity_number=None` keeps the number on record; "" removes it. A number
    is kept only with the vendor's consent; `identity_consent=False` withdraws
    it and removes the number.
    """
    require_role(by, STAFF, what=_("register vendors"))
    if vendor is not None:
        require_scope(by, vendor.squad_id, message=_("No such vendor in your unit."))
    member = member_for(user=by)
    squad_id = (
        squad.pk
        if squad is not None
        else (vendor.squad_id if vendor else (member.squad_id if member else None))
    )
    if squad_id is None:
        raise InvalidInput(_("Choose the vendor's unit."), field="squad")
    require_scope(by, squad_id, message=_("That unit is not yours."))
    if usual_hotspot is not None:
        require_scope(
            by, usual_hotspot.squad_id, message=_("No such hotspot in your unit.")
        )
    phone = phones.normalize(phone)
    if phone and not phones.is_mobile(phone):
        raise InvalidInput(
            _(
                "Enter the vendor's 11-digit mobile number, for example "
                "13812345678, or leave it empty."
            ),
            field="phone",
        )
    vendor = vendor or Vendor()
    consent_at = vendor.identity_consent_at
    if identity_consent is True and consent_at is None:
        consent_at = timezone.now()
    elif identity_consent is False:
        consent_at = None
    number = vendor.identity_number if identity_number is None else identity_number
    number = (number or "").strip().upper()
    if identity_consent is False and identity_number is None:
        number = ""  # consent withdrawn: the number goes with it
    if number and consent_at is None:
        raise InvalidInput(
            _(
                "An identity card number is kept only with the vendor's consent: "
                "tick the consent box or leave the number empty."
            ),
            field="identity_number",
        )
    vendor.name = (name or "").strip()
    vendor.goods = (goods or "").strip()
    vendor.phone = phone
    vendor.squad_id = squad_id
    vendor.usual_hotspot = usual_hotspot
    vendor.usual_hours = (usual_hours or "").strip()
    vendor.identity_number = number
    vendor.identity_consent_at = consent_at
    vendor.is_elderly = is_elderly
    vendor.is_hardship = is_hardship
    vendor.has_disability = has_disability
    vendor.note = (note or "").strip()
    full_clean_or_refuse(vendor)
    vendor.save()
    return vendor
