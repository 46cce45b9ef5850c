"""A user's permissions read in one query instead of Django's two.

Django's `ModelBackend` reads a user's own permissions and their groups'
permissions with a query each, the first time a request asks `has_perm`;
every staff page asks. `OneQueryPermissions` comes first in
`AUTHENTICATION_BACKENDS` and reads both with one `UNION ALL` into the same
per-user set Django's backend keeps for the request (`_perm_cache`), so
Django's backend, asked next, answers from that set without a query. It
authenticates no one: Django's backend checks passwords.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class OneQueryPermissions(ModelBackend):
    """Django's permission answers, the user's and their groups' read together."""

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        # Django's backend, next in the list, checks passwords.
        return None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if (
            not user_obj.is_active
            or user_obj.is_anonymous
            or obj is not None
            or user_obj.is_superuser
            or hasattr(user_obj, "_perm_cache")
        ):
            return super().get_all_permissions(user_obj, obj)
        columns = ("content_type__app_label", "codename")
        own = Permission.objects.filter(user=user_obj).values_list(*columns)
        via_groups = Permission.objects.filter(group__user=user_obj).values_list(
            *columns
        )
        rows = own.order_by().union(via_groups.order_by(), all=True)
        user_obj._perm_cache = {
            f"{app_label}.{codename}" for app_label, codename in rows
        }
        return user_obj._perm_cache  # type: ignore[no-any-return]
