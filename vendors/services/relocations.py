"""The relocation ledger's moves: offer, accept, move in, follow up, mark stable,
returned to the street, declined. Each writes a `RelocationEvent`."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt.errors import Conflict, InvalidInput, NotAllowed
from citymgmt.photos import PreparedPhoto
from complaints.models import Complaint
from complaints.services import complaint_relocation_record
from squads.models import Member
from squads.roles import squad_ids_in_scope
from vendors.models import (
    OPEN_RELOCATION,
    FollowUp,
    Hotspot,
    Market,
    Relocation,
    RelocationAction,
    RelocationStatus,
    Stall,
    StallStatus,
    Vendor,
)
from vendors.services.common import (
    User,
    acting_member,
    attach_photo,
    event_record,
    require_role,
    require_scope,
    violates,
)
from vendors.services.step import Change, step
from vendors.workflow import ACTIONS

A = RelocationAction


def _stall_refusal(stall: Stall, *, held_by: Relocation | None = None) -> str | None:
    """Why this stall cannot be given to a vendor now, or None."""
    market = stall.market
    if not market.is_active:
        return _(
            "The market “%(market)s” is closed; choose a stall in an open market."
        ) % {"market": market.name}
    if stall.status == StallStatus.CLOSED:
        return _("Stall %(number)s is closed; choose another stall.") % {
            "number": stall.number
        }
    if (
        held_by is not None
        and held_by.stall_id == stall.pk
        and held_by.status in (RelocationStatus.ACCEPTED,)
    ):
        return None  # reserved for this very relocation
    if stall.status != StallStatus.VACANT:
        return _("Stall %(number)s is already %(status)s; choose a vacant stall.") % {
            "number": stall.number,
            "status": stall.get_status_display(),
        }
    return None


def _lock_stall(stall: Stall) -> Stall:
    """The stall, locked: two officers giving it away wait for each other here."""
    return (
        Stall.objects.select_for_update(no_key=True, of=("self",))
        .select_related("market")
        .get(pk=stall.pk)
    )


def _set_stall(stall: Stall, status: str) -> None:
    stall.status = status
    stall.save(update_fields=["status", "updated_at"])


def _free_stall(relocation: Relocation) -> None:
    """Give the relocation's stall back (vacant) if it held it."""
    if relocation.stall_id is None:
        return
    stall = _lock_stall(relocation.stall)  # type: ignore[arg-type]
    if stall.status in (StallStatus.RESERVED, StallStatus.OCCUPIED):
        _set_stall(stall, StallStatus.VACANT)


@transaction.atomic
def relocation_offer(
    *,
    vendor: Vendor,
    market: Market,
    by: User,
    stall: Stall | None = None,
    origin_hotspot: Hotspot | None = None,
    origin_complaint: Complaint | None = None,
    officer: Member | None = None,
    fee_waived_until: date | None = None,
    note: str = "",
) -> Relocation:
    """Offer a vendor a place in a market (and perhaps a stall): 引导入市 begins."""
    require_role(by, ACTIONS[A.OFFER].roles, what=_("offer a stall"))
    require_scope(by, vendor.squad_id, message=_("No such vendor in your unit."))
    if origin_hotspot is not None:
        require_scope(
            by, origin_hotspot.squad_id, message=_("No such hotspot in your unit.")
        )
    if origin_complaint is not None:
        require_scope(
            by, origin_complaint.squad_id, message=_("No such case in your unit.")
        )
    # The covering unit: the hotspot's, else the case's, else the vendor's.
    squad_id = (
        (origin_hotspot.squad_id if origin_hotspot else None)
        or (origin_complaint.squad_id if origin_complaint else None)
        or vendor.squad_id
    )
    officer = officer or acting_member(by)
    if officer is None:
        raise InvalidInput(_("Choose the officer in charge."), field="officer")
    scope = squad_ids_in_scope(user=by)
    if scope is not None and officer.squad_id not in scope:
        raise InvalidInput(_("Choose an officer of your unit."), field="officer")
    if not market.is_active:
        raise InvalidInput(
            _("The market “%(market)s” is closed; choose an open market.")
            % {"market": market.name},
            field="market",
        )
    if stall is not None:
        if stall.market_id != market.pk:
            raise InvalidInput(
                _("Stall %(number)s is not in “%(market)s”.")
                % {"number": stall.number, "market": market.name},
                field="stall",
            )
        refused = _stall_refusal(stall)
        if refused:
            raise InvalidInput(refused, field="stall")
    if Relocation.objects.filter(vendor=vendor, status__in=OPEN_RELOCATION).exists():
        raise NotAllowed(
            _(
                "%(vendor)s already has a relocation under way; end it before "
                "offering another."
            )
            % {"vendor": vendor.name},
            field="vendor",
        )
    now = timezone.now()
    relocation = Relocation(
        vendor=vendor,
        market=market,
        stall=stall,
        origin_hotspot=origin_hotspot,
        origin_complaint=origin_complaint,
        officer=officer,
        squad_id=squad_id,
        fee_waived_until=fee_waived_until,
        note=(note or "").strip(),
        offered_at=now,
        status=RelocationStatus.OFFERED,
    )
    try:
        with transaction.atomic():
            relocation.save()
    except IntegrityError as exc:
        if violates(exc, "relocation_one_open_per_vendor"):
            raise Conflict(
                _("%(vendor)s has just been offered a place by someone else.")
                % {"vendor": vendor.name},
                field="vendor",
            ) from None
        raise
    event_record(
        relocation,
        action=A.OFFER,
        by=by,
        from_status="",
        note=relocation.note,
        payload={"market": market.name, "stall": stall.number if stall else ""},
        at=now,
    )
    if origin_complaint is not None:
        _tell_case(relocation, origin_complaint, by=by)
    return relocation


def _tell_case(relocation: Relocation, complaint: Complaint, *, by: User) -> None:
    """Put the relocation on its case's timeline: the market, never the vendor."""
    complaint_relocation_record(
        complaint=complaint,
        by=by,
        relocation_id=relocation.pk,
        market=relocation.market.name,
        stall=relocation.stall.number if relocation.stall else "",
    )


@transaction.atomic
def relocation_link_complaint(
    *, relocation: Relocation, complaint: Complaint, by: User
) -> Relocation:
    """Name the case a relocation came from (a vendor guided in after a complaint)."""
    require_role(
        by, ACTIONS[A.LINK_COMPLAINT].roles, what=_("link a relocation to a case")
    )
    require_scope(
        by, relocation.squad_id, message=_("No such relocation in your unit.")
    )
    require_scope(by, complaint.squad_id, message=_("No such case in your unit."))
    locked = (
        Relocation.objects.select_for_update(no_key=True, of=("self",))
        .select_related("market", "stall")
        .get(pk=relocation.pk)
    )
    if locked.origin_complaint_id == complaint.pk:
        raise NotAllowed(
            _("This relocation is already linked to this case."), field="relocation"
        )
    if locked.origin_complaint_id is not None:
        raise NotAllowed(
            _(
                "This relocation already comes from another case; a relocation "
                "has one case of origin."
            ),
            field="relocation",
        )
    if locked.squad_id != complaint.squad_id:
        raise NotAllowed(
            _(
                "This relocation belongs to another unit than the case; link "
                "only a relocation of the unit handling the case."
            ),
            field="relocation",
        )
    locked.origin_complaint = complaint
    locked.save(update_fields=["origin_complaint", "updated_at"])
    event_record(
        locked,
        action=A.LINK_COMPLAINT,
        by=by,
        from_status=locked.status,
        payload={"complaint": complaint.reference},
        at=timezone.now(),
    )
    _tell_case(locked, complaint, by=by)
    return locked


@transaction.atomic
def relocation_accept(
    *,
    relocation: Relocation,
    by: User,
    stall: Stall | None = None,
    note: str = "",
    expected_status: str | None = None,
) -> Relocation:
    """Record that the vendor accepts; reserve the stall offered (or this one)."""

    def apply(locked: Relocation, now: datetime) -> Change:
        chosen = stall or locked.stall
        fields: dict[str, object] = {"accepted_at": now}
        payload: dict[str, object] = {}
        if chosen is not None:
            held = _lock_stall(chosen)
            if held.market_id != locked.market_id:
                raise InvalidInput(
                    _("Stall %(number)s is not in “%(market)s”.")
                    % {"number": held.number, "market": locked.market.name},
                    field="stall",
                )
            refused = _stall_refusal(held)
            if refused:
                raise InvalidInput(refused, field="stall")
            _set_stall(held, StallStatus.RESERVED)
            fields["stall"] = held
            payload["stall"] = held.number
        return Change(fields=fields, payload=payload)

    result = _step_holding(
        A.ACCEPT,
        relocation=relocation,
        by=by,
        note=note,
        expected_status=expected_status,
        apply=apply,
    )
    return result


def _step_holding(action: str, **kwargs) -> Relocation:
    """A step whose save may take a stall: its unique constraint becomes a Conflict."""
    try:
        with transaction.atomic():
            return step(action, **kwargs)
    except IntegrityError as exc:
        if violates(exc, "relocation_one_holder_per_stall"):
            raise Conflict(
                _(
                    "This stall has just been given to another vendor; "
                    "choose another stall."
                ),
                field="stall",
            ) from None
        raise


@transaction.atomic
def relocation_move_in(
    *,
    relocation: Relocation,
    by: User,
    stall: Stall | None = None,
    moved_on: date | None = None,
    fee_waived_until: date | None = None,
    note: str = "",
    expected_status: str | None = None,
) -> Relocation:
    """The vendor moves into the stall: lock it, refuse it unless free, occupy it."""
    today = timezone.localdate()
    moved_on = moved_on or today
    if moved_on > today:
        raise InvalidInput(
            _("The move-in date cannot be in the future."), field="moved_on"
        )

    def apply(locked: Relocation, now: datetime) -> Change:
        chosen = stall or locked.stall
        if chosen is None:
            raise InvalidInput(
                _("Choose the stall the vendor moves into."), field="stall"
            )
        if locked.stall_id and chosen.pk != locked.stall_id:
            # Another stall than the one reserved: give that one back first.
            _free_stall(locked)
        held = _lock_stall(chosen)
        refused = _stall_refusal(held, held_by=locked)
        if refused:
            raise InvalidInput(refused, field="stall")
        _set_stall(held, StallStatus.OCCUPIED)
        fields: dict[str, object] = {
            "stall": held,
            "market": held.market,
            "moved_on": moved_on,
        }
        if fee_waived_until is not None:
            fields["fee_waived_until"] = fee_waived_until
        return Change(
            fields=fields,
            payload={
                "market": held.market.name,
                "stall": held.number,
                "moved_on": moved_on.isoformat(),
            },
        )

    return _step_holding(
        A.MOVE_IN,
        relocation=relocation,
        by=by,
        note=note,
        expected_status=expected_status,
        apply=apply,
    )


@transaction.atomic
def followup_record(
    *,
    relocation: Relocation,
    by: User,
    visited_on: date,
    present: bool,
    note: str = "",
    photo: PreparedPhoto | None = None,
) -> FollowUp:
    """Record a visit after the move: was the vendor at the stall?"""
    created: list[FollowUp] = []

    def apply(locked: Relocation, now: datetime) -> Change:
        if locked.moved_on and visited_on < locked.moved_on:
            raise InvalidInput(
                _("A visit cannot be before the move-in date (%(date)s).")
                % {"date": locked.moved_on.isoformat()},
                field="visited_on",
            )
        if visited_on > timezone.localdate():
            raise InvalidInput(
                _("A visit cannot be in the future."), field="visited_on"
            )
        if FollowUp.objects.filter(relocation=locked, visited_on=visited_on).exists():
            raise InvalidInput(
                _("A visit on %(date)s is already recorded.")
                % {"date": visited_on.isoformat()},
                field="visited_on",
            )
        followup = FollowUp(
            relocation=locked,
            visited_on=visited_on,
            present=present,
            note=(note or "").strip(),
            recorded_by=by if by.pk else None,
            created_at=now,
        )
        attach_photo(followup, photo)
        followup.save()
        created.append(followup)
        return Change(
            payload={"visited_on": visited_on.isoformat(), "present": present}
        )

    step(A.FOLLOW_UP, relocation=relocation, by=by, note=note, apply=apply)
    return created[0]


@transaction.atomic
def relocation_mark_stable(
    *,
    relocation: Relocation,
    by: User,
    note: str = "",
    expected_status: str | None = None,
) -> Relocation:
    """Mark a vendor settled: N visits found them at the stall over 30 days or more."""

    def apply(locked: Relocation, now: datetime) -> Change:
        needed = settings.VENDOR_STABLE_FOLLOWUPS
        present = locked.followups.filter(present=True).aggregate(
            first=Min("visited_on"), last=Max("visited_on")
        )
        count = locked.followups.filter(present=True).count()
        last_visit = locked.followups.order_by("-visited_on").first()
        if count < needed:
            raise NotAllowed(
                _(
                    "Stable needs %(needed)s visits that found the vendor at the "
                    "stall; %(count)s so far."
                )
                % {"needed": needed, "count": count}
            )
        if last_visit is not None and not last_visit.present:
            raise NotAllowed(_("The last visit did not find the vendor at the stall."))
        span = (present["last"] - present["first"]).days
        if span < 30:
            raise NotAllowed(
                _(
                    "The visits that found the vendor span %(days)s days; stable "
                    "needs at least 30."
                )
                % {"days": span}
            )
        return Change(fields={"stable_at": now}, payload={"visits": count})

    return step(
        A.MARK_STABLE,
        relocation=relocation,
        by=by,
        note=note,
        expected_status=expected_status,
        apply=apply,
    )


@transaction.atomic
def relocation_mark_returned(
    *,
    relocation: Relocation,
    by: User,
    note: str,
    expected_status: str | None = None,
) -> Relocation:
    """The vendor is back on the street: end the relocation and free the stall."""

    def apply(locked: Relocation, now: datetime) -> Change:
        _free_stall(locked)
        return Change(
            fields={"closed_at": now},
            payload={"stall": locked.stall.number if locked.stall else ""},
        )

    return step(
        A.MARK_RETURNED,
        relocation=relocation,
        by=by,
        note=note,
        expected_status=expected_status,
        apply=apply,
    )


@transaction.atomic
def relocation_decline(
    *,
    relocation: Relocation,
    by: User,
    note: str,
    expected_status: str | None = None,
) -> Relocation:
    """The vendor declines the offer: end it and give back a reserved stall."""

    def apply(locked: Relocation, now: datetime) -> Change:
        if locked.status == RelocationStatus.ACCEPTED:
            _free_stall(locked)
        return Change(fields={"closed_at": now})

    return step(
        A.DECLINE,
        relocation=relocation,
        by=by,
        note=note,
        expected_status=expected_status,
        apply=apply,
    )


__all__ = [
    "followup_record",
    "relocation_accept",
    "relocation_decline",
    "relocation_mark_returned",
    "relocation_mark_stable",
    "relocation_move_in",
    "relocation_offer",
]
