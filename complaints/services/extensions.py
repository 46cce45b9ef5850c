"""Extensions (延期): the unit asks for more working days, the desk decides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from citymgmt.errors import InvalidInput, full_clean_or_refuse
from complaints import deadlines, selectors
from complaints.models import Action, Complaint, ExtensionRequest
from complaints.services.events import event_record
from complaints.services.step import required_text


@transaction.atomic
def extension_request(
    *, complaint: Complaint, by: User, reason: str, working_days: Any
) -> ExtensionRequest:
    """Ask for more working days to dispose of a case (延期); one pending at a time."""
    locked = Complaint.objects.select_for_update(no_key=True, of=("self",)).get(
        pk=complaint.pk
    )
    refused = selectors.extension_refusal(user=by, complaint=locked)
    if refused is not None:
        raise refused
    reason = required_text(
        reason,
        "reason",
        _("Give the reason for the extension: the decision rests on it."),
    )
    if len(reason) > 1000:
        raise InvalidInput(_("Keep the reason under 1000 characters."), field="reason")
    try:
        days = int(working_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 15:
        raise InvalidInput(_("Ask for 1 to 15 working days."), field="working_days")
    now = timezone.now()
    extension = ExtensionRequest(
        complaint=locked,
        requested_by=by,
        reason=reason,
        working_days=days,
        old_due_at=locked.dispose_due_at,
        created_at=now,
    )
    full_clean_or_refuse(extension, validate_constraints=False)
    extension.save()
    event_record(
        locked,
        action=Action.EXTENSION_REQUEST,
        by=by,
        opinion=reason,
        payload={"working_days": days, "extension": extension.pk},
        at=now,
    )
    return extension


def _extension_approve(
    complaint: Complaint, extension: ExtensionRequest, *, note: str, at: datetime
) -> tuple[dict[str, Any], str]:
    """Move the disposal due time; return the event's details and public text."""
    extension.old_due_at = complaint.dispose_due_at
    changed = deadlines.extend(complaint, working_days=extension.working_days, at=at)
    complaint.extension_count += 1
    complaint.save(update_fields=[*changed, "extension_count", "updated_at"])
    extension.new_due_at = complaint.dispose_due_at
    payload: dict[str, Any] = {}
    if complaint.dispose_due_at is not None:
        payload["dispose_due_at"] = complaint.dispose_due_at.isoformat()
    if note:
        payload["note"] = note
    # The citizen reads this on the tracking page, in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        opinion = _("The handling time was extended by %(days)d working days.") % {
            "days": extension.working_days
        }
    return payload, opinion


@transaction.atomic
def extension_decide(
    *, request: ExtensionRequest, by: User, approve: bool, note: str = ""
) -> ExtensionRequest:
    """Approve or refuse an extension request; approval moves the disposal due time."""
    locked = (
        Complaint.objects.select_for_update(no_key=True, of=("self",))
        .select_related("deadline_rule")
        .get(pk=request.complaint_id)
    )
    extension = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    refused = selectors.extension_decision_refusal(user=by, extension=extension)
    if refused is not None:
        raise refused
    note = (note or "").strip()
    if not approve and not note:
        raise InvalidInput(
            _("Say why the extension is refused: the unit needs to know."),
            field="note",
        )
    now = timezone.now()
    Decision = ExtensionRequest.Status
    extension.status = Decision.APPROVED if approve else Decision.REJECTED
    extension.decided_by = by
    extension.decided_at = now
    extension.decision_note = note
    payload: dict[str, Any] = {
        "approved": approve,
        "working_days": extension.working_days,
        "extension": extension.pk,
    }
    opinion = note
    if approve:
        details, opinion = _extension_approve(locked, extension, note=note, at=now)
        payload.update(details)
    extension.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "old_due_at",
            "new_due_at",
        ]
    )
    event_record(
        locked,
        action=Action.EXTENSION_DECIDE,
        by=by,
        opinion=opinion,
        public=approve,
        payload=payload,
        at=now,
    )
    return extension
