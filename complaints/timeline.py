"""The citizen's timeline: each public event as a sentence, no staff names or phones.

What an action says is on its spec (`complaints.workflow.ACTIONS[...].timeline`):
a title and the names of the detail lines below it. The detail lines are
written here once, each from the event's own record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from complaints.models import (
    Complaint,
    ComplaintEvent,
    Method,
    RequestType,
    Satisfaction,
    Status,
)
from complaints.workflow import ACTIONS


def _reason(complaint: Complaint, event: ComplaintEvent) -> str:
    return _("Reason: %(reason)s") % {"reason": event.opinion} if event.opinion else ""


def _referral(complaint: Complaint, event: ComplaintEvent) -> str:
    department = (event.payload or {}).get("referral_to") or complaint.referral_to
    if not department:
        return ""
    return _("This matter is handled by %(department)s; please contact them.") % {
        "department": department
    }


def _duplicate_of(complaint: Complaint, event: ComplaintEvent) -> str:
    original = (event.payload or {}).get("duplicate_of")
    if not original:
        return ""
    return _("It is handled together with case %(reference)s.") % {
        "reference": original
    }


def _result(complaint: Complaint, event: ComplaintEvent) -> str:
    return _("Result: %(result)s") % {"result": event.opinion} if event.opinion else ""


def _method(complaint: Complaint, event: ComplaintEvent) -> str:
    method = (event.payload or {}).get("method")
    if method not in Method.values:
        return ""
    return _("Method: %(method)s") % {"method": Method(method).label}


def _comment(complaint: Complaint, event: ComplaintEvent) -> str:
    if not event.opinion:
        return ""
    return _("Your comment: %(comment)s") % {"comment": event.opinion}


DETAILS: dict[str, Callable[[Complaint, ComplaintEvent], str]] = {
    "reason": _reason,
    "referral": _referral,
    "duplicate_of": _duplicate_of,
    "result": _result,
    "method": _method,
    "comment": _comment,
}


def public_remark(event: ComplaintEvent) -> str:
    """The staff's words on an event as the citizen may read them, else "".

    The one rule for the tracking page and the tracking API: only an action
    whose public entry quotes its reason, result or comment shows them.
    """
    spec = ACTIONS.get(event.action)
    entry = spec.timeline if spec is not None else None
    return event.opinion if entry is not None and entry.shows_remark else ""


def _title_values(complaint: Complaint, event: ComplaintEvent, unit: str) -> dict:
    payload = event.payload or {}
    rating = payload.get("satisfaction")
    return {
        "kind": RequestType(complaint.request_type).label
        if complaint.request_type in RequestType.values
        else "",
        "unit": unit,
        "rating": Satisfaction(rating).label if rating in Satisfaction.values else "",
        "days": payload.get("working_days", 0),
        "market": payload.get("market", ""),
    }


def public_entries(
    complaint: Complaint, events: list[ComplaintEvent]
) -> list[dict[str, Any]]:
    """The public events of a case as the tracking page shows them, oldest first."""
    entries = []
    current = complaint.squad.name if complaint.squad is not None else ""
    unit = ""
    for event in events:
        payload = event.payload or {}
        if isinstance(payload.get("squad"), dict):
            unit = payload["squad"].get("name") or current
        spec = ACTIONS.get(event.action)
        entry = spec.timeline if spec is not None else None
        if entry is None:
            title, details = _("Updated."), []
        else:
            values = _title_values(complaint, event, unit or current)
            title = str(entry.title) % values
            details = [DETAILS[name](complaint, event) for name in entry.details]
        entries.append(
            {
                "action": event.action,
                "at": event.created_at,
                "title": title,
                "details": [line for line in details if line],
                "status": Status(event.to_status).label
                if event.to_status in Status.values
                else "",
            }
        )
    return entries
