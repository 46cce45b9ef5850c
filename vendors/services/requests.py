"""Stall requests from the public finder: file one, track it, move it on.

A vendor's request is filed like a complaint: one service checks what the
form or the API could read, takes the day's number (S20261206-0001) from its
own counter, routes the request to the unit covering the preferred market's
community (none: the command centre), and writes the vendor's SMS and the
leaders' notices to the outbox in the same transaction.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt import compiled, phones, ratelimit
from citymgmt.errors import InvalidInput, NotAllowed
from citymgmt.notifications.services import notify, notify_many, staff_messages
from complaints.services.tracking import reference_locked
from squads.models import Member, Squad
from squads.roles import LEADERS, Role
from vendors.models import (
    Market,
    StallRequest,
    StallRequestSequence,
    StallRequestStatus,
)

logger = logging.getLogger(__name__)

PREFIX = "S"
NAME_MAX = 32
GOODS_MAX = 128
REFERENCE_RE = re.compile(r"^S\d{8}-\d{4,6}$", re.ASCII)
TYPED_RE = re.compile(r"S?(\d{8})-?(\d{4,6})", re.ASCII)
DASHES = re.compile(r"[－—–_-]+", re.ASCII)
FAILURE_SCOPE = "stall-request-track-failures"

# Staff moves: the statuses each one may leave.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    StallRequestStatus.CONTACTED: (StallRequestStatus.NEW,),
    StallRequestStatus.OFFERED: (StallRequestStatus.NEW, StallRequestStatus.CONTACTED),
    StallRequestStatus.CLOSED: (
        StallRequestStatus.NEW,
        StallRequestStatus.CONTACTED,
        StallRequestStatus.OFFERED,
    ),
}


def reference_make(day: date, number: int) -> str:
    """The canonical reference of a day's n-th stall request: S20261206-0001."""
    return f"{PREFIX}{day:%Y%m%d}-{number:04d}"


def reference_normalize(value: str | None) -> str:
    """What was typed, tidied: upper case, half-width digits, the S and one hyphen."""
    text = "".join((value or "").translate(phones.FULLWIDTH).split()).upper()
    text = text.replace("Ｓ", "S")
    text = DASHES.sub("-", text)
    found = TYPED_RE.fullmatch(text)
    if found:
        return f"{PREFIX}{found.group(1)}-{found.group(2)}"
    return text[:20]


def reference_next(*, at: datetime | None = None) -> str:
    """Hand out the next stall request reference of the day (one upsert)."""
    day = timezone.localdate(at or timezone.now())
    return reference_make(
        day,
        compiled.day_number_next(table=StallRequestSequence._meta.db_table, day=day),
    )


def covering_unit(market: Market | None) -> Squad | None:
    """The unit a request for this market goes to: its community's covering unit."""
    if market is None:
        return None
    return market.community.covering_squad


def stall_request_refusal(data: dict[str, Any]) -> InvalidInput | None:
    """Every problem with what could be read, as one refusal; None when fine.

    Forms and the API ask this about the fields they could read, so the
    vendor corrects everything in one go.
    """
    errors: dict[str, list[str]] = {}
    name = str(data.get("name") or "").strip()
    if "name" in data and not name:
        errors["name"] = [_("Enter your name, so the unit knows whom to call.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [
            _("Keep the name to %(limit)d characters.") % {"limit": NAME_MAX}
        ]
    if "phone" in data:
        phone = phones.normalize(str(data.get("phone") or ""))
        if not phone:
            errors["phone"] = [
                _("Enter your 11-digit mobile number: the unit calls you on it.")
            ]
        elif not phones.is_mobile(phone):
            errors["phone"] = [
                _("Enter an 11-digit mobile number, for example 13812345678.")
            ]
    goods = str(data.get("goods") or "").strip()
    if "goods" in data and not goods:
        errors["goods"] = [_("Say what you sell, e.g. fruit, snacks, small goods.")]
    elif len(goods) > GOODS_MAX:
        errors["goods"] = [
            _("Keep the goods to %(limit)d characters.") % {"limit": GOODS_MAX}
        ]
    market = data.get("market")
    if isinstance(market, Market) and not market.is_active:
        errors["market"] = [
            _("This market no longer takes vendors; choose another or leave it open.")
        ]
    if "consent" in data and not data.get("consent"):
        errors["consent"] = [
            _(
                "Tick the box to agree that your name and phone are used to "
                "answer your request."
            )
        ]
    if not errors:
        return None
    first_field, messages = next(iter(errors.items()))
    return InvalidInput(messages[0], field=first_field, errors=errors)


def _tell(request: StallRequest) -> None:
    """The vendor's SMS, and a notice to the leaders of its unit (else the desk)."""
    notify(
        channel="sms",
        recipient=request.phone,
        template="stall_request_received",
        context={"reference": request.reference},
    )
    staff = Member.objects.filter(is_active=True, user__is_active=True)
    if request.squad_id is not None:
        staff = staff.filter(squad_id=request.squad_id, role__in=list(LEADERS))
    else:
        staff = staff.filter(role=Role.DISPATCHER)
    context = {
        "reference": request.reference,
        "goods": request.goods,
        "market": request.market.name if request.market else "",
        "hardship": request.is_hardship,
    }
    messages = []
    for member in staff.select_related("user").order_by("id"):
        messages += staff_messages(
            user=member.user,
            template="stall_request_new",
            context=context,
            dedupe_key=f"stall-request:{request.reference}:{member.user_id}",
        )
    notify_many(messages)


@transaction.atomic
def stall_request_submit(
    *,
    name: str,
    phone: str,
    goods: str,
    market: Market | None,
    is_hardship: bool,
    consent: bool,
) -> StallRequest:
    """File a vendor's stall request, route it and tell the vendor and the unit."""
    refusal = stall_request_refusal(
        {
            "name": name,
            "phone": phone,
            "goods": goods,
            "market": market,
            "consent": consent,
        }
    )
    if refusal is not None:
        raise refusal
    if market is not None:
        market = (
            Market.objects.select_related("community__covering_squad")
            .filter(pk=market.pk, is_active=True)
            .first()
        )
        if market is None:
            raise InvalidInput(
                _(
                    "This market no longer takes vendors; choose another or "
                    "leave it open."
                ),
                field="market",
            )
    now = timezone.now()
    request = StallRequest(
        name=name.strip(),
        phone=phones.normalize(phone),
        goods=goods.strip(),
        market=market,
        is_hardship=is_hardship,
        consent_at=now,
        squad=covering_unit(market),
    )
    # The day's counter row stays locked until commit: take the number last.
    request.reference = reference_next(at=now)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        logger.exception("A stall request could not be saved")
        raise InvalidInput(
            _("Your request could not be saved. Please send it again.")
        ) from None
    _tell(request)
    return request


def stall_request_for_tracking(
    *, reference: str, phone_last4: str
) -> StallRequest | None:
    """The request with this reference whose phone ends in these digits."""
    if len(phone_last4) != 4 or not phone_last4.isdigit():
        return None
    return (
        StallRequest.objects.select_related("market", "squad")
        .filter(reference=reference, phone__endswith=phone_last4)
        .first()
    )


def stall_request_track(
    *, reference: str, phone_last4: str, client: str
) -> StallRequest | None:
    """Find a request by reference and last 4 digits; count a miss against it.

    Raises TooManyAttempts while the reference is locked (the same numbers
    as a complaint's, COMPLAINT_TRACK_FAILURES); None is a miss.
    """
    rate = settings.COMPLAINT_TRACK_FAILURES
    verdict = ratelimit.failures(FAILURE_SCOPE, reference, rate)
    if not verdict.allowed:
        logger.warning(
            "Stall request tracking refused: %s is locked (client %s)",
            reference,
            client,
        )
        raise reference_locked(verdict.retry_after)
    found = stall_request_for_tracking(reference=reference, phone_last4=phone_last4)
    if found is None:
        ratelimit.fail(FAILURE_SCOPE, reference, rate)
    return found


@transaction.atomic
def stall_request_set_status(
    *, stall_request: StallRequest, status: str, by: Any
) -> StallRequest:
    """Record that the unit contacted the vendor, offered a stall or closed it."""
    locked = StallRequest.objects.select_for_update(no_key=True).get(
        pk=stall_request.pk
    )
    sources = TRANSITIONS.get(status)
    if sources is None or locked.status not in sources:
        raise NotAllowed(
            _("A request that is “%(current)s” cannot become “%(new)s”.")
            % {
                "current": StallRequestStatus(locked.status).label,
                "new": StallRequestStatus(status).label
                if status in StallRequestStatus.values
                else status,
            },
            field="status",
        )
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    logger.info(
        "Stall request %s is now %s (by user %s)",
        locked.reference,
        status,
        getattr(by, "pk", None),
    )
    return locked
