"""The staff bell: the unread count of the user's site notifications."""

from __future__ import annotations

from django.http import HttpRequest

from citymgmt.notifications.selectors import unread_count


def bell(request: HttpRequest) -> dict[str, object]:
    """One COUNT query, only for staff on admin pages."""
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or not user.is_staff
        or not request.path.startswith("/admin/")
    ):
        return {}
    return {"bell_unread": unread_count(user=user)}
