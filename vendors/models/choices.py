"""The vendors app's enumerations: kinds, statuses, the actions events record."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MarketKind(models.TextChoices):
    CONVENIENCE = "convenience", _("convenience market")
    CLUSTER = "cluster", _("vendor cluster")
    TEMPORARY = "temporary", _("temporary guidance point")
    EARLY_NIGHT = "early_night", _("early or night market")


class StallStatus(models.TextChoices):
    VACANT = "vacant", _("vacant")
    RESERVED = "reserved", _("reserved")
    OCCUPIED = "occupied", _("occupied")
    CLOSED = "closed", pgettext_lazy("stall", "closed")


class HotspotStatus(models.TextChoices):
    WATCHING = "watching", _("watching")
    ACTIVE = "active", _("active")
    CLEARED = "cleared", _("cleared")


class RelocationStatus(models.TextChoices):
    OFFERED = "offered", _("offered")
    ACCEPTED = "accepted", _("accepted")
    MOVED = "moved", _("moved in")
    STABLE = "stable", _("stable")
    RETURNED = "returned", _("returned to the street")
    DECLINED = "declined", _("declined")


# A relocation that holds its stall: the database lets one such row per stall.
HOLDS_STALL = (
    RelocationStatus.ACCEPTED,
    RelocationStatus.MOVED,
    RelocationStatus.STABLE,
)
# A relocation still under way or done well: one such row per vendor.
OPEN_RELOCATION = (
    RelocationStatus.OFFERED,
    RelocationStatus.ACCEPTED,
    RelocationStatus.MOVED,
    RelocationStatus.STABLE,
)


class RelocationAction(models.TextChoices):
    """What a relocation event records; labels are the staff's buttons and timeline."""

    OFFER = "offer", _("Offer a stall")
    ACCEPT = "accept", _("Vendor accepts")
    MOVE_IN = "move_in", _("Move in")
    FOLLOW_UP = "follow_up", _("Follow-up visit")
    MARK_STABLE = "mark_stable", _("Mark stable")
    MARK_RETURNED = "mark_returned", _("Returned to the street")
    DECLINE = "decline", _("Vendor declines")
    LINK_COMPLAINT = "link_complaint", _("Linked to a case")
