"""Reads of the outbox: a user's bell, and the rows an admin may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from citymgmt.notifications.models import Notification


def site_notifications_for(*, user: Any) -> QuerySet[Notification]:
    """The user's own site notifications, newest first."""
    return Notification.objects.filter(
        user=user, channel=Notification.Channel.SITE
    ).order_by("-created_at", "-id")


def unread_count(*, user: Any) -> int:
    return (
        Notification.objects.filter(
            user=user, channel=Notification.Channel.SITE, read_at__isnull=True
        )
        .order_by()
        .count()
    )
