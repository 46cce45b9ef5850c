"""Areas (district › street › community › grid) and the units that cover them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from citymgmt.phones import PhoneField

SQUAD_CODE_RE = r"^[A-Z0-9][A-Z0-9-]{1,31}$"


class Area(models.Model):
    """An administrative area: district, street (街道·镇), community (社区) or grid."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("district")
        STREET = "street", _("street or town")
        COMMUNITY = "community", _("community")
        GRID = "grid", _("grid")

    # Codes follow GB/T 2260 for the district (6 digits), then 3 digits per level.
    CODE_LENGTH: dict[str, int] = {
        Level.DISTRICT: 6,
        Level.STREET: 9,
        Level.COMMUNITY: 12,
        Level.GRID: 15,
    }
    PARENT_LEVEL: dict[str, str] = {
        Level.STREET: Level.DISTRICT,
        Level.COMMUNITY: Level.STREET,
        Level.GRID: Level.COMMUNITY,
    }

    code = models.CharField(
        _("code"),
        max_length=15,
        unique=True,
        validators=[
            RegexValidator(r"^\d{6,15}$", _("An area code is 6 to 15 digits."))
        ],
    )
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # The routing table: every community is covered by exactly one unit.
    covering_squad = models.ForeignKey(
        "Squad",
        verbose_name=_("covering unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covered_areas",
        help_text=_("Required for communities: the unit that handles its cases."),
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=["district", "street", "community", "grid"]),
                name="area_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(level="district") | Q(parent__isnull=False),
                name="area_parent_required_below_district",
            ),
            models.CheckConstraint(
                condition=(Q(level="community") & Q(covering_squad__isnull=False))
                | (~Q(level="community") & Q(covering_squad__isnull=True)),
                name="area_community_covered_by_one_unit",
            ),
            models.UniqueConstraint(
                fields=["parent", "name"], name="area_name_unique_in_parent"
            ),
        ]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list] = {}
        expected = self.CODE_LENGTH.get(self.level)
        if expected and self.code and len(self.code) != expected:
            errors.setdefault("code", []).append(
                _("A %(level)s code has %(length)s digits.")
                % {"level": self.get_level_display(), "length": expected}
            )
        for field, message in self._parent_errors():
            errors.setdefault(field, []).append(message)
        if self.level == self.Level.COMMUNITY and not self.covering_squad_id:
            errors.setdefault("covering_squad", []).append(
                _("Choose the unit that covers this community.")
            )
        if self.level != self.Level.COMMUNITY and self.covering_squad_id:
            errors.setdefault("covering_squad", []).append(
                _("Only communities are covered by a unit.")
            )
        if errors:
            raise ValidationError(errors)

    def _parent_errors(self) -> list[tuple[str, str | Promise]]:
        """What is wrong with the parent: its level, or a code not under it."""
        wanted_parent = self.PARENT_LEVEL.get(self.level)
        parent = self.parent if self.parent_id else None
        if self.level == self.Level.DISTRICT and parent is not None:
            return [("parent", _("A district has no parent area."))]
        if not wanted_parent:
            return []
        if parent is None:
            return [
                (
                    "parent",
                    _("Choose the %(level)s this area belongs to.")
                    % {"level": self.Level(wanted_parent).label},
                )
            ]
        if parent.level != wanted_parent:
            return [
                (
                    "parent",
                    _("The parent of a %(level)s must be a %(parent)s.")
                    % {
                        "level": self.get_level_display(),
                        "parent": self.Level(wanted_parent).label,
                    },
                )
            ]
        if self.code and not self.code.startswith(parent.code):
            return [
                (
                    "code",
                    _("The code must start with the parent's code %(code)s.")
                    % {"code": parent.code},
                )
            ]
        return []


class Squad(models.Model):
    """A law-enforcement unit: brigade (大队), squadron (中队) or team (分队)."""

    class Kind(models.TextChoices):
        BRIGADE = "brigade", _("brigade")
        SQUADRON = "squadron", _("squadron")
        TEAM = "team", _("team")

    PARENT_KIND: dict[str, str] = {
        Kind.SQUADRON: Kind.BRIGADE,
        Kind.TEAM: Kind.SQUADRON,
    }

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(
                SQUAD_CODE_RE,
                _("Use 2 to 32 capital letters, digits and hyphens, e.g. JD-1."),
            )
        ],
    )
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="based_squads",
        help_text=_("The district, street or community the unit is based in."),
    )
    duty_phone = PhoneField(_("duty phone"))
    supervision_phone = PhoneField(_("supervision phone"))
    office_address = models.CharField(_("office address"), max_length=200)
    working_hours = models.CharField(
        _("working hours"),
        max_length=100,
        help_text=_("As printed on the card, e.g. 周一至周五 8:30-12:00 13:30-17:30"),
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("squad unit")
        verbose_name_plural = _("squad units")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["brigade", "squadron", "team"]),
                name="squad_kind_valid",
            ),
            models.CheckConstraint(
                condition=(Q(kind="brigade") & Q(parent__isnull=True))
                | (~Q(kind="brigade") & Q(parent__isnull=False)),
                name="squad_parent_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("squads:card", kwargs={"code": self.code})

    def clean_fields(self, exclude=None) -> None:
        # Codes are capitals; accept "jd-1" as typed and store "JD-1".
        if self.code:
            self.code = self.code.strip().upper()
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        wanted = self.PARENT_KIND.get(self.kind)
        if self.kind == self.Kind.BRIGADE and self.parent_id:
            raise ValidationError({"parent": _("A brigade has no parent unit.")})
        if wanted:
            if not self.parent_id:
                raise ValidationError(
                    {
                        "parent": _("Choose the %(kind)s above this unit.")
                        % {"kind": self.Kind(wanted).label}
                    }
                )
            if self.parent.kind != wanted:  # type: ignore[union-attr]
                raise ValidationError(
                    {
                        "parent": _("A %(kind)s belongs to a %(parent)s.")
                        % {
                            "kind": self.get_kind_display(),
                            "parent": self.Kind(wanted).label,
                        }
                    }
                )


class ServiceItem(models.Model):
    """One line on the back of a unit's contact card (服务事项), in order."""

    squad = models.ForeignKey(
        Squad,
        on_delete=models.CASCADE,
        related_name="service_items",
        verbose_name=_("unit"),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("service item"), max_length=120)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["squad", "position", "id"]

    def __str__(self) -> str:
        return self.text
