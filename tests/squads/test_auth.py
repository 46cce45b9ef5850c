"""The login backend reads a staff user with their member record in one query."""

from __future__ import annotations

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from squads.auth import StaffBackend
from squads.models import Member
from squads.roles import member_for, role_of
from tests.conftest import outer_table

pytestmark = pytest.mark.django_db


def test_the_user_and_their_member_and_unit_come_in_one_query(
    squad_leader, tree, django_assert_num_queries
):
    StaffBackend().get_user(squad_leader.pk)  # permission names, once per process
    with django_assert_num_queries(1):
        user = StaffBackend().get_user(squad_leader.pk)
        assert role_of(user=user) == Member.Role.SQUAD_LEADER
        assert member_for(user=user).squad.name == tree.unit_a.name


def test_a_member_made_inactive_has_no_role_on_the_next_request(
    squad_leader, django_assert_num_queries
):
    Member.objects.filter(user=squad_leader).update(is_active=False)
    with django_assert_num_queries(1):
        user = StaffBackend().get_user(squad_leader.pk)
        assert role_of(user=user) is None


def test_a_user_without_a_member_record_has_no_role_and_a_superuser_supervises(
    django_assert_num_queries,
):
    plain = get_user_model().objects.create_user("plain", password="x" * 20)
    boss = get_user_model().objects.create_superuser("boss", password="x" * 20)
    with django_assert_num_queries(2):
        assert role_of(user=StaffBackend().get_user(plain.pk)) is None
        assert role_of(user=StaffBackend().get_user(boss.pk)) == Member.Role.SUPERVISOR


def test_a_deactivated_account_is_signed_out(squad_leader):
    client = Client()
    assert client.login(username="leader_a", password="pw-12345")
    assert client.get("/admin/").status_code == 200
    get_user_model().objects.filter(pk=squad_leader.pk).update(is_active=False)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_staff_page_asks_no_second_query_for_the_role(squad_leader):
    client = Client()
    assert client.login(username="leader_a", password="pw-12345")
    assert client.session[BACKEND_SESSION_KEY] == "squads.auth.StaffBackend"
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/complaints/complaint/").status_code == 200
    tables = [outer_table(q["sql"]) for q in queries.captured_queries]
    assert Member._meta.db_table not in tables


def _django_permissions(user_pk: int) -> set[str]:
    """The set Django's own backend reads, with its two queries."""
    from django.contrib.auth.backends import ModelBackend

    fresh = get_user_model().objects.get(pk=user_pk)
    return ModelBackend().get_all_permissions(fresh)


def test_the_permissions_come_with_the_user_and_match_djangos(
    squad_leader, django_assert_num_queries
):
    from django.contrib.auth.models import Group, Permission

    # Their own permissions, their groups', and one they hold both ways.
    both = Permission.objects.get(codename="view_complaint")
    own_only = Permission.objects.get(codename="view_exportjob")
    group = Group.objects.create(name="督查抽检")
    group.permissions.add(both, Permission.objects.get(codename="view_campaign"))
    squad_leader.groups.add(group)
    squad_leader.user_permissions.add(both, own_only)
    expected = _django_permissions(squad_leader.pk)
    assert {"exports.view_exportjob", "campaigns.view_campaign"} <= expected
    StaffBackend().get_user(squad_leader.pk)  # the names are read once per process

    with django_assert_num_queries(1):
        user = StaffBackend().get_user(squad_leader.pk)
        assert user.get_all_permissions() == expected
        assert user.has_perm("exports.view_exportjob")
        assert user.has_perm("campaigns.view_campaign")
        assert not user.has_perm("auth.delete_user")


def test_a_user_with_no_permissions_has_none_and_asks_nothing_more(
    django_assert_num_queries,
):
    plain = get_user_model().objects.create_user("plain", password="x" * 20)
    with django_assert_num_queries(1):
        user = StaffBackend().get_user(plain.pk)
        assert user.get_all_permissions() == set()
        assert not user.has_perm("complaints.view_complaint")


def test_a_permission_granted_shows_on_the_next_request(squad_leader):
    from django.contrib.auth.models import Permission

    before = StaffBackend().get_user(squad_leader.pk)
    assert not before.has_perm("exports.view_exportjob")
    squad_leader.user_permissions.add(Permission.objects.get(codename="view_exportjob"))
    squad_leader.groups.clear()
    after = StaffBackend().get_user(squad_leader.pk)
    assert after.has_perm("exports.view_exportjob")
    assert after.get_all_permissions() == _django_permissions(squad_leader.pk)


def test_a_superuser_still_holds_every_permission():
    boss = get_user_model().objects.create_superuser("boss", password="x" * 20)
    user = StaffBackend().get_user(boss.pk)
    assert user.has_perm("auth.delete_user")
    assert user.has_perm("complaints.change_complaint")


def test_a_staff_page_reads_permissions_and_bell_with_the_user(squad_leader):
    from citymgmt.notifications.models import Notification

    client = Client()
    assert client.login(username="leader_a", password="pw-12345")
    client.get("/admin/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/complaints/complaint/")
    assert page.status_code == 200
    assert 'id="bell-count">0<' in page.text
    tables = [outer_table(q["sql"]) for q in queries.captured_queries]
    assert tables[:2] == ["django_session", get_user_model()._meta.db_table]
    assert "auth_permission" not in tables
    assert Notification._meta.db_table not in tables


def test_an_id_that_is_no_user_signs_nobody_in(squad_leader):
    assert StaffBackend().get_user("not-a-number") is None
    assert StaffBackend().get_user(squad_leader.pk + 1000) is None
    assert StaffBackend().get_user(str(squad_leader.pk)).pk == squad_leader.pk


def test_a_permission_made_after_the_names_were_read_is_known(squad_leader):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    StaffBackend().get_user(squad_leader.pk)  # the names of today's permissions
    made = Permission.objects.create(
        codename="audit_squad",
        name="Can audit a squad",
        content_type=ContentType.objects.get_by_natural_key("squads", "squad"),
    )
    squad_leader.user_permissions.add(made)
    user = StaffBackend().get_user(squad_leader.pk)
    assert user.has_perm("squads.audit_squad")
    assert user.get_all_permissions() == _django_permissions(squad_leader.pk)
