"""Stall requests: a vendor asks the public finder for a stall."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from citymgmt import phones
from citymgmt.phones import PhoneField
from squads.models import Squad
from vendors.models.places import Market


class StallRequestStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("stall request", "new")
    CONTACTED = "contacted", pgettext_lazy("stall request", "contacted")
    OFFERED = "offered", pgettext_lazy("stall request", "stall offered")
    CLOSED = "closed", pgettext_lazy("stall request", "closed")


class StallRequestSequence(models.Model):
    """The last stall request number handed out on a day (Asia/Shanghai)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("stall request sequence")
        verbose_name_plural = _("stall request sequences")

    def __str__(self) -> str:
        return f"S{self.day:%Y%m%d}: {self.last}"


class StallRequest(models.Model):
    """A vendor's request for a stall, routed to the unit covering the market."""

    # Unique by the constraint below (no LIKE index: tracking matches it whole).
    reference = models.CharField(_("reference"), max_length=20)
    name = models.CharField(_("name"), max_length=32)
    phone = PhoneField(_("mobile phone"), validators=[phones.validate_mobile])
    goods = models.CharField(_("goods"), max_length=128)
    market = models.ForeignKey(
        Market,
        verbose_name=_("preferred market"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stall_requests",
    )
    is_hardship = models.BooleanField(_("hardship"), default=False)
    consent_at = models.DateTimeField(_("consent given at"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=StallRequestStatus.choices,
        default=StallRequestStatus.NEW,
    )
    # The unit covering the preferred market's community; null: the command
    # centre finds one.
    squad = models.ForeignKey(
        Squad,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stall_requests",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stall request")
        verbose_name_plural = _("stall requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"], name="stallrequest_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=StallRequestStatus.values),
                name="stallrequest_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["squad", "status", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def phone_masked(self) -> str:
        return phones.mask(self.phone)


__all__ = ["StallRequest", "StallRequestSequence", "StallRequestStatus"]
