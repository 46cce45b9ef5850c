"""Categories, complaints, their audit trail and their photos."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from citymgmt import phones
from squads.models import Area, Member, PhoneField, Squad


class Category(models.Model):
    """A 城管 category from GB/T 47678.5-2026 (or a local addition)."""

    class MajorClass(models.TextChoices):
        MUNICIPAL = "01", _("municipal utilities")
        TRAFFIC = "02", _("traffic facilities")
        SANITATION = "03", _("sanitation facilities")
        GREENING = "04", _("greening facilities")
        OTHER_PARTS = "05", _("other managed parts")
        APPEARANCE = "06", _("city appearance")
        ADVERTISING = "07", _("advertising")
        CONSTRUCTION = "08", _("construction management")
        STREET_ORDER = "09", _("street order")
        OTHER = "10", _("other matters")

    class Priority(models.TextChoices):
        NORMAL = "normal", _("normal")
        URGENT = "urgent", _("urgent")

    code = models.CharField(
        _("code"),
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^\d{5}$", _("A category code is 5 digits."))],
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=64)
    major_class = models.CharField(
        _("major class"), max_length=2, choices=MajorClass.choices
    )
    standard_ref = models.CharField(
        _("standard"), max_length=32, default="GB/T 47678.5-2026"
    )
    is_active = models.BooleanField(_("active"), default=True)
    default_priority = models.CharField(
        _("default priority"),
        max_length=8,
        choices=Priority.choices,
        default=Priority.NORMAL,
    )
    referral_to = models.CharField(
        _("usually handled by"),
        max_length=64,
        blank=True,
        help_text=_("A department outside the bureau; citizens see the notice."),
    )
    notice_zh = models.TextField(_("notice (Chinese)"), blank=True)
    notice_en = models.TextField(_("notice (English)"), blank=True)
    requires_disposal_photos = models.BooleanField(
        _("before and after photos required"), default=True
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(major_class__in=[str(n).zfill(2) for n in range(1, 11)]),
                name="category_major_class_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    @property
    def notice(self) -> str:
        if (get_language() or "").startswith("en"):
            return self.notice_en or self.notice_zh
        return self.notice_zh


# Working-time limits above these are not deadlines (a case that needs longer is
# split or extended).
MAX_RULE_HOURS = 480
MAX_RULE_DAYS = 60


def parse_thresholds(text: str) -> list[int]:
    """Read "50,80" into [50, 80]; raise ValidationError with the reason."""
    from django.core.exceptions import ValidationError

    parts = [p.strip() for p in (text or "").replace("，", ",").split(",")]
    parts = [p for p in parts if p]
    values: list[int] = []
    for part in parts:
        if not part.isdigit():
            raise ValidationError(
                _(
                    "Write the reminder thresholds as whole percentages separated "
                    "by commas, for example 50,80."
                )
            )
        values.append(int(part))
    if any(v < 1 or v > 99 for v in values):
        raise ValidationError(
            _(
                "Each reminder threshold is a percentage from 1 to 99 (100 is the "
                "deadline itself)."
            )
        )
    if values != sorted(set(values)):
        raise ValidationError(
            _("List the reminder thresholds in ascending order, each once.")
        )
    return values


class DeadlineRule(models.Model):
    """Working-time limits for each stage of a case of a category and priority.

    A rule without a category is the default for its priority. Acceptance
    runs from submission, dispatch from acceptance, signing and disposal from
    dispatch, verification from disposal.
    """

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadline_rules",
        help_text=_("Empty: the default rule for every category of this priority."),
    )
    priority = models.CharField(
        _("priority"),
        max_length=8,
        choices=Category.Priority.choices,
        default=Category.Priority.NORMAL,
    )
    accept_hours = models.DecimalField(
        _("accept within (working hours)"),
        max_digits=6,
        decimal_places=2,
        help_text=_("From submission."),
    )
    dispatch_hours = models.DecimalField(
        _("dispatch within (working hours)"),
        max_digits=6,
        decimal_places=2,
        help_text=_("From acceptance."),
    )
    sign_hours = models.DecimalField(
        _("sign within (working hours)"),
        max_digits=6,
        decimal_places=2,
        help_text=_("From dispatch."),
    )
    dispose_hours = models.DecimalField(
        _("dispose within (working hours)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("From dispatch. Give hours or days, not both."),
    )
    dispose_days = models.PositiveSmallIntegerField(
        _("dispose within (working days)"),
        null=True,
        blank=True,
        help_text=_("From dispatch. Give hours or days, not both."),
    )
    verify_hours = models.DecimalField(
        _("verify within (working hours)"),
        max_digits=6,
        decimal_places=2,
        help_text=_("From disposal."),
    )
    reminder_thresholds = models.CharField(
        _("reminders at (percent of each stage)"),
        max_length=32,
        default="50,80",
        blank=True,
        help_text=_(
            "Percentages of a stage's working time, ascending, e.g. 50,80. At "
            "100 the case is overdue; one working day later the supervisors "
            "are told."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("Where the limits come from, e.g. a local regulation."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = [models.F("category__code").asc(nulls_first=True), "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "priority"],
                condition=Q(category__isnull=False),
                name="deadlinerule_unique_category_priority",
                violation_error_message=_(
                    "This category already has a rule for this priority."
                ),
            ),
            models.UniqueConstraint(
                fields=["priority"],
                condition=Q(category__isnull=True),
                name="deadlinerule_unique_default_priority",
                violation_error_message=_(
                    "There is already a default rule for this priority."
                ),
            ),
            models.CheckConstraint(
                condition=Q(dispose_hours__isnull=True) ^ Q(dispose_days__isnull=True),
                name="deadlinerule_dispose_hours_xor_days",
            ),
            models.CheckConstraint(
                condition=Q(priority__in=["normal", "urgent"]),
                name="deadlinerule_priority_valid",
            ),
        ]

    def __str__(self) -> str:
        what = str(self.category) if self.category_id else _("default")
        return f"{what} · {self.get_priority_display()}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, list] = {}
        hour_fields = [
            "accept_hours",
            "dispatch_hours",
            "sign_hours",
            "dispose_hours",
            "verify_hours",
        ]
        for name in hour_fields:
            value = getattr(self, name)
            if value is None:
                continue
            if value <= 0:
                errors.setdefault(name, []).append(
                    _(
                        "A limit must be more than zero working hours; a negative "
                        "or zero limit makes every case overdue at once."
                    )
                )
            elif value > MAX_RULE_HOURS:
                errors.setdefault(name, []).append(
                    _(
                        "A limit over %(hours)d working hours is not a deadline; "
                        "split the case or use an extension."
                    )
                    % {"hours": MAX_RULE_HOURS}
                )
        if self.dispose_days is not None:
            if self.dispose_days <= 0:
                errors.setdefault("dispose_days", []).append(
                    _("A limit must be at least one working day.")
                )
            elif self.dispose_days > MAX_RULE_DAYS:
                errors.setdefault("dispose_days", []).append(
                    _(
                        "A limit over %(days)d working days is not a deadline; "
                        "split the case or use an extension."
                    )
                    % {"days": MAX_RULE_DAYS}
                )
        if self.dispose_hours is None and self.dispose_days is None:
            errors.setdefault("dispose_days", []).append(
                _("Give the disposal limit in working hours or in working days.")
            )
        elif self.dispose_hours is not None and self.dispose_days is not None:
            errors.setdefault("dispose_days", []).append(
                _("Give the disposal limit in hours or in days, not both.")
            )
        try:
            self.reminder_thresholds = ",".join(
                str(v) for v in parse_thresholds(self.reminder_thresholds)
            )
        except ValidationError as exc:
            errors.setdefault("reminder_thresholds", []).extend(exc.messages)
        if errors:
            raise ValidationError(errors)

    @property
    def thresholds(self) -> list[int]:
        try:
            return parse_thresholds(self.reminder_thresholds)
        except Exception:  # noqa: BLE001 - a stored value is checked on save
            return [50, 80]


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting acceptance")
    REGISTERED = "registered", _("registered")
    DISPATCHED = "dispatched", _("dispatched")
    PROCESSING = "processing", _("being handled")
    DISPOSED = "disposed", _("awaiting verification")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("not accepted")
    DUPLICATE = "duplicate", _("duplicate")
    CANCELLED = "cancelled", _("cancelled")


OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.REGISTERED,
        Status.DISPATCHED,
        Status.PROCESSING,
        Status.DISPOSED,
    }
)


class Stage(models.TextChoices):
    """The clocked stages of an open case, each with its own due moment."""

    ACCEPT = "accept", _("acceptance")
    DISPATCH = "dispatch", _("dispatch")
    SIGN = "sign", _("signing")
    DISPOSE = "dispose", _("disposal")
    VERIFY = "verify", _("verification")


class Channel(models.TextChoices):
    WEB = "web", _("web")
    OPEN311 = "open311", _("Open311")
    HOTLINE_12345 = "hotline_12345", _("12345 hotline")
    WALK_IN = "walk_in", _("walk-in")
    PATROL = "patrol", _("patrol")
    PHONE = "phone", _("phone")


class RequestType(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    REPORT = "report", _("report")
    INQUIRY = "inquiry", _("inquiry")
    HELP = "help", _("request for help")
    SUGGESTION = "suggestion", _("suggestion")


class Method(models.TextChoices):
    """The 721 method: service first, then management, enforcement last."""

    SERVICE = "service", _("service")
    MANAGEMENT = "management", _("management")
    ENFORCEMENT = "enforcement", _("enforcement")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


class DailySequence(models.Model):
    """The last reference number handed out on a day (Asia/Shanghai)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily sequence")
        verbose_name_plural = _("daily sequences")

    def __str__(self) -> str:
        return f"{self.day:%Y%m%d}: {self.last}"


class Complaint(models.Model):
    """A citizen's complaint, report, inquiry, request or suggestion."""

    reference = models.CharField(_("reference"), max_length=16, unique=True)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB
    )
    request_type = models.CharField(
        _("request type"),
        max_length=16,
        choices=RequestType.choices,
        default=RequestType.COMPLAINT,
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT
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
        null=True,
        blank=True,
        related_name="complaints",
    )
    assignee = models.ForeignKey(
        Member,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
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

    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
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

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("reveal_phone", _("Can reveal citizens' phone numbers")),
            ("file_on_behalf", _("Can file complaints on a caller's behalf")),
        ]
        constraints = [
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
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("admin:complaints_complaint_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Action(models.TextChoices):
    """What an event records: a workflow action or another step in a case's life.

    The labels are what staff read on buttons and in the timeline; the
    per-action rules live in `complaints.workflow.ACTIONS`.
    """

    SUBMIT = "submit", _("Filed")
    ACCEPT = "accept", _("Accept")
    REJECT = "reject", _("Reject")
    MERGE = "merge", _("Merge as duplicate")
    DISPATCH = "dispatch", _("Dispatch")
    SIGN = "sign", _("Sign for")
    ASSIGN = "assign", _("Assign an officer")
    DISPOSE = "dispose", _("Report handling")
    RETURN = "return", _("Return (not our jurisdiction)")
    VERIFY = "verify", _("Verify and close")
    REWORK = "rework", _("Send back for rework")
    CANCEL = "cancel", _("Cancel")
    REOPEN = "reopen", _("Reopen (citizen dissatisfied)")
    RATE = "rate", _("Rated by the citizen")
    REVEAL_PHONE = "reveal_phone", _("Phone number revealed")
    EXTENSION_REQUEST = "extension_request", _("Extension requested")
    EXTENSION_DECIDE = "extension_decide", _("Extension decided")


class ComplaintEvent(models.Model):
    """One step in a complaint's life: the audit trail and the citizen's timeline."""

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    from_status = models.CharField(
        _("from"), max_length=16, choices=Status.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=16, choices=Status.choices, blank=True
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
    opinion = models.TextField(_("opinion"), blank=True)
    is_public = models.BooleanField(_("shown to the citizen"), default=False)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=Action.values),
                name="complaintevent_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"complaints/{instance.created_at:%Y/%m}/{filename}"


class Attachment(models.Model):
    """A photo or document on a complaint, stored re-encoded without metadata."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("citizen's photo")
        BEFORE = "before", _("before handling")
        AFTER = "after", _("after handling")
        DOCUMENT = "document", _("document")

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    event = models.ForeignKey(
        ComplaintEvent,
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=attachment_path, max_length=200, blank=True
    )
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class ExtensionRequest(models.Model):
    """A unit's request for more time to dispose of a case (延期), and its decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("lapsed")

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="extension_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), validators=[MaxLengthValidator(1000)])
    working_days = models.PositiveSmallIntegerField(
        _("working days requested"),
        validators=[MinValueValidator(1), MaxValueValidator(15)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    old_due_at = models.DateTimeField(_("disposal due before"), null=True, blank=True)
    new_due_at = models.DateTimeField(_("disposal due after"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("requested at"))

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "approved", "rejected", "withdrawn"]
                ),
                name="extension_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(working_days__gte=1) & Q(working_days__lte=15),
                name="extension_days_range",
            ),
            # One open request per case at a time; its index also finds the
            # pending requests for the admin filter.
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(status="pending"),
                name="extension_one_pending_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} +{self.working_days}"


class Reminder(models.Model):
    """A deadline reminder that went out: the key that makes each one exactly-once.

    One row per (case, stage, threshold, due moment); a second sweep, a second
    worker or a re-run after a crash finds the row and sends nothing.
    """

    class Threshold(models.TextChoices):
        OVERDUE = "100", _("overdue")
        ESCALATED = "escalated", _("escalated (one working day overdue)")

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    threshold = models.CharField(
        _("threshold"),
        max_length=10,
        help_text=_("A percentage of the stage's time, 100 (overdue) or escalated."),
    )
    due_at = models.DateTimeField(_("due at"))
    # The sweep that inserted the row: it sends the messages of its own rows only.
    claim = models.UUIDField(_("claimed by sweep"), db_index=True)
    created_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "stage", "threshold", "due_at"],
                name="reminder_once_per_case_stage_threshold_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.stage} {self.threshold}"
