"""The workflow's moves, one service per action, all through one locked step.

Each service says what its action changes (`Change`); `_step` does the rest
the same way for every action: lock the row, refuse a stale or illegal move
(`complaints.workflow.ACTIONS` and `selectors.refusal`), apply the change,
set the deadline clocks the action's `ClockPlan` names, write the typed
event, attach photos and queue the citizen's message, in one transaction.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt.errors import Conflict, InvalidInput, NotAllowed, full_clean_or_refuse
from citymgmt.photos import PreparedPhoto
from complaints import deadlines, selectors
from complaints.models import (
    Action,
    Attachment,
    Category,
    Complaint,
    ExtensionRequest,
    Method,
    Status,
)
from complaints.services.events import citizen_tell, event_record
from complaints.services.intake import attachment_add
from complaints.workflow import TRANSITIONS
from squads.models import Member, Squad
from squads.roles import squad_subtree_ids


@dataclass
class Change:
    """What one action changes on the case and records in its event."""

    fields: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)
    opinion: str | None = None  # replaces the opinion given (dispose: the result)
    photos: list[tuple[str, list[PreparedPhoto]]] = field(default_factory=list)


Apply = Callable[[Complaint, datetime], Change]


def required_text(value: str | None, field: str, message: str) -> str:
    """The trimmed text, or a refusal naming the field when it is empty."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(message, field=field)
    return text


def _locked(complaint: Complaint, expected_status: str | None) -> Complaint:
    locked = (
        Complaint.objects.select_for_update(no_key=True, of=("self",))
        .select_related("category", "squad")
        .get(pk=complaint.pk)
    )
    if expected_status and locked.status != expected_status:
        last = locked.events.order_by("-created_at", "-id").first()
        when = timezone.localtime(last.created_at).strftime("%H:%M:%S") if last else ""
        raise Conflict(
            _(
                "Someone else has just changed this case: it is now %(status)s "
                "(%(when)s). Reload it to see what happened."
            )
            % {"status": locked.get_status_display(), "when": when}
        )
    return locked


def _extensions_lapse(complaint: Complaint, *, at: datetime) -> None:
    """Close a pending extension request of a case that is no longer being handled."""
    ExtensionRequest.objects.filter(
        complaint=complaint, status=ExtensionRequest.Status.PENDING
    ).update(
        status=ExtensionRequest.Status.WITHDRAWN,
        decided_at=at,
        decision_note=_("The case left handling before a decision."),
    )


def _step(
    action: str,
    *,
    complaint: Complaint,
    by: User | None,
    expected_status: str | None = None,
    opinion: str = "",
    apply: Apply | None = None,
) -> Complaint:
    """Lock, check the table, apply, clock, record, tell: the same for every move."""
    spec = TRANSITIONS[action]
    locked = _locked(complaint, expected_status)
    refused = selectors.refusal(user=by, complaint=locked, action=action)
    if refused is not None:
        raise refused
    if spec.needs_reason:
        opinion = required_text(
            opinion, "opinion", _("Give a reason: the record and the citizen need one.")
        )
    now = timezone.now()
    from_status = locked.status
    change = apply(locked, now) if apply is not None else Change()
    fields = dict(change.fields)
    if spec.target is not None:
        fields["status"] = spec.target
    for name, value in fields.items():
        setattr(locked, name, value)
    changed = [*fields, *deadlines.schedule(locked, plan=spec.clock, at=now)]
    if from_status == Status.PROCESSING and locked.status != Status.PROCESSING:
        _extensions_lapse(locked, at=now)
    # Field validation only: the values come from the services, and the
    # database's constraints still guard them (each CHECK would cost a query).
    full_clean_or_refuse(locked, validate_unique=False, validate_constraints=False)
    locked.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
    event = event_record(
        locked,
        action=action,
        by=by,
        from_status=from_status,
        opinion=(opinion or "").strip() if change.opinion is None else change.opinion,
        payload=change.payload,
        at=now,
    )
    for kind, photos in change.photos:
        for photo in photos:
            attachment_add(complaint=locked, photo=photo, kind=kind, event=event, by=by)
    citizen_tell(locked, action=action, reason=event.opinion)
    return locked


@transaction.atomic
def complaint_accept(
    *,
    complaint: Complaint,
    by: User,
    category: Category | None = None,
    priority: str = "",
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Accept and register a submitted case (受理立案), reclassifying it if needed."""

    def apply(locked: Complaint, now: datetime) -> Change:
        change = Change(fields={"accepted_at": now})
        if category is not None and category.pk != locked.category_id:
            if not category.is_active:
                raise InvalidInput(
                    _("That category is no longer in use; choose another."),
                    field="category",
                )
            change.payload["category"] = {
                "from": locked.category.code,
                "to": category.code,
            }
            change.fields["category"] = category
        if priority:
            change.fields["priority"] = priority
        return change

    return _step(
        Action.ACCEPT,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=apply,
    )


@transaction.atomic
def complaint_reject(
    *,
    complaint: Complaint,
    by: User,
    opinion: str = "",
    referral_to: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Refuse a submitted case, naming the department that handles it if any."""

    def apply(locked: Complaint, now: datetime) -> Change:
        department = (referral_to or locked.category.referral_to).strip()
        return Change(
            fields={"referral_to": department, "closed_at": now},
            payload={"referral_to": department},
        )

    return _step(
        Action.REJECT,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=apply,
    )


@transaction.atomic
def complaint_merge(
    *,
    complaint: Complaint,
    by: User,
    duplicate_of: Complaint | None = None,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Close a case as a duplicate of an earlier one (the chain's first case)."""

    def apply(locked: Complaint, now: datetime) -> Change:
        if duplicate_of is None:
            raise InvalidInput(
                _("Choose the case this one duplicates."), field="duplicate_of"
            )
        # Read the other case afresh: it may have been merged meanwhile.
        other = Complaint.objects.get(pk=duplicate_of.pk)
        original = other.duplicate_of or other
        if original.pk == locked.pk:
            raise InvalidInput(
                _("A case cannot duplicate itself."), field="duplicate_of"
            )
        return Change(
            fields={"duplicate_of": original, "closed_at": now},
            payload={"duplicate_of": original.reference},
        )

    return _step(
        Action.MERGE,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=apply,
    )


@transaction.atomic
def complaint_dispatch(
    *,
    complaint: Complaint,
    by: User,
    squad: Squad | None = None,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Send a registered case to a unit: the one proposed, or the one chosen."""

    def apply(locked: Complaint, now: datetime) -> Change:
        target = squad or locked.squad
        if target is None:
            raise InvalidInput(_("Choose the unit to dispatch to."), field="squad")
        if not target.is_active:
            raise InvalidInput(_("That unit is not in service."), field="squad")
        change = Change(payload={"squad": {"code": target.code, "name": target.name}})
        if locked.squad_id != target.pk:
            change.fields["assignee"] = None
        change.fields.update(squad=target, dispatched_at=now)
        return change

    return _step(
        Action.DISPATCH,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=apply,
    )


@transaction.atomic
def complaint_sign(
    *,
    complaint: Complaint,
    by: User,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Sign for a dispatched case (签收): the unit starts handling it."""
    return _step(
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

    return _step(
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
    expected_status: str | None = None,
) -> Complaint:
    """Report what was done (处置), by the 721 method, with before/after photos."""
    before, after = list(photos_before or []), list(photos_after or [])

    def apply(locked: Complaint, now: datetime) -> Change:
        if method not in Method.values:
            raise InvalidInput(
                _("Choose the method: service, management or enforcement (721)."),
                field="method",
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
        return Change(
            fields={"method": method, "resolution": text, "disposed_at": now},
            payload={"method": method},
            opinion=text,
            photos=[(Attachment.Kind.BEFORE, before), (Attachment.Kind.AFTER, after)],
        )

    return _step(
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
            },
            payload={"squad": locked.squad.code if locked.squad else None},
        )

    return _step(
        Action.RETURN,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=apply,
    )


@transaction.atomic
def complaint_verify(
    *,
    complaint: Complaint,
    by: User,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Check the handling and close the case (核查结案)."""
    return _step(
        Action.VERIFY,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=lambda locked, now: Change(fields={"closed_at": now}),
    )


@transaction.atomic
def complaint_rework(
    *,
    complaint: Complaint,
    by: User,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Send a handled case back to the unit for more work (返工)."""
    return _step(
        Action.REWORK,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=lambda locked, now: Change(
            fields={"rework_count": locked.rework_count + 1, "disposed_at": None}
        ),
    )


@transaction.atomic
def complaint_cancel(
    *,
    complaint: Complaint,
    by: User,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Cancel an open case (a supervisor's decision, with the reason)."""
    return _step(
        Action.CANCEL,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=lambda locked, now: Change(fields={"closed_at": now}),
    )


@transaction.atomic
def complaint_reopen(*, complaint: Complaint) -> Complaint:
    """Reopen a closed case for a dissatisfied citizen (重办), once."""
    return _step(
        Action.REOPEN,
        complaint=complaint,
        by=None,
        apply=lambda locked, now: Change(
            fields={
                "reopen_count": locked.reopen_count + 1,
                "closed_at": None,
                "disposed_at": None,
            }
        ),
    )


# The staff's moves by name, for the admin's action pages and the staff API.
ACTION_SERVICES: dict[str, Callable[..., Complaint]] = {
    Action.ACCEPT: complaint_accept,
    Action.REJECT: complaint_reject,
    Action.MERGE: complaint_merge,
    Action.DISPATCH: complaint_dispatch,
    Action.SIGN: complaint_sign,
    Action.ASSIGN: complaint_assign,
    Action.DISPOSE: complaint_dispose,
    Action.RETURN: complaint_return,
    Action.VERIFY: complaint_verify,
    Action.REWORK: complaint_rework,
    Action.CANCEL: complaint_cancel,
}


def action_inputs(action: str) -> frozenset[str]:
    """The inputs an action's service takes besides the case, the user and the
    status seen."""
    service = ACTION_SERVICES.get(action)
    if service is None:
        return frozenset()
    names = inspect.signature(service).parameters
    return frozenset(names) - {"complaint", "by", "expected_status"}


def complaint_act(
    *,
    action: str,
    complaint: Complaint,
    by: User,
    expected_status: str | None = None,
    **inputs: Any,
) -> Complaint:
    """Take a staff action by name (the admin's action pages, the staff API)."""
    service = ACTION_SERVICES.get(action)
    if service is None:
        raise NotAllowed(
            _("There is no action called “%(action)s”.") % {"action": action}
        )
    wanted = action_inputs(action)
    given = {name: value for name, value in inputs.items() if name in wanted}
    return service(complaint=complaint, by=by, expected_status=expected_status, **given)
