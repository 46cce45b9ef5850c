"""The message templates: a code, its subject and text, and the context they need.

Texts are English msgids rendered in the site's language (zh-Hans) when the
notification is written, so a later catalog change never alters what was
sent. A citizen's SMS must fit one message (70 characters, the length of a
single Chinese SMS); `render` shortens the one free-text value a template
names (`shorten`) when the rendered text would be longer.

Context keys (values may be strings, numbers or datetimes):

=================== =========================================================
reference           the complaint's reference, e.g. 20261123-0042
unit                the squad unit the case went to (name)
department          the outside department a case is referred to
reason              why a case was not accepted (short)
days                days left to rate a closed case
stage               accept | dispatch | sign | dispose | verify (or a label)
percent             share of the stage's working time used, e.g. 80
due_at              the stage's due time (datetime or ISO string)
count               number of cases in a list (default: the length of cases)
cases               list of {reference, stage, due_at, unit?} for digests
=================== =========================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SMS_MAX_CHARS = 70


@dataclass(frozen=True)
class Message:
    subject: Promise
    body: Promise
    keys: tuple[str, ...]
    # One line per entry of context["cases"], joined into the body's %(lines)s.
    line: Promise | None = None
    # The free-text key cut short when an SMS would exceed one message.
    shorten: str | None = None


STAGES: dict[str, Promise] = {
    "accept": _("acceptance"),
    "dispatch": _("dispatch"),
    "sign": _("signing"),
    "dispose": _("disposal"),
    "verify": _("verification"),
}

MESSAGES: dict[str, Message] = {
    # Citizens: one SMS each.
    "complaint_received": Message(
        subject=_("Complaint %(reference)s received"),
        body=_(
            "[CityDesk] Your complaint has been received, reference "
            "%(reference)s. Track it with the reference and the last 4 digits "
            "of your phone."
        ),
        keys=("reference",),
    ),
    "complaint_dispatched": Message(
        subject=_("Complaint %(reference)s dispatched"),
        body=_(
            "[CityDesk] Your complaint %(reference)s has been sent to %(unit)s "
            "for handling. Track it with the reference and your phone's last 4 "
            "digits."
        ),
        keys=("reference", "unit"),
        shorten="unit",
    ),
    "complaint_disposed": Message(
        subject=_("Complaint %(reference)s handled"),
        body=_(
            "[CityDesk] Your complaint %(reference)s has been handled. Please "
            "check the result with the reference and your phone's last 4 digits."
        ),
        keys=("reference",),
    ),
    "complaint_closed": Message(
        subject=_("Complaint %(reference)s closed"),
        body=_(
            "[CityDesk] Your complaint %(reference)s is closed. You are welcome "
            "to rate our work within %(days)s days using the reference and "
            "your phone's last 4 digits."
        ),
        keys=("reference", "days"),
    ),
    "complaint_rejected": Message(
        subject=_("Complaint %(reference)s not accepted"),
        body=_(
            "[CityDesk] Your complaint %(reference)s was not accepted: "
            "%(reason)s. Details with the reference and your phone's last 4 "
            "digits."
        ),
        keys=("reference", "reason"),
        shorten="reason",
    ),
    "complaint_referred": Message(
        subject=_("Complaint %(reference)s referred"),
        body=_(
            "[CityDesk] Your complaint %(reference)s is outside our remit; "
            "please contact %(department)s. Details with the reference and "
            "your phone's last 4 digits."
        ),
        keys=("reference", "department"),
        shorten="department",
    ),
    # Staff: the bell, email or SMS.
    "deadline_reminder": Message(
        subject=_("Reminder: %(reference)s, %(percent)s%% of the time for %(stage)s"),
        body=_(
            "Case %(reference)s: %(percent)s%% of the working time for "
            "%(stage)s is used; due %(due_at)s."
        ),
        keys=("reference", "stage", "percent", "due_at"),
    ),
    "deadline_overdue": Message(
        subject=_("Overdue: %(reference)s, %(stage)s"),
        body=_("Case %(reference)s is overdue for %(stage)s: it was due %(due_at)s."),
        keys=("reference", "stage", "due_at"),
    ),
    "deadline_escalated": Message(
        subject=_("Escalated: %(reference)s overdue for %(stage)s"),
        body=_(
            "Case %(reference)s has been overdue for %(stage)s since %(due_at)s "
            "and is escalated to you."
        ),
        keys=("reference", "stage", "due_at"),
    ),
    "morning_digest": Message(
        subject=_("Open cases by due time: %(count)s"),
        body=_("Open cases by due time:\n%(lines)s"),
        keys=("cases",),
        line=_("%(reference)s  %(stage)s due %(due_at)s"),
    ),
    "overdue_summary": Message(
        subject=_("Overdue cases: %(count)s"),
        body=_("Cases past their due time:\n%(lines)s"),
        keys=("cases",),
        line=_("%(reference)s  %(unit)s  %(stage)s due %(due_at)s"),
    ),
}

CITIZEN_TEMPLATES = frozenset(
    code for code in MESSAGES if code.startswith("complaint_")
)


class UnknownTemplate(ValueError):
    pass


def format_due(value: Any) -> str:
    """A due time as local month-day hour:minute (11-23 15:30)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%m-%d %H:%M")
    return str(value)


def _values(context: Mapping[str, Any], message: Message) -> dict[str, Any]:
    missing = [key for key in message.keys if key not in context]
    if missing:
        raise ValueError(f"Missing context for the message: {', '.join(missing)}.")
    values = dict(context)
    if "cases" in values:
        values["cases"] = list(values["cases"] or [])
        values.setdefault("count", len(values["cases"]))
    return _readable(values)


def _readable(values: dict[str, Any]) -> dict[str, Any]:
    if "stage" in values:
        values["stage"] = STAGES.get(str(values["stage"]), values["stage"])
    if "due_at" in values:
        values["due_at"] = format_due(values["due_at"])
    return values


def _lines(message: Message, values: Mapping[str, Any]) -> str:
    if message.line is None:
        return ""
    rows = []
    for case in values.get("cases") or []:
        case_values = _readable({"unit": "", "stage": "", "due_at": "", **case})
        rows.append(str(message.line) % case_values)
    return "\n".join(rows)


def render(
    template: str, context: Mapping[str, Any], *, sms: bool = False
) -> tuple[str, str]:
    """Return the subject and text of a message, in the site's language."""
    message = MESSAGES.get(template)
    if message is None:
        raise UnknownTemplate(f"Unknown notification template {template!r}.")
    values = _values(context, message)
    with translation.override(settings.LANGUAGE_CODE):
        values["lines"] = _lines(message, values)
        subject = str(message.subject) % values
        body = (str(message.body) % values).strip()
        if sms and len(body) > SMS_MAX_CHARS and message.shorten:
            text = str(values[message.shorten])
            keep = len(text) - (len(body) - SMS_MAX_CHARS) - 1
            # Cut a name or reason only when that makes the text fit.
            if keep >= 4:
                values[message.shorten] = text[:keep] + "…"
                body = (str(message.body) % values).strip()
    return subject, body
