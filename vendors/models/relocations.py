"""The relocation ledger (引导入市): who was guided where, each move, each visit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from squads.models import Member, Squad
from vendors.models.choices import (
    HOLDS_STALL,
    OPEN_RELOCATION,
    RelocationAction,
    RelocationStatus,
)
from vendors.models.people import Vendor
from vendors.models.places import Hotspot, Market, Stall


def photo_path(instance: models.Model, filename: str) -> str:
    return f"vendors/{instance._meta.model_name}/{filename}"


class Relocation(models.Model):
    """A vendor guided from the street into a market stall (引导入市): 721 service."""

    vendor = models.ForeignKey(
        Vendor,
        verbose_name=_("vendor"),
        on_delete=models.PROTECT,
        related_name="relocations",
    )
    origin_hotspot = models.ForeignKey(
        Hotspot,
        verbose_name=_("from hotspot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relocations",
    )
    origin_complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("from complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relocations",
    )
    market = models.ForeignKey(
        Market,
        verbose_name=_("market"),
        on_delete=models.PROTECT,
        related_name="relocations",
    )
    # Proposed on the offer; held from acceptance (reserved) and move-in
    # (occupied) until the vendor returns to the street or declines.
    stall = models.ForeignKey(
        Stall,
        verbose_name=_("stall"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relocations",
    )
    officer = models.ForeignKey(
        Member,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="relocations",
    )
    # The covering unit: who sees and moves the relocation.
    squad = models.ForeignKey(
        Squad,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="relocations",
        db_index=False,  # the (squad, status) index leads with it
    )
    fee_waived_until = models.DateField(_("fee waived until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RelocationStatus.choices,
        default=RelocationStatus.OFFERED,
    )
    note = models.TextField(_("note"), blank=True)
    offered_at = models.DateTimeField(_("offered at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    moved_on = models.DateField(_("moved in on"), null=True, blank=True)
    stable_at = models.DateTimeField(_("stable since"), null=True, blank=True)
    closed_at = models.DateTimeField(
        _("ended at"),
        null=True,
        blank=True,
        help_text=_("When the vendor returned to the street or declined."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("relocation")
        verbose_name_plural = _("relocations")
        ordering = ["-offered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RelocationStatus.values),
                name="relocation_status_valid",
            ),
            # Two officers cannot give the same stall away: one holder per stall.
            models.UniqueConstraint(
                fields=["stall"],
                condition=Q(status__in=HOLDS_STALL),
                name="relocation_one_holder_per_stall",
            ),
            # A vendor is guided into one place at a time.
            models.UniqueConstraint(
                fields=["vendor"],
                condition=Q(status__in=OPEN_RELOCATION),
                name="relocation_one_open_per_vendor",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=[RelocationStatus.MOVED, RelocationStatus.STABLE]
                )
                | (Q(stall__isnull=False) & Q(moved_on__isnull=False)),
                name="relocation_moved_has_stall_and_date",
            ),
        ]
        indexes = [
            models.Index(fields=["squad", "status", "-offered_at"]),
            models.Index(fields=["status", "-offered_at"]),
            models.Index(fields=["market", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} → {self.market}"


class RelocationEvent(models.Model):
    """One move of a relocation: what, from which status to which, who, when."""

    relocation = models.ForeignKey(
        Relocation,
        verbose_name=_("relocation"),
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,  # (relocation, at) leads with it
    )
    action = models.CharField(
        _("action"), max_length=16, choices=RelocationAction.choices
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=RelocationStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=16, choices=RelocationStatus.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("relocation event")
        verbose_name_plural = _("relocation events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["relocation", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=RelocationAction.values),
                name="relocationevent_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relocation_id} {self.action}"


class FollowUp(models.Model):
    """A visit after the move: was the vendor at the stall?"""

    relocation = models.ForeignKey(
        Relocation,
        verbose_name=_("relocation"),
        on_delete=models.CASCADE,
        related_name="followups",
        db_index=False,  # the unique (relocation, visited_on) leads with it
    )
    visited_on = models.DateField(_("visited on"))
    present = models.BooleanField(_("at the stall"))
    note = models.TextField(_("note"), blank=True)
    photo = models.FileField(
        _("photo"), upload_to=photo_path, max_length=200, blank=True
    )
    photo_thumbnail = models.FileField(
        _("thumbnail"), upload_to=photo_path, max_length=200, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["relocation", "visited_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["relocation", "visited_on"],
                name="followup_one_visit_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relocation_id} {self.visited_on}"


__all__ = ["FollowUp", "Relocation", "RelocationEvent"]
