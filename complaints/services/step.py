"""The one locked step every workflow move goes through.

Each action's service says what it changes (`Change`); `step` does the rest
the same way for every action: lock the row, refuse a stale or illegal move
(`complaints.workflow.ACTIONS` and `selectors.refusal`), apply the change,
set the deadline clocks the action's `ClockPlan` names, write the typed
event, attach photos and queue the citizen's message, in one transaction
(the caller's: each service is `@transaction.atomic`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt.errors import Conflict, InvalidInput, full_clean_or_refuse
from citymgmt.photos import PreparedPhoto
from complaints import deadlines, selectors
from complaints.models import Complaint, ExtensionRequest, Status
from complaints.services.events import citizen_tell, event_record
from complaints.services.intake import attachment_add
from complaints.workflow import TRANSITIONS


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


def step(
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
