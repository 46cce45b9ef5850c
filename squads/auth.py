"""The staff login backend: the user read with all a staff page asks of them.

Every staff request asks for the user's role (`squads.roles.role_of`), which
lives on the member record, for their permissions, and on admin pages for
the bell's count. Django's backend reads the user by id on each request,
and each of those cost a query more. `StaffBackend` reads the user with
their member record and unit (one join), their permissions and their
unread site notifications (subqueries of the same statement), and leaves
each where its reader looks first: `roles.member_for`, Django's permission
cache (`citymgmt.permissions.remember_permissions`) and
`notifications.selectors.unread_count`. It is the only backend in
`AUTHENTICATION_BACKENDS`: passwords and permissions are checked as
`OneQueryPermissions` (Django's `ModelBackend` with the permissions read in
one query) checks them. The statement is compiled once per process and
thread (`citymgmt.compiled`): with its subqueries, building it costs more
than running it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from citymgmt.compiled import CompiledQueries, CompiledQuery, stand_ins
from citymgmt.notifications.selectors import UNREAD_COUNT
from citymgmt.permissions import (
    OneQueryPermissions,
    permission_annotations,
    remember_permissions,
)
from squads import roles

_COMPILED = CompiledQueries()


def _staff_user_query() -> CompiledQuery:
    stand_in = stand_ins(1)
    users = (
        get_user_model()
        ._default_manager.select_related("member__squad")
        .annotate(**permission_annotations(), **UNREAD_COUNT)
        .filter(pk=stand_in[0])
    )
    return CompiledQuery.of(users, stand_in)


class StaffBackend(OneQueryPermissions):
    """Django's login; the member, permissions and bell read with the user."""

    def get_user(self, user_id: Any) -> Any:
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)  # type: ignore[union-attr]
        except ValidationError:
            return None
        user = _COMPILED.get("staff user", _staff_user_query).first([pk])
        if user is None:
            return None
        if not self.user_can_authenticate(user):
            return None
        try:
            member = user.member
        except ObjectDoesNotExist:
            member = None
        roles.remember_member(
            user, member if member is not None and member.is_active else None
        )
        remember_permissions(user)
        return user
