"""Rectification campaigns (专项整治): metrics, campaigns, road segments, tallies.

A campaign counts its work in metrics (boards removed, posters cleaned,
officers deployed…). Each participating unit records a `Tally` per day (and,
where the campaign assigns roads to leaders, per road segment 包靠路段) with
one `TallyValue` per metric. Figures that other records already hold (cases
closed, vendors guided into markets) are not tallied: `campaigns.linked`
computes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.models import Category
from squads.models import Area, Member, Squad


class MetricUnit(models.TextChoices):
    BLOCK = "块", _("块 (boards)")
    PLACE = "处", _("处 (places)")
    SHEET = "张", _("张 (sheets)")
    VEHICLE = "台", _("台 (vehicles)")
    ITEM = "件", _("件 (items)")
    PIECE = "个", _("个 (pieces)")
    METRE = "米", _("米 (metres)")
    PERSON_TIME = "人次", _("人次 (person-times)")
    COPY = "份", _("份 (copies)")
    YUAN = "元", _("元 (yuan)")
    SQUARE_METRE = "m²", _("m² (square metres)")


class MetricKind(models.TextChoices):
    COUNT = "count", _("count")
    LENGTH = "length", _("length")
    AREA = "area", pgettext_lazy("metric kind", "area")
    MONEY = "money", _("money")


class CampaignKind(models.TextChoices):
    CIVILISED_CITY = "civilised_city", _("civilised city (创城)")
    PARKING = "parking", _("parking order")
    BUSINESS = "business", _("business order")
    FACADE = "facade", _("facade cleaning")
    ADVERTISING = "advertising", _("outdoor advertising")
    AIR = "air", _("air pollution")
    ILLEGAL_STRUCTURES = "illegal_structures", _("illegal structures")
    OPEN_DAY = "open_day", _("open day")
    OTHER = "other", _("other")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    RUNNING = "running", _("running")
    CLOSED = "closed", pgettext_lazy("campaign status", "closed")


def _choice_check(field: str, choices: type[models.TextChoices], name: str):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=name
    )


class Metric(models.Model):
    """What a campaign counts, in one unit (块, 张, 米, 人次…)."""

    code = models.SlugField(_("code"), max_length=48, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=96)
    unit = models.CharField(
        pgettext_lazy("measure", "unit"), max_length=8, choices=MetricUnit.choices
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=MetricKind.choices, default=MetricKind.COUNT
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        constraints = [
            _choice_check("unit", MetricUnit, "campaigns_metric_unit_valid"),
            _choice_check("kind", MetricKind, "campaigns_metric_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh}（{self.unit}）"

    @property
    def is_count(self) -> bool:
        return self.kind == MetricKind.COUNT


class RoadSegment(models.Model):
    """A stretch of road a leader answers for (包靠路段)."""

    name = models.CharField(_("name"), max_length=64)
    street = models.ForeignKey(
        Area,
        verbose_name=_("street or town"),
        on_delete=models.PROTECT,
        related_name="road_segments",
        limit_choices_to={"level": Area.Level.STREET},
    )
    squad = models.ForeignKey(
        Squad,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="road_segments",
    )
    leader = models.ForeignKey(
        Member,
        verbose_name=_("responsible leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="road_segments",
    )
    description = models.CharField(_("from / to"), max_length=128, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["squad_id", "name"]
        verbose_name = _("road segment")
        verbose_name_plural = _("road segments")
        constraints = [
            models.UniqueConstraint(
                fields=["squad", "name"], name="campaigns_segment_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A rectification campaign (专项整治), or one drive of a larger one."""

    name = models.CharField(_("name"), max_length=96)
    kind = models.CharField(_("kind"), max_length=24, choices=CampaignKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drives",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    lead_squad = models.ForeignKey(
        Squad,
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="led_campaigns",
    )
    leader = models.ForeignKey(
        Member,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_campaigns",
    )
    squads = models.ManyToManyField(
        Squad,
        verbose_name=_("participating units"),
        related_name="campaigns",
        blank=True,
    )
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("complaint categories covered"),
        related_name="campaigns",
        blank=True,
    )
    road_segments = models.ManyToManyField(
        RoadSegment,
        verbose_name=_("road segments"),
        related_name="campaigns",
        blank=True,
    )
    metrics = models.ManyToManyField(
        Metric,
        verbose_name=_("metrics"),
        related_name="campaigns",
        through="CampaignTarget",
    )
    description = models.TextField(pgettext_lazy("campaign", "description"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=CampaignStatus.choices,
        default=CampaignStatus.PLANNED,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    closed_at = models.DateTimeField(
        pgettext_lazy("campaign", "closed at"), null=True, blank=True
    )

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            _choice_check("kind", CampaignKind, "campaigns_campaign_kind_valid"),
            _choice_check("status", CampaignStatus, "campaigns_campaign_status_valid"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="campaigns_campaign_period_order",
            ),
        ]
        indexes = [models.Index(fields=["status", "-starts_on"])]

    def __str__(self) -> str:
        return self.name


class CampaignTarget(models.Model):
    """A metric a campaign counts, and its target for the whole campaign."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    metric = models.ForeignKey(
        Metric, verbose_name=_("metric"), on_delete=models.PROTECT, related_name="+"
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "metric__position", "metric__code"]
        verbose_name = _("campaign metric")
        verbose_name_plural = _("campaign metrics")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "metric"], name="campaigns_target_unique_metric"
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gte=0),
                name="campaigns_target_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.metric}"


class Tally(models.Model):
    """What one unit did for a campaign on one day (on one road segment)."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="tallies",
    )
    squad = models.ForeignKey(
        Squad, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="tallies"
    )
    date = models.DateField(_("date"))
    road_segment = models.ForeignKey(
        RoadSegment,
        verbose_name=_("road segment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tallies",
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-date", "squad_id"]
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [
            # The natural key, with and without a road segment (NULLs are
            # distinct in a plain unique constraint).
            models.UniqueConstraint(
                fields=["campaign", "squad", "date", "road_segment"],
                condition=Q(road_segment__isnull=False),
                name="campaigns_tally_unique_segment_day",
            ),
            models.UniqueConstraint(
                fields=["campaign", "squad", "date"],
                condition=Q(road_segment__isnull=True),
                name="campaigns_tally_unique_day",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "squad", "date"])]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.squad} · {self.date}"


class TallyValue(models.Model):
    """One metric's figure in a tally."""

    tally = models.ForeignKey(
        Tally, verbose_name=_("tally"), on_delete=models.CASCADE, related_name="values"
    )
    metric = models.ForeignKey(
        Metric, verbose_name=_("metric"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("tally value")
        verbose_name_plural = _("tally values")
        constraints = [
            models.UniqueConstraint(
                fields=["tally", "metric"], name="campaigns_value_unique_metric"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0), name="campaigns_value_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["metric", "tally"])]

    def __str__(self) -> str:
        return f"{self.metric}: {self.value}"


def tally_photo_path(instance: models.Model, filename: str) -> str:
    return f"campaigns/tallies/{filename}"


class TallyPhoto(models.Model):
    """A photo of a day's work, re-encoded without metadata; no public URL."""

    tally = models.ForeignKey(
        Tally, verbose_name=_("tally"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to=tally_photo_path)
    # What the grid and the tally's page show (320 px), streamed like the photo.
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=tally_photo_path, blank=True
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("tally photo")
        verbose_name_plural = _("tally photos")

    def __str__(self) -> str:
        return self.image.name or ""
