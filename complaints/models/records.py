"""What a case keeps of its life: events, photos, extension requests, reminders."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models.choices import Action, Stage, Status
from complaints.models.complaint import Complaint


class ComplaintEvent(models.Model):
    """One step in a complaint's life: the audit trail and the citizen's timeline."""

    # No index of its own: (complaint, created_at) below leads with it.
    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,
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
