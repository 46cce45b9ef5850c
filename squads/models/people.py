"""Members of staff: one role each, usually in one unit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citymgmt import phones
from citymgmt.phones import PhoneField
from squads.models.units import Squad
from squads.roles import UNIT_ROLES, Role


class Member(models.Model):
    """A member of staff with one role, usually in one unit."""

    Role = Role
    UNIT_ROLES = UNIT_ROLES

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="member",
    )
    full_name = models.CharField(_("full name"), max_length=32)
    squad = models.ForeignKey(
        Squad,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    title = models.CharField(
        _("title"), max_length=32, blank=True, help_text=_("e.g. 一分队队长")
    )
    badge_number = models.CharField(
        _("badge number"), max_length=32, null=True, blank=True, unique=True
    )
    work_phone = PhoneField(_("work phone"), validators=[phones.validate_mobile])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["squad__position", "role", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    role__in=[
                        "dispatcher",
                        "squad_leader",
                        "instructor",
                        "officer",
                        "supervisor",
                    ]
                ),
                name="member_role_valid",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["squad_leader", "instructor", "officer"])
                | Q(squad__isnull=False),
                name="member_unit_role_has_unit",
            ),
        ]
        indexes = [models.Index(fields=["squad", "role"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.role in self.UNIT_ROLES and not self.squad_id:
            raise ValidationError(
                {"squad": _("This role belongs to a unit: choose one.")}
            )
