"""Staff reads of stall requests, within the user's unit scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from squads.roles import role_of, squad_ids_in_scope
from vendors.models import StallRequest


def stall_requests_visible_to(*, user: Any) -> QuerySet[StallRequest]:
    """The requests of the units in the user's scope; the desk sees all."""
    queryset = StallRequest.objects.select_related("market", "squad")
    if not getattr(user, "is_authenticated", False) or role_of(user=user) is None:
        return queryset.none()
    scope = squad_ids_in_scope(user=user)
    if scope is None:
        return queryset
    return queryset.filter(squad_id__in=scope)
