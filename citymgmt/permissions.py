"""A user's permissions read in one query instead of Django's two.

Django's `ModelBackend` reads a user's own permissions and their groups'
permissions with a query each, the first time a request asks `has_perm`;
every staff page asks. `OneQueryPermissions` is Django's backend (it checks
passwords the same way) that reads both with one `UNION ALL` into the same
per-user set Django keeps for the request (`_perm_cache`). The login
backend in `AUTHENTICATION_BACKENDS`, `squads.auth.StaffBackend`, is this
one, reading the user's member record with the user as well.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class OneQueryPermissions(ModelBackend):
    """Django's permission answers, the user's and their groups' read together."""

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
