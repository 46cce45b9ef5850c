"""How cases read in the admin: the status badge, the staff timeline.

The deadline badge is complaints.deadlines.display's.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from complaints import selectors
from complaints.deadlines.display import local_time
from complaints.models import Channel, Complaint, Method, Satisfaction
from squads.roles import DESK, ROLE_LABELS, role_of

# Bulk actions touch at most this many cases at once (select-across on a
# million rows must not become a million transitions in one request).
BULK_MAX = 200
STAFF_CHANNELS = [
    Channel.HOTLINE_12345,
    Channel.PHONE,
    Channel.WALK_IN,
    Channel.PATROL,
]


def is_desk(request: HttpRequest) -> bool:
    return role_of(user=request.user) in DESK


def timeline_rows(complaint: Complaint) -> list[dict[str, Any]]:
    """The case's events as staff read them: who did what, when, and why."""
    rows = []
    for event in selectors.timeline_for_staff(complaint=complaint):
        actor = "—"
        if event.actor is not None:
            try:
                actor = event.actor.member.full_name
            except ObjectDoesNotExist:
                actor = event.actor.get_username()
        to = event.get_to_status_display()
        change = (
            f"{event.get_from_status_display()} → {to}"
            if event.from_status and event.from_status != event.to_status
            else to
        )
        rows.append(
            {
                "at": event.created_at,
                "action": event.action,
                "label": event.get_action_display(),
                "status": change,
                "actor": actor,
                "role": ROLE_LABELS.get(event.role, event.role),
                "opinion": event.opinion,
                "details": describe_payload(event.payload),
                "public": event.is_public,
            }
        )
    return rows


def describe_payload(payload: dict[str, Any]) -> str:
    """The event details a person reads: unit, officer, original case, method."""
    parts: list[str] = []
    if "channel" in payload:
        parts.append(str(dict(Channel.choices).get(payload["channel"], "")))
    squad = payload.get("squad")
    if isinstance(squad, dict):
        parts.append(gettext("unit: %(name)s") % {"name": squad.get("name", "")})
    elif squad:
        parts.append(gettext("from unit %(code)s") % {"code": squad})
    if payload.get("assignee"):
        parts.append(gettext("officer: %(name)s") % {"name": payload["assignee"]})
    if payload.get("duplicate_of"):
        parts.append(
            gettext("original: %(reference)s") % {"reference": payload["duplicate_of"]}
        )
    if payload.get("referral_to"):
        parts.append(
            gettext("referred to %(department)s")
            % {"department": payload["referral_to"]}
        )
    if payload.get("method"):
        parts.append(str(dict(Method.choices).get(payload["method"], "")))
    category = payload.get("category")
    if isinstance(category, dict):
        parts.append(
            gettext("category %(old)s → %(new)s")
            % {"old": category.get("from"), "new": category.get("to")}
        )
    if payload.get("satisfaction"):
        parts.append(str(dict(Satisfaction.choices).get(payload["satisfaction"], "")))
    if "working_days" in payload:
        parts.append(
            ngettext(
                "%(days)d working day", "%(days)d working days", payload["working_days"]
            )
            % {"days": payload["working_days"]}
        )
    if "approved" in payload:
        parts.append(gettext("approved") if payload["approved"] else gettext("refused"))
    if payload.get("dispose_due_at"):
        parts.append(
            gettext("dispose by %(time)s")
            % {"time": local_time(payload["dispose_due_at"])}
        )
    if payload.get("note"):
        parts.append(gettext("note: %(note)s") % {"note": payload["note"]})
    return "; ".join(p for p in parts if p)


def status_badge(complaint: Complaint) -> str:
    return format_html(
        '<span class="cd-badge cd-status-{}">{}</span>',
        complaint.status,
        complaint.get_status_display(),
    )
