"""How cases read in the admin: the status badge, the staff timeline.

The deadline badge is complaints.deadlines.display's.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext

from complaints import selectors
from complaints.deadlines.display import local_time
from complaints.models import (
    Channel,
    Complaint,
    ComplaintEvent,
    Method,
    Satisfaction,
)
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


@cache
def _choice_labels(model: type[Model], name: str) -> dict[str, Any]:
    """A choice field's labels by value, once per process (lazy: translated
    when shown); `get_FOO_display` builds this mapping on every call."""
    return dict(model._meta.get_field(name).flatchoices)


def timeline_html(complaint: Complaint) -> SafeString:
    """The case's events as staff read them (who did what, when, and why): the
    rows of the case page's timeline table, each value escaped."""
    actions = _choice_labels(ComplaintEvent, "action")
    statuses = _choice_labels(ComplaintEvent, "to_status")
    from_statuses = _choice_labels(ComplaintEvent, "from_status")
    public = gettext("yes")
    private = format_html('<span class="cd-muted">{}</span>', gettext("no"))
    rows = []
    for event in selectors.timeline_for_staff(complaint=complaint):
        actor = "—"
        if event.actor_id is not None:
            actor = (
                event.actor_name
                if event.actor_name is not None
                else event.actor_username
            )
        to = str(statuses.get(event.to_status, event.to_status))
        change = (
            f"{from_statuses.get(event.from_status, event.from_status)} → {to}"
            if event.from_status and event.from_status != event.to_status
            else to
        )
        role = ROLE_LABELS.get(event.role, event.role)
        details = describe_payload(event.payload) if event.payload else ""
        rows.append(
            format_html(
                '<tr class="cd-event cd-event-{}">\n'
                '<td class="cd-event-time">{}</td>\n'
                '<td class="cd-event-action"><strong>{}</strong></td>\n'
                "<td>{}</td>\n<td>{}{}</td>\n"
                '<td class="cd-event-opinion">{}</td>\n'
                "<td>{}</td>\n<td>{}</td>\n</tr>\n",
                event.action,
                localtime(event.created_at).strftime("%Y-%m-%d %H:%M"),
                actions.get(event.action, event.action),
                change,
                actor,
                format_html(' <span class="cd-muted">({})</span>', role)
                if role
                else "",
                linebreaksbr(event.opinion or "—", autoescape=True),
                details or "—",
                public if event.is_public else private,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - each row built by format_html


def _choice(choices: Any) -> Any:
    return lambda value: str(dict(choices).get(value, ""))


def _squad(value: Any) -> str:
    if isinstance(value, dict):
        return gettext("unit: %(name)s") % {"name": value.get("name", "")}
    return gettext("from unit %(code)s") % {"code": value}


def _category(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    return gettext("category %(old)s → %(new)s") % {
        "old": value.get("from"),
        "new": value.get("to"),
    }


def _days(value: Any) -> str:
    return ngettext("%(days)d working day", "%(days)d working days", value) % {
        "days": value
    }


# How each key an event records reads to staff, in the order they are shown.
# Keys whose value may be falsy but still says something are in ALWAYS.
PAYLOAD_TEXTS: list[tuple[str, Any]] = [
    ("channel", _choice(Channel.choices)),
    ("squad", _squad),
    ("assignee", lambda v: gettext("officer: %(name)s") % {"name": v}),
    ("duplicate_of", lambda v: gettext("original: %(reference)s") % {"reference": v}),
    (
        "referral_to",
        lambda v: gettext("referred to %(department)s") % {"department": v},
    ),
    ("method", _choice(Method.choices)),
    ("guided_into_market", lambda v: gettext("guided into a market")),
    ("market", lambda v: gettext("market: %(name)s") % {"name": v}),
    ("stall", lambda v: gettext("stall %(number)s") % {"number": v}),
    ("category", _category),
    ("satisfaction", _choice(Satisfaction.choices)),
    ("working_days", _days),
    ("approved", lambda v: gettext("approved") if v else gettext("refused")),
    (
        "dispose_due_at",
        lambda v: gettext("dispose by %(time)s") % {"time": local_time(v)},
    ),
    ("note", lambda v: gettext("note: %(note)s") % {"note": v}),
]
ALWAYS = frozenset({"channel", "working_days", "approved"})


def describe_payload(payload: dict[str, Any]) -> str:
    """The event details a person reads: unit, officer, original case, method."""
    parts = [
        text(payload[key])
        for key, text in PAYLOAD_TEXTS
        if key in payload and (payload[key] or key in ALWAYS)
    ]
    return "; ".join(str(p) for p in parts if p)


def status_badge(complaint: Complaint) -> str:
    return format_html(
        '<span class="cd-badge cd-status-{}">{}</span>',
        complaint.status,
        complaint.get_status_display(),
    )
