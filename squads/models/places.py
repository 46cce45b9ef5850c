"""Community workstations and the units' published contact cards."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from citymgmt.phones import PhoneField
from squads.models.people import Member
from squads.models.units import Area, Squad


class Workstation(models.Model):
    """A community workstation (城管工作站) where residents meet the squad."""

    name = models.CharField(_("name"), max_length=64)
    community = models.ForeignKey(
        Area,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="workstations",
        limit_choices_to={"level": Area.Level.COMMUNITY},
    )
    address = models.CharField(_("address"), max_length=200)
    hours = models.CharField(_("opening hours"), max_length=100)
    phone = PhoneField(_("phone"))
    contact = models.ForeignKey(
        Member,
        verbose_name=_("contact member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workstations",
    )
    partner_units = models.CharField(
        _("partner units"),
        max_length=200,
        blank=True,
        help_text=_("Separated by 、, e.g. 住建、公安、交警"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("workstation")
        verbose_name_plural = _("workstations")
        ordering = ["community__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="workstation_name_unique_in_community",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.community_id and self.community.level != Area.Level.COMMUNITY:
            raise ValidationError({"community": _("Choose a community.")})

    @property
    def partner_list(self) -> list[str]:
        return [p for p in re.split(r"[、,，;；\s]+", self.partner_units) if p]


class ContactCard(models.Model):
    """A published, numbered snapshot of a unit's contact card (便民服务联系卡)."""

    squad = models.ForeignKey(
        Squad, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="cards"
    )
    version = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("contact card")
        verbose_name_plural = _("contact cards")
        ordering = ["squad", "-version"]
        get_latest_by = "version"
        constraints = [
            models.UniqueConstraint(
                fields=["squad", "version"], name="contactcard_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="contactcard_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content.get('unit', {}).get('name', '')} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("squads:card", kwargs={"code": self.squad.code})
