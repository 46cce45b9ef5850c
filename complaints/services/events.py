"""What every complaint write records: the event, and the citizen's message."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from citymgmt.notifications.services import notify
from complaints.models import Complaint, ComplaintEvent
from complaints.workflow import ACTIONS
from squads.roles import CITIZEN, SYSTEM, role_of


def actor_role(by: User | None) -> str:
    """The role an event records: the citizen without a user, else the user's."""
    if by is None:
        return CITIZEN
    return role_of(user=by) or SYSTEM


def event_record(
    complaint: Complaint,
    *,
    action: str,
    by: User | None,
    role: str | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    opinion: str = "",
    public: bool | None = None,
    payload: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> ComplaintEvent:
    """Write one event of a case; by default it keeps the status and follows the
    action's `public` flag."""
    status = complaint.status
    return ComplaintEvent.objects.create(
        complaint=complaint,
        action=action,
        from_status=status if from_status is None else from_status,
        to_status=status if to_status is None else to_status,
        actor=by if by is not None and by.pk else None,
        role=role or actor_role(by),
        opinion=opinion,
        is_public=ACTIONS[action].public if public is None else public,
        payload=payload or {},
        created_at=at or timezone.now(),
    )


def citizen_tell(complaint: Complaint, *, action: str, reason: str = "") -> None:
    """Queue the SMS the action sends the citizen, in the same transaction."""
    build = ACTIONS[action].citizen_message
    if build is None or not complaint.phone:
        return
    message = build(complaint, reason=reason)
    if message is None:
        return
    template, context = message
    notify(channel="sms", recipient=complaint.phone, template=template, context=context)
