"""The messages the complaints app sends, registered with the notifications outbox.

Citizens get one SMS at the steps they care about (which step sends which
is on the action, in `complaints.workflow.ACTIONS`); staff get reminders,
overdue notices, escalations and digests from `complaints.deadlines`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from citymgmt.notifications.messages import Message, register
from complaints.models import Complaint, Stage


def _stage_label(values: dict[str, Any]) -> dict[str, Any]:
    """A stage code (dispose) as its label in the site's language (处置)."""
    stage = str(values.get("stage", ""))
    if stage in Stage.values:
        values["stage"] = Stage(stage).label
    return values


CITIZEN_MESSAGES: dict[str, Message] = {
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
}


STAFF_MESSAGES: dict[str, Message] = {
    "deadline_reminder": Message(
        subject=_("Reminder: %(reference)s, %(percent)s%% of the time for %(stage)s"),
        body=_(
            "Case %(reference)s: %(percent)s%% of the working time for "
            "%(stage)s is used; due %(due_at)s."
        ),
        keys=("reference", "stage", "percent", "due_at"),
        prepare=_stage_label,
    ),
    "deadline_overdue": Message(
        subject=_("Overdue: %(reference)s, %(stage)s"),
        body=_("Case %(reference)s is overdue for %(stage)s: it was due %(due_at)s."),
        keys=("reference", "stage", "due_at"),
        prepare=_stage_label,
    ),
    "deadline_escalated": Message(
        subject=_("Escalated: %(reference)s overdue for %(stage)s"),
        body=_(
            "Case %(reference)s has been overdue for %(stage)s since %(due_at)s "
            "and is escalated to you."
        ),
        keys=("reference", "stage", "due_at"),
        prepare=_stage_label,
    ),
    "morning_digest": Message(
        subject=_("Open cases by due time: %(count)s"),
        body=_("Open cases by due time:\n%(lines)s"),
        keys=("cases",),
        prepare=_stage_label,
        line=_("%(reference)s  %(stage)s due %(due_at)s"),
    ),
    "overdue_summary": Message(
        subject=_("Overdue cases: %(count)s"),
        body=_("Cases past their due time:\n%(lines)s"),
        keys=("cases",),
        prepare=_stage_label,
        line=_("%(reference)s  %(unit)s  %(stage)s due %(due_at)s"),
    ),
}


register(CITIZEN_MESSAGES, citizen=True)
register(STAFF_MESSAGES)


# What each citizen step sends: a template and its context, or None.


def received(complaint: Complaint, *, reason: str = "") -> tuple[str, dict]:
    return "complaint_received", {"reference": complaint.reference}


def dispatched(complaint: Complaint, *, reason: str = "") -> tuple[str, dict]:
    unit = complaint.squad.name if complaint.squad is not None else ""
    return "complaint_dispatched", {"reference": complaint.reference, "unit": unit}


def disposed(complaint: Complaint, *, reason: str = "") -> tuple[str, dict]:
    return "complaint_disposed", {"reference": complaint.reference}


def closed(complaint: Complaint, *, reason: str = "") -> tuple[str, dict]:
    days = settings.COMPLAINT_RATING_DAYS
    return "complaint_closed", {"reference": complaint.reference, "days": days}


def rejected(complaint: Complaint, *, reason: str = "") -> tuple[str, dict]:
    """Not accepted: referred to the department that handles it, or refused."""
    context = {"reference": complaint.reference, "reason": reason}
    if complaint.referral_to:
        return "complaint_referred", {**context, "department": complaint.referral_to}
    return "complaint_rejected", context
