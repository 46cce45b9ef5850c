"""A user's permissions read in one query instead of Django's two, or none.

Django's `ModelBackend` reads a user's own permissions and their groups'
permissions with a query each, the first time a request asks `has_perm`;
every staff page asks. `OneQueryPermissions` is Django's backend (it checks
passwords the same way) that reads both with one `UNION ALL` into the same
per-user set Django keeps for the request (`_perm_cache`). The login
backend in `AUTHENTICATION_BACKENDS`, `squads.auth.StaffBackend`, is this
one; it reads the names with the user itself (`PERMISSION_NAMES`, two
aggregated subqueries in the user's query) and keeps them with
`remember_permissions`, so a staff request reads its permissions with no
query of its own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Aggregate, CharField, OuterRef, Subquery, Value
from django.db.models.functions import Concat

_SEPARATOR = ","


class _Names(Aggregate):
    """The rows' names joined with commas: GROUP_CONCAT on SQLite (whose
    default separator is the comma), STRING_AGG elsewhere."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template=f"%(function)s(%(expressions)s, '{_SEPARATOR}')",
            **extra_context,
        )


def _names_of(permissions: Any) -> Subquery:
    name = Concat("content_type__app_label", Value("."), "codename")
    return Subquery(
        permissions.order_by()
        .annotate(whole=Value(1))
        .values("whole")
        .annotate(names=_Names(name))
        .values("names")[:1],
        output_field=CharField(),
    )


# Annotations for a user queryset: the user's own permission names and
# their groups', each a comma-joined string or NULL.
PERMISSION_NAMES = {
    "own_permission_names": _names_of(Permission.objects.filter(user=OuterRef("pk"))),
    "group_permission_names": _names_of(
        Permission.objects.filter(group__user=OuterRef("pk"))
    ),
}


def remember_permissions(user_obj: Any) -> None:
    """Keep the names `PERMISSION_NAMES` read with the user as the set
    Django's backend would read for them (`_perm_cache`).

    Superusers and inactive users are left to Django: it answers them
    without the set, or with every permission."""
    own = getattr(user_obj, "own_permission_names", None)
    grouped = getattr(user_obj, "group_permission_names", None)
    if user_obj.is_superuser or not user_obj.is_active:
        return
    names = set(own.split(_SEPARATOR)) if own else set()
    if grouped:
        names.update(grouped.split(_SEPARATOR))
    user_obj._perm_cache = names


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
