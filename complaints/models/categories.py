"""Categories (GB/T 47678.5-2026) and the deadline rules per category and priority."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


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
# The reminder percentages of a new rule, of a rule whose stored value can't be
# read, and of a case without a rule.
DEFAULT_REMINDER_THRESHOLDS: tuple[int, ...] = (50, 80)


def parse_thresholds(text: str) -> list[int]:
    """Read "50,80" into [50, 80]; raise ValidationError with the reason."""

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
        default=",".join(str(p) for p in DEFAULT_REMINDER_THRESHOLDS),
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
            return list(DEFAULT_REMINDER_THRESHOLDS)
