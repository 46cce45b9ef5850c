"""Where vendors sell: markets and their stalls, and the street hotspots."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citymgmt.phones import PhoneField
from complaints.models import Category, Complaint
from squads.models import Area, Squad
from vendors.models.choices import HotspotStatus, MarketKind, StallStatus

HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$", re.ASCII)
WEEKDAYS = 7


def validate_opening_hours(value: Any) -> None:
    """Seven day entries, Monday first; each a list of {"open", "close"} periods.

    An empty list is a day the market is closed. Times are "HH:MM", a close
    may be "24:00"; a night market past midnight lists the rest on the next day.
    """
    message = _(
        "Opening hours are 7 days, Monday first, each a list of periods "
        'like {"open": "06:00", "close": "11:00"}.'
    )
    if not isinstance(value, list) or len(value) != WEEKDAYS:
        raise ValidationError(message, code="opening_hours")
    for day in value:
        if not isinstance(day, list):
            raise ValidationError(message, code="opening_hours")
        for period in day:
            if not isinstance(period, dict) or set(period) != {"open", "close"}:
                raise ValidationError(message, code="opening_hours")
            opens, closes = period["open"], period["close"]
            if not all(
                isinstance(t, str) and HHMM_RE.match(t) for t in (opens, closes)
            ):
                raise ValidationError(message, code="opening_hours")
            if closes <= opens:
                raise ValidationError(
                    _("A period of the opening hours must close after it opens."),
                    code="opening_hours_order",
                )


def closed_week() -> list[list[dict[str, str]]]:
    return [[] for _day in range(WEEKDAYS)]


class Market(models.Model):
    """A place vendors may sell: 便民市场, 摊点群, 临时疏导点 or 早夜市."""

    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=MarketKind.choices)
    address = models.CharField(_("address"), max_length=256)
    community = models.ForeignKey(
        Area,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="markets",
        limit_choices_to={"level": Area.Level.COMMUNITY},
    )
    # The unit that keeps the market's stalls. market_save sets it from the
    # community's covering unit unless another is chosen (a cluster on a road
    # between communities); scope filters on this one column.
    squad = models.ForeignKey(
        Squad,
        verbose_name=_("covering unit"),
        on_delete=models.PROTECT,
        related_name="markets",
    )
    latitude = models.DecimalField(
        _("latitude (WGS84)"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude (WGS84)"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # Read and shown as one week, never queried by day: a JSON list of seven
    # days (see validate_opening_hours) rather than a child table.
    opening_hours = models.JSONField(
        _("opening hours"),
        default=closed_week,
        validators=[validate_opening_hours],
        help_text=_(
            'Seven days, Monday first: [[{"open": "06:00", "close": "11:00"}], …]'
        ),
    )
    operator = models.CharField(_("operator"), max_length=64, blank=True)
    contact_phone = PhoneField(_("contact phone"), blank=True)
    fee_rule = models.TextField(
        _("fee rule"),
        blank=True,
        help_text=_("e.g. 摊位费每月200元；困难群体免收"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MarketKind.values), name="market_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["squad", "name"]),
            models.Index(fields=["is_active", "name"]),
        ]

    def __str__(self) -> str:
        return self.name


class Stall(models.Model):
    """One stall of a market; its status says whether a vendor may have it."""

    market = models.ForeignKey(
        Market,
        verbose_name=_("market"),
        on_delete=models.CASCADE,
        related_name="stalls",
        db_index=False,  # the unique (market, number) leads with it
    )
    number = models.CharField(_("stall number"), max_length=16)
    size_m2 = models.DecimalField(
        _("size (m²)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    goods_allowed = models.CharField(_("goods allowed"), max_length=128, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=StallStatus.choices,
        default=StallStatus.VACANT,
    )
    fee_waived = models.BooleanField(_("fee waived"), default=False)
    fee_waiver_reason = models.CharField(
        _("reason for the waiver"), max_length=128, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stall")
        verbose_name_plural = _("stalls")
        ordering = ["market", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["market", "number"], name="stall_number_unique_per_market"
            ),
            models.CheckConstraint(
                condition=Q(status__in=StallStatus.values), name="stall_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(fee_waived=False) | ~Q(fee_waiver_reason=""),
                name="stall_waiver_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "market"])]

    def __str__(self) -> str:
        return f"{self.market} {self.number}"


class Hotspot(models.Model):
    """A place where street vendors gather (流动摊点聚集点) at certain times."""

    name = models.CharField(_("name"), max_length=64)
    community = models.ForeignKey(
        Area,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="hotspots",
        limit_choices_to={"level": Area.Level.COMMUNITY},
    )
    # The covering unit when the hotspot was opened: the scope of its posts.
    squad = models.ForeignKey(
        Squad,
        verbose_name=_("covering unit"),
        on_delete=models.PROTECT,
        related_name="hotspots",
    )
    place = models.CharField(_("place"), max_length=256)
    latitude = models.DecimalField(
        _("latitude (WGS84)"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude (WGS84)"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=HotspotStatus.choices,
        default=HotspotStatus.WATCHING,
    )
    complaints = models.ManyToManyField(
        Complaint,
        verbose_name=_("complaints"),
        related_name="hotspots",
        blank=True,
    )
    opened_at = models.DateTimeField(_("opened at"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=HotspotStatus.values),
                name="hotspot_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=HotspotStatus.CLEARED)
                | Q(cleared_at__isnull=False),
                name="hotspot_cleared_has_time",
            ),
        ]
        indexes = [models.Index(fields=["squad", "status"])]

    def __str__(self) -> str:
        return self.name


class HotspotWindow(models.Model):
    """When vendors gather: working days or a set of weekdays, and a time span."""

    # Bits of `weekdays`: Monday is 1, Tuesday 2, … Sunday 64.
    ALL_WEEKDAYS = 0b1111111

    hotspot = models.ForeignKey(
        Hotspot,
        verbose_name=_("hotspot"),
        on_delete=models.CASCADE,
        related_name="windows",
    )
    # School days are the calendar's working days (holidays and 调休 included).
    working_days = models.BooleanField(
        _("working days"),
        default=False,
        help_text=_("Every working day of the calendar, e.g. school days."),
    )
    weekdays = models.PositiveSmallIntegerField(
        _("weekdays"),
        default=0,
        help_text=_("A set of weekdays when not on working days."),
    )
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("time window")
        verbose_name_plural = _("time windows")
        ordering = ["hotspot", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="hotspotwindow_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(working_days=True) & Q(weekdays=0))
                | (Q(working_days=False) & Q(weekdays__gte=1) & Q(weekdays__lte=127)),
                name="hotspotwindow_days_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hotspot} {self.start:%H:%M}–{self.end:%H:%M}"

    def weekday_numbers(self) -> list[int]:
        """The weekdays (0 = Monday) of a weekday window; empty for working days."""
        return [day for day in range(WEEKDAYS) if self.weekdays & (1 << day)]

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = [_("The window must end after it starts.")]
        if self.working_days and self.weekdays:
            errors["weekdays"] = [
                _("Choose working days or a set of weekdays, not both.")
            ]
        if not self.working_days and not (1 <= (self.weekdays or 0) <= 127):
            errors["weekdays"] = [_("Choose working days or at least one weekday.")]
        if errors:
            raise ValidationError(errors)


__all__ = [
    "Hotspot",
    "HotspotWindow",
    "Market",
    "Stall",
    "validate_opening_hours",
]
