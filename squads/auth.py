"""The staff login backend: the user read with their member record.

Every staff request asks for the user's role (`squads.roles.role_of`), and
the role lives on the member record. Django's backend reads the user by id
on each request, and the role then cost a second query. `StaffBackend`
reads both with one join and leaves the member where `roles.member_for`
looks first, so a request that asks for the role asks the database nothing
more. It is the only backend in `AUTHENTICATION_BACKENDS`: passwords and
permissions are checked as `OneQueryPermissions` (Django's `ModelBackend`
with the permissions read in one query) checks them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist

from citymgmt.permissions import OneQueryPermissions
from squads import roles


class StaffBackend(OneQueryPermissions):
    """Django's login, permissions in one query, the member read with the user."""

    def get_user(self, user_id: Any) -> Any:
        users = get_user_model()._default_manager.select_related("member__squad")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
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
        return user
