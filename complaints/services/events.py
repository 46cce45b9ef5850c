"""What every complaint write records: the event, and the citizen's message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ParamSpec

from django.contrib.auth.models import User
from django.utils import timezone

from citymgmt.notifications.models import Notification
from citymgmt.notifications.services import notify_row, send_on_commit
from complaints.models import Complaint, ComplaintEvent
from complaints.workflow import ACTIONS
from squads.roles import CITIZEN, SYSTEM, role_of

P = ParamSpec("P")


def actor_role(by: User | None) -> str:
    """The role an event records: the citizen without a user, else the user's."""
    if by is None:
        return CITIZEN
    return role_of(user=by) or SYSTEM


def event_build(
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
    """One event of a case, unsaved; by default it keeps the status and
    follows the action's `public` flag."""
    status = complaint.status
    return ComplaintEvent(
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


def _saved(build: Callable[P, ComplaintEvent]) -> Callable[P, ComplaintEvent]:
    def record(*args: P.args, **kwargs: P.kwargs) -> ComplaintEvent:
        event = build(*args, **kwargs)
        event.save(force_insert=True)
        return event

    return record


# Write one event of a case: what `event_build` makes, saved.
event_record = _saved(event_build)


def citizen_message(
    complaint: Complaint, *, action: str, reason: str = ""
) -> Notification | None:
    """The outbox row of the SMS the action sends the citizen, unsaved (see
    `notify_row`); None when the action sends none or there is no phone."""
    build = ACTIONS[action].citizen_message
    if build is None or not complaint.phone:
        return None
    message = build(complaint, reason=reason)
    if message is None:
        return None
    template, context = message
    return notify_row(
        channel="sms", recipient=complaint.phone, template=template, context=context
    )


def citizen_tell(complaint: Complaint, *, action: str, reason: str = "") -> None:
    """Queue the SMS the action sends the citizen, in the same transaction."""
    row = citizen_message(complaint, action=action, reason=reason)
    if row is not None:
        row.save(force_insert=True)
        send_on_commit([row])
