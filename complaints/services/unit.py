"""The handling unit's moves: sign for, assign an officer, report the handling
(处置), return a case that is not the unit's. Each says what it changes; `step`
does the rest."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from citymgmt.errors import InvalidInput
from citymgmt.photos import PreparedPhoto
from complaints.deadlines import durations
from complaints.models import Action, Attachment, Complaint, Method, Status
from complaints.services.step import Change, required_text, step
from squads.models import Member
from squads.roles import squad_subtree_ids


@transaction.atomic
def complaint_sign(
    *,
    complaint: Complaint,
    by: User,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Sign for a dispatched case (签收): the unit starts handling it."""
    return step(
        Action.SIGN,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=lambda locked, now: Change(fields={"signed_at": now}),
    )


@transaction.atomic
def complaint_assign(
    *,
    complaint: Complaint,
    by: User,
    assignee: Member | None = None,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Give the case to an officer of the handling unit or a unit below it."""

    def apply(locked: Complaint, now: datetime) -> Change:
        if assignee is None:
            raise InvalidInput(_("Choose the officer."), field="assignee")
        units = squad_subtree_ids(squad_id=locked.squad_id) if locked.squad_id else {}
        if not assignee.is_active or assignee.squad_id not in units:
            # Not named: the member may be outside what this user may see.
            raise InvalidInput(
                _("Choose an active member of the unit handling this case."),
                field="assignee",
            )
        return Change(
            fields={"assignee": assignee}, payload={"assignee": assignee.full_name}
        )

    return step(
        Action.ASSIGN,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=apply,
    )


def _entered_processing_at(complaint: Complaint) -> datetime:
    """When the case last started being handled (signed, reworked or reopened)."""
    last = (
        complaint.events.filter(to_status=Status.PROCESSING)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return last or complaint.submitted_at


def _disposal_photos_missing(
    complaint: Complaint, before: list[PreparedPhoto], after: list[PreparedPhoto]
) -> str | None:
    """The photo field still missing when the category needs both, else None."""
    if not complaint.category.requires_disposal_photos:
        return None
    kinds = {Attachment.Kind.BEFORE, Attachment.Kind.AFTER}
    have = set(
        complaint.attachments.filter(
            kind__in=kinds,
            event__action=Action.DISPOSE,
            created_at__gte=_entered_processing_at(complaint),
        ).values_list("kind", flat=True)
    )
    have |= {Attachment.Kind.BEFORE} if before else set()
    have |= {Attachment.Kind.AFTER} if after else set()
    if have == kinds:
        return None
    return "photos_after" if Attachment.Kind.BEFORE in have else "photos_before"


@transaction.atomic
def complaint_dispose(
    *,
    complaint: Complaint,
    by: User,
    method: str = "",
    result: str = "",
    photos_before: list[PreparedPhoto] | None = None,
    photos_after: list[PreparedPhoto] | None = None,
    guided_into_market: bool = False,
    expected_status: str | None = None,
) -> Complaint:
    """Report what was done (处置), by the 721 method, with before/after photos.

    `guided_into_market` (引导入市) is the outcome of a service disposal: the
    vendor was guided into a market; the event records it, and the vendors
    app offers to record or link the relocation from the case page.
    """
    before, after = list(photos_before or []), list(photos_after or [])

    def apply(locked: Complaint, now: datetime) -> Change:
        if method not in Method.values:
            raise InvalidInput(
                _("Choose the method: service, management or enforcement (721)."),
                field="method",
            )
        if guided_into_market and method != Method.SERVICE:
            raise InvalidInput(
                _(
                    "Guiding a vendor into a market is a service outcome: "
                    "choose the method service, or untick it."
                ),
                field="guided_into_market",
            )
        text = required_text(
            result, "resolution", _("Describe what was done: the citizen reads it.")
        )
        missing = _disposal_photos_missing(locked, before, after)
        if missing is not None:
            raise InvalidInput(
                _("This category needs a photo from before and one from after."),
                field=missing,
            )
        payload: dict[str, object] = {"method": method}
        if guided_into_market:
            payload["guided_into_market"] = True
        return Change(
            fields={
                "method": method,
                "resolution": text,
                "disposed_at": now,
                "dispose_working_seconds": durations.dispose_seconds(locked, at=now),
            },
            payload=payload,
            opinion=text,
            photos=[(Attachment.Kind.BEFORE, before), (Attachment.Kind.AFTER, after)],
        )

    return step(
        Action.DISPOSE,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        apply=apply,
    )


@transaction.atomic
def complaint_return(
    *,
    complaint: Complaint,
    by: User,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Hand a case back to the desk: not this unit's jurisdiction (退回)."""

    def apply(locked: Complaint, now: datetime) -> Change:
        return Change(
            fields={
                "squad": None,
                "assignee": None,
                "dispatched_at": None,
                "signed_at": None,
                # The next unit's disposal time counts from its own dispatch.
                "dispose_working_seconds": None,
            },
            payload={"squad": locked.squad.code if locked.squad else None},
        )

    return step(
        Action.RETURN,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=apply,
    )
