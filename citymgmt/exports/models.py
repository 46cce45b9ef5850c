"""The export log: one row per export of a list, downloaded at once or queued."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("export", "queued")
    RUNNING = "running", pgettext_lazy("export", "running")
    DONE = "done", pgettext_lazy("export", "done")
    FAILED = "failed", pgettext_lazy("export", "failed")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (xlsx)")
    CSV = "csv", _("CSV")


# How long past the task's hard time limit a job may stay "running" before
# its page treats it as failed (a worker that died leaves it so).
STALE_AFTER = timedelta(minutes=35)


class ExportJob(models.Model):
    """An export of a list: who asked, what, and the file while it is kept."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    kind = models.CharField(_("list"), max_length=32)
    query = models.TextField(
        _("filters"),
        blank=True,
        help_text=_("The list's query string: its filters, search and order."),
    )
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    language = models.CharField(_("language"), max_length=16, default="zh-hans")
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=ExportStatus.choices,
        default=ExportStatus.QUEUED,
    )
    is_async = models.BooleanField(_("run as a task"), default=False)
    phones_revealed = models.BooleanField(
        _("full phone numbers"),
        default=False,
        help_text=_("The file holds citizens' full mobile numbers."),
    )
    total = models.PositiveIntegerField(_("rows to write"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    # A path under settings.EXPORT_ROOT; emptied when the file is deleted.
    file = models.CharField(_("file"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("file expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values),
                name="exportjob_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(format__in=ExportFormat.values),
                name="exportjob_format_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            # The sweep: kept files whose time is up.
            models.Index(
                fields=["expires_at"],
                name="exportjob_kept_file_idx",
                condition=~Q(file=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.format})"

    @property
    def is_stale(self) -> bool:
        """Running for longer than any task may run: its worker is gone."""
        return (
            self.status == ExportStatus.RUNNING
            and self.started_at is not None
            and self.started_at < timezone.now() - STALE_AFTER
        )

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.rows_written * 100 // self.total)
