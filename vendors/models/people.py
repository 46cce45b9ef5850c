"""The vendors themselves, with their identity kept only by consent."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citymgmt import phones
from citymgmt.phones import PhoneField
from squads.models import Squad
from vendors.models.places import Hotspot

# A resident identity card number (18 characters, the last a digit or X).
IDENTITY_RE = r"^\d{17}[\dX]$"


def mask_identity(value: str | None) -> str:
    """370781********1234: the region code and the last 4 characters."""
    text = value or ""
    if len(text) < 10:
        return "*" * len(text)
    return f"{text[:6]}{'*' * (len(text) - 10)}{text[-4:]}"


class Vendor(models.Model):
    """A street vendor the unit knows: what they sell, where and when, and why help."""

    name = models.CharField(_("name"), max_length=32)
    goods = models.CharField(_("goods"), max_length=128)
    # The unit that keeps the vendor's record: the scope of who sees it.
    squad = models.ForeignKey(
        Squad,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="vendors",
    )
    usual_hotspot = models.ForeignKey(
        Hotspot,
        verbose_name=_("usual hotspot"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vendors",
    )
    usual_hours = models.CharField(_("usual hours"), max_length=64, blank=True)
    phone = PhoneField(
        _("mobile phone"), blank=True, validators=[phones.validate_mobile]
    )
    # Kept only once the vendor has agreed (the CHECK below); shown masked.
    identity_number = models.CharField(
        _("identity card number"),
        max_length=18,
        blank=True,
        validators=[
            RegexValidator(
                IDENTITY_RE,
                _(
                    "An identity card number has 18 characters: 17 digits and a "
                    "digit or X."
                ),
            )
        ],
    )
    identity_consent_at = models.DateTimeField(
        _("consent to keep the identity given at"), null=True, blank=True
    )
    is_elderly = models.BooleanField(_("elderly"), default=False)
    is_hardship = models.BooleanField(_("hardship"), default=False)
    has_disability = models.BooleanField(_("disability"), default=False)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(identity_number="") | Q(identity_consent_at__isnull=False),
                name="vendor_identity_needs_consent",
            ),
        ]
        indexes = [
            models.Index(fields=["squad", "name"]),
            models.Index(fields=["phone"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def identity_masked(self) -> str:
        return mask_identity(self.identity_number)

    @property
    def phone_masked(self) -> str:
        return phones.mask(self.phone)

    @property
    def fee_waiver_grounds(self) -> bool:
        """Whether a flag justifies a free stall (elderly, hardship, disability)."""
        return self.is_elderly or self.is_hardship or self.has_disability
