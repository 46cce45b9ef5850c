"""Reads of the outbox: a user's bell, and the rows an admin may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from citymgmt.notifications.models import Notification

# The attribute a user object carries when the bell's count was read with
# the user (`UNREAD_COUNT`, annotated by the login backend).
_REMEMBERED = "unread_site_notifications"


def site_notifications_for(*, user: Any) -> QuerySet[Notification]:
    """The user's own site notifications, newest first."""
    return Notification.objects.filter(
        user=user, channel=Notification.Channel.SITE
    ).order_by("-created_at", "-id")


def _unread() -> QuerySet[Notification]:
    return Notification.objects.filter(
        channel=Notification.Channel.SITE, read_at__isnull=True
    ).order_by()


# An annotation for a user queryset: the user's unread site notifications,
# so the bell costs no query of its own on a staff page.
UNREAD_COUNT = {
    _REMEMBERED: Coalesce(
        Subquery(
            _unread()
            .filter(user=OuterRef("pk"))
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
}


def unread_count(*, user: Any) -> int:
    """The bell's count: as read with the user for this request, if it was."""
    remembered = getattr(user, _REMEMBERED, None)
    if remembered is not None:
        return int(remembered)
    return _unread().filter(user=user).count()
