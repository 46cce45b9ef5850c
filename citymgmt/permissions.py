"""A user's permissions read in one query instead of Django's two, or none.

Django's `ModelBackend` reads a user's own permissions and their groups'
permissions with a query each, the first time a request asks `has_perm`;
every staff page asks. `OneQueryPermissions` is Django's backend (it checks
passwords the same way) that reads both with one `UNION ALL` into the same
per-user set Django keeps for the request (`_perm_cache`).

The login backend in `AUTHENTICATION_BACKENDS`, `squads.auth.StaffBackend`,
is this one, and reads the permissions with the user itself:
`permission_annotations()` adds to the user's statement the ids of their own
permissions and of their groups' (each comma-joined by the database, from
the link tables' indexes alone) and the permission table's size and highest
id; `remember_permissions` turns the ids into Django's names through a map
of the permission table kept per process (`_names_by_id`), read again when
the table's size or highest id is not what it was or an id is unknown.
Joining the permission and content-type tables in every staff request's
statement would cost PostgreSQL more to plan than the page's other
queries.
"""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast

_SEPARATOR = ","


class _Joined(Aggregate):
    """The rows' values joined with commas: GROUP_CONCAT on SQLite (whose
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


def _whole(rows: QuerySet[Any], **aggregate: Any) -> Subquery:
    """One aggregate over all of `rows`, as a scalar subquery."""
    ((name, expression),) = aggregate.items()
    return Subquery(
        rows.order_by()
        .annotate(whole=Value(1))
        .values("whole")
        .annotate(**{name: expression})
        .values(name)[:1],
        output_field=expression.output_field,
    )


def permission_annotations() -> dict[str, Any]:
    """Annotations for a user queryset that `remember_permissions` reads."""
    users = get_user_model()
    own = users.user_permissions.through.objects.filter(user_id=OuterRef("pk"))  # type: ignore[attr-defined]
    groups_of_user = users.groups.through.objects.filter(  # type: ignore[attr-defined]
        user_id=OuterRef(OuterRef("pk"))
    ).values("group_id")
    via_groups = Group.permissions.through.objects.filter(group_id__in=groups_of_user)
    ids = Cast("permission_id", output_field=CharField())
    return {
        "own_permission_ids": _whole(own, ids=_Joined(ids)),
        "group_permission_ids": _whole(via_groups, ids=_Joined(ids)),
        "permission_table_size": _whole(
            Permission.objects.all(), n=Count("pk", output_field=IntegerField())
        ),
        "permission_table_last": _whole(
            Permission.objects.all(), last=Max("pk", output_field=IntegerField())
        ),
    }


class _PermissionNames:
    """Django's names of the permissions by id, read once per process and
    again when the table is not the one they were read from."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._names: dict[int, str] = {}
        self._table: tuple[int, int] | None = None

    def of(self, ids: set[int], table: tuple[int, int]) -> set[str]:
        if not ids:
            return set()
        names, known = self._names, self._table
        if known != table or not ids <= names.keys():
            names = self._read()
        return {names[i] for i in ids if i in names}

    def _read(self) -> dict[int, str]:
        with self._lock:
            rows = Permission.objects.values_list(
                "pk", "content_type__app_label", "codename"
            )
            names = {pk: f"{app}.{codename}" for pk, app, codename in rows}
            self._names = names
            self._table = (len(names), max(names, default=0))
            return names

    def forget(self) -> None:
        self._names, self._table = {}, None


_names_by_id = _PermissionNames()


def _ids(joined: str | None) -> set[int]:
    return {int(part) for part in joined.split(_SEPARATOR)} if joined else set()


def remember_permissions(user_obj: Any) -> None:
    """Keep the permissions `permission_annotations` read with the user as
    the set Django's backend would read for them (`_perm_cache`).

    Superusers and inactive users are left to Django: it answers them
    without the set, or with every permission."""
    if user_obj.is_superuser or not user_obj.is_active:
        return
    ids = _ids(user_obj.own_permission_ids) | _ids(user_obj.group_permission_ids)
    table = (user_obj.permission_table_size or 0, user_obj.permission_table_last or 0)
    user_obj._perm_cache = _names_by_id.of(ids, table)


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
