"""The enumerations of a case: statuses, stages, channels, types, methods,
ratings, and the actions its events record."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting acceptance")
    REGISTERED = "registered", _("registered")
    DISPATCHED = "dispatched", _("dispatched")
    PROCESSING = "processing", _("being handled")
    DISPOSED = "disposed", _("awaiting verification")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("not accepted")
    DUPLICATE = "duplicate", _("duplicate")
    CANCELLED = "cancelled", _("cancelled")


OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.REGISTERED,
        Status.DISPATCHED,
        Status.PROCESSING,
        Status.DISPOSED,
    }
)


class Stage(models.TextChoices):
    """The clocked stages of an open case, each with its own due moment."""

    ACCEPT = "accept", _("acceptance")
    DISPATCH = "dispatch", _("dispatch")
    SIGN = "sign", _("signing")
    DISPOSE = "dispose", _("disposal")
    VERIFY = "verify", _("verification")


class Channel(models.TextChoices):
    WEB = "web", _("web")
    OPEN311 = "open311", _("Open311")
    HOTLINE_12345 = "hotline_12345", _("12345 hotline")
    WALK_IN = "walk_in", _("walk-in")
    PATROL = "patrol", _("patrol")
    PHONE = "phone", _("phone")


class RequestType(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    REPORT = "report", _("report")
    INQUIRY = "inquiry", _("inquiry")
    HELP = "help", _("request for help")
    SUGGESTION = "suggestion", _("suggestion")


class Method(models.TextChoices):
    """The 721 method: service first, then management, enforcement last."""

    SERVICE = "service", _("service")
    MANAGEMENT = "management", _("management")
    ENFORCEMENT = "enforcement", _("enforcement")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


class Action(models.TextChoices):
    """What an event records: a workflow action or another step in a case's life.

    The labels are what staff read on buttons and in the timeline; the
    per-action rules live in `complaints.workflow.ACTIONS`.
    """

    SUBMIT = "submit", _("Filed")
    ACCEPT = "accept", _("Accept")
    REJECT = "reject", _("Reject")
    MERGE = "merge", _("Merge as duplicate")
    DISPATCH = "dispatch", _("Dispatch")
    SIGN = "sign", _("Sign for")
    ASSIGN = "assign", _("Assign an officer")
    DISPOSE = "dispose", _("Report handling")
    RETURN = "return", _("Return (not our jurisdiction)")
    VERIFY = "verify", _("Verify and close")
    REWORK = "rework", _("Send back for rework")
    CANCEL = "cancel", _("Cancel")
    REOPEN = "reopen", _("Reopen (citizen dissatisfied)")
    RATE = "rate", _("Rated by the citizen")
    REVEAL_PHONE = "reveal_phone", _("Phone number revealed")
    EXTENSION_REQUEST = "extension_request", _("Extension requested")
    EXTENSION_DECIDE = "extension_decide", _("Extension decided")
    # Another app (vendors) records that a vendor of this case was guided into
    # a market; complaints only keeps the line, never the vendor.
    RELOCATION_LINKED = "relocation_linked", _("Vendor guided into a market")
