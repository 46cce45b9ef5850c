"""The complaint itself, and the per-day counter its reference comes from."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
)
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from citymgmt import phones
from complaints.models.categories import Category, DeadlineRule
from complaints.models.choices import (
    OPEN_STATUSES,
    Channel,
    Method,
    RequestType,
    Satisfaction,
    Status,
)
from squads.models import Area, Member, PhoneField, Squad


class DailySequence(models.Model):
    """The last reference number handed out on a day (Asia/Shanghai)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily sequence")
        verbose_name_plural = _("daily sequences")

    def __str__(self) -> str:
        return f"{self.day:%Y%m%d}: {self.last}"


# The columns the dashboard's KPIs aggregate (dashboard.kpis), carried in the
# index on submitted_at.
KPI_COLUMNS = [
    "status",
    "squad",
    "street",
    "community",
    "category",
    "channel",
    "method",
    "satisfaction",
    "assignee",
    "accepted_at",
    "dispatched_at",
    "disposed_at",
    "closed_at",
    "dispose_due_at",
    "verify_due_at",
    "rework_count",
    "reopen_count",
    "extension_count",
    "accept_working_seconds",
    "dispose_working_seconds",
]


class Complaint(models.Model):
    """A citizen's complaint, report, inquiry, request or suggestion."""

    # Unique by the constraint below: a plain unique index, without the
    # LIKE index `unique=True` adds on PostgreSQL (no search uses LIKE on it).
    reference = models.CharField(_("reference"), max_length=16)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB
    )
    request_type = models.CharField(
        _("request type"),
        max_length=16,
        choices=RequestType.choices,
        default=RequestType.COMPLAINT,
    )
    # category, community, squad, assignee: no index of their own; the
    # composite indexes in Meta lead with them (one index fewer per insert).
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, db_index=False
    )
    description = models.TextField(
        _("description"),
        validators=[MinLengthValidator(10), MaxLengthValidator(2000)],
    )
    address = models.CharField(_("address"), max_length=256)
    street = models.ForeignKey(
        Area,
        verbose_name=_("street"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": Area.Level.STREET},
    )
    community = models.ForeignKey(
        Area,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="complaints",
        limit_choices_to={"level": Area.Level.COMMUNITY},
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
    citizen_name = models.CharField(_("name"), max_length=32, blank=True)
    phone = PhoneField(_("mobile phone"), validators=[phones.validate_mobile])
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    priority = models.CharField(
        _("priority"),
        max_length=8,
        choices=Category.Priority.choices,
        default=Category.Priority.NORMAL,
    )
    squad = models.ForeignKey(
        Squad,
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="complaints",
    )
    assignee = models.ForeignKey(
        Member,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        db_index=False,
        null=True,
        blank=True,
        related_name="assigned_complaints",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    referral_to = models.CharField(_("referred to"), max_length=64, blank=True)
    resolution = models.TextField(_("result"), blank=True)
    method = models.CharField(
        _("method (721)"), max_length=16, choices=Method.choices, blank=True
    )
    satisfaction = models.CharField(
        _("satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    # Wrong last-4 digits typed with this reference on the tracking page or
    # API: someone guessing at the case, shown to the staff on the case page.
    tracking_failures = models.PositiveIntegerField(
        _("wrong tracking attempts"), default=0
    )

    # Indexed by complaint_kpi_idx below, which leads with it.
    submitted_at = models.DateTimeField(_("submitted at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by staff"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Deadlines (complaints.deadlines): working-time due moments per stage,
    # from the rule in force when the stage began.
    deadline_rule = models.ForeignKey(
        DeadlineRule,
        verbose_name=_("deadline rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accept_due_at = models.DateTimeField(_("accept by"), null=True, blank=True)
    dispatch_due_at = models.DateTimeField(_("dispatch by"), null=True, blank=True)
    sign_due_at = models.DateTimeField(_("sign by"), null=True, blank=True)
    dispose_due_at = models.DateTimeField(_("dispose by"), null=True, blank=True)
    verify_due_at = models.DateTimeField(_("verify by"), null=True, blank=True)
    stage_started_at = models.DateTimeField(
        _("current stage started at"), null=True, blank=True
    )
    current_due_at = models.DateTimeField(
        _("current stage due at"), null=True, blank=True
    )
    next_check_at = models.DateTimeField(
        _("next deadline check"),
        null=True,
        blank=True,
        help_text=_("The next reminder or escalation moment; empty when none."),
    )
    # Working time the stages took (complaints.deadlines.durations), stored
    # when the step happens: the dashboard's averages and medians add these up.
    accept_working_seconds = models.PositiveIntegerField(
        _("working seconds to accept"), null=True, blank=True
    )
    dispose_working_seconds = models.PositiveIntegerField(
        _("working seconds to dispose"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("reveal_phone", _("Can reveal citizens' phone numbers")),
            ("file_on_behalf", _("Can file complaints on a caller's behalf")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"], name="complaint_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="complaint_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="complaint_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(method="") | Q(method__in=Method.values),
                name="complaint_method_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False),
                name="complaint_duplicate_has_original",
            ),
        ]
        indexes = [
            # The dashboard's figures (dashboard.kpis) read a period's cases by
            # submission time and aggregate these columns: on PostgreSQL an
            # index-only scan that never reads the wide rows (docs/benchmarks.md).
            # Also every range and order on submitted_at alone.
            models.Index(
                fields=["submitted_at"],
                include=KPI_COLUMNS,
                name="complaint_kpi_idx",
            ),
            # Cases closed per day (the dashboard's daily chart).
            models.Index(
                fields=["closed_at"],
                include=["squad", "street", "dispatched_at", "assignee"],
                condition=Q(status="closed"),
                name="complaint_closed_idx",
            ),
            models.Index(fields=["status", "-submitted_at"]),
            models.Index(fields=["squad", "status", "-submitted_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["community", "category", "-submitted_at"]),
            models.Index(fields=["category", "-submitted_at"]),
            models.Index(fields=["channel", "-submitted_at"]),
            models.Index(fields=["phone"]),
            # The sweep reads only the cases whose next check has come, in
            # (next_check_at, id) order: a range scan that stops at its batch.
            models.Index(
                fields=["next_check_at", "id"],
                name="complaint_next_check_idx",
                condition=Q(next_check_at__isnull=False),
            ),
            # The deadline filters and the leaders' list by nearest due time.
            models.Index(
                fields=["current_due_at"],
                name="complaint_current_due_idx",
                condition=Q(current_due_at__isnull=False),
            ),
            models.Index(
                fields=["squad", "current_due_at"],
                name="complaint_squad_due_idx",
                condition=Q(current_due_at__isnull=False),
            ),
            # A unit leader's list (their unit's dispatched cases, nearest due
            # first, undated last): 50 rows read in order and counted from the
            # index, not every case of the unit joined and sorted.
            # (PostgreSQL puts NULLs last in an ascending index.)
            models.Index(
                fields=["squad", "current_due_at", "-submitted_at", "-id"],
                name="complaint_unit_list_idx",
                condition=Q(dispatched_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:

        return reverse("admin:complaints_complaint_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
