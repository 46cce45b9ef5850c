"""A user's permissions, their own and their groups', come from one query."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client

pytestmark = pytest.mark.django_db


def _permission(codename: str) -> Permission:
    return Permission.objects.get(
        content_type__app_label="complaints", codename=codename
    )


@pytest.fixture
def clerk():
    user = get_user_model().objects.create_user(
        "clerk", password="a long enough password 42", is_staff=True
    )
    user.user_permissions.add(_permission("reveal_phone"))
    group = Group.objects.create(name="readers")
    group.permissions.add(_permission("view_complaint"))
    user.groups.add(group)
    return get_user_model().objects.get(pk=user.pk)


def test_it_answers_from_the_users_and_the_groups_permissions_in_one_query(
    clerk, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert clerk.has_perm("complaints.reveal_phone")
        assert clerk.has_perm("complaints.view_complaint")
        assert not clerk.has_perm("complaints.add_complaint")
        assert clerk.has_module_perms("complaints")
        assert not clerk.has_module_perms("squads")
    assert clerk.get_all_permissions() == {
        "complaints.reveal_phone",
        "complaints.view_complaint",
    }


def test_an_inactive_user_has_no_permission(clerk, django_assert_num_queries):
    clerk.is_active = False
    with django_assert_num_queries(0):
        assert not clerk.has_perm("complaints.reveal_phone")
        assert not clerk.has_perm("complaints.view_complaint")


def test_a_superuser_has_every_permission():
    boss = get_user_model().objects.create_superuser("boss", password="x" * 20)
    assert boss.has_perm("complaints.reveal_phone")
    assert boss.has_perm("squads.change_squad")


def test_a_permission_granted_later_counts_on_the_next_request(clerk):
    assert not clerk.has_perm("complaints.add_complaint")
    clerk.user_permissions.add(_permission("add_complaint"))
    assert (
        get_user_model().objects.get(pk=clerk.pk).has_perm("complaints.add_complaint")
    )


def test_people_still_log_in_with_their_password(clerk):
    client = Client()
    assert not client.login(username="clerk", password="a wrong password")
    assert client.login(username="clerk", password="a long enough password 42")
    assert client.get("/admin/").status_code == 200
