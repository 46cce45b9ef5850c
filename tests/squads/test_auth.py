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

pytestmark = pytest.mark.django_db


def _reads_of(table: str, queries) -> list[str]:
    return [
        q["sql"] for q in queries if q["sql"].startswith("SELECT") and table in q["sql"]
    ]


def test_the_user_and_their_member_and_unit_come_in_one_query(
    squad_leader, tree, django_assert_num_queries
):
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
    member_table = Member._meta.db_table
    assert not [
        sql
        for sql in _reads_of(member_table, queries.captured_queries)
        if sql.split(" FROM ", 1)[1].lstrip('"').startswith(member_table)
    ]
