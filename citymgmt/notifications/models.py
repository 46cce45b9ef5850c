"""The outbox: one row per message to send, written with the event that causes it."""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to a citizen or a member of staff, and how its delivery went."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("email")
        SITE = "site", _("staff bell")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    channel = models.CharField(
        _("delivery channel"), max_length=8, choices=Channel.choices
    )
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    template = models.CharField(_("template"), max_length=48)
    context = models.JSONField(_("context"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    dedupe_key = models.CharField(
        _("deduplication key"), max_length=200, null=True, blank=True
    )  # unique by the constraint in Meta: no LIKE index beside it
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep: due pending rows, and rows stuck in sending.
            models.Index(
                fields=["status", "next_attempt_at"], name="notif_status_next_idx"
            ),
            # The bell: a user's unread site notifications.
            models.Index(
                fields=["user", "read_at"],
                name="notif_user_unread_idx",
                condition=Q(channel="site"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="notif_dedupe_unique"),
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "sending", "sent", "failed", "cancelled"]
                ),
                name="notif_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["sms", "email", "site"]),
                name="notif_channel_valid",
            ),
            models.CheckConstraint(
                condition=~Q(channel="site") | Q(user__isnull=False),
                name="notif_site_has_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.template} #{self.pk}"

    @property
    def delivery_key(self) -> str:
        """The same for every delivery of this row, so a receiver can drop a repeat.

        The moment the row was written is part of it: ids start again after a
        restore from backup, and a new message must not look like an old one.
        """
        written = self.created_at.astimezone(UTC)
        return f"outbox-{self.pk}-{written:%Y%m%d%H%M%S%f}"
