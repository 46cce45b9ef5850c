"""The staff bell: each user's unread count in the admin header, and their list."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory

from citymgmt.notifications.context_processors import bell
from citymgmt.notifications.services import notify
from tests.conftest import EN, outer_table

pytestmark = pytest.mark.django_db

MINE = "/admin/notifications/notification/mine/"


def overdue(user, reference: str):
    return notify(
        channel="site",
        template="deadline_overdue",
        context={
            "reference": reference,
            "stage": "dispose",
            "due_at": "2026-11-23T15:30:00+08:00",
        },
        user=user,
    )


def bell_count(html: str) -> int:
    match = re.search(r'id="bell-count">(\d+)<', html)
    assert match, "no bell in the header"
    return int(match.group(1))


def test_the_header_shows_the_users_own_unread_count(
    dispatcher, supervisor, client_for
):
    overdue(dispatcher, "20261123-0001")
    overdue(dispatcher, "20261123-0002")
    overdue(supervisor, "20261123-0003")

    assert bell_count(client_for(dispatcher).get("/admin/", **EN).text) == 2
    assert bell_count(client_for(supervisor).get("/admin/", **EN).text) == 1


def test_the_list_shows_only_the_users_own_newest_first_with_unread_marked(
    dispatcher, supervisor, client_for
):
    overdue(dispatcher, "20261123-0001")
    overdue(dispatcher, "20261123-0002")
    overdue(supervisor, "20261123-0003")

    page = client_for(dispatcher).get(MINE, **EN)

    assert page.status_code == 200
    assert "20261123-0003" not in page.text
    assert page.text.index("20261123-0002") < page.text.index("20261123-0001")
    assert page.text.count("bell-item-unread") == 2
    assert "2 unread notifications" in page.text


def test_mark_all_as_read_zeroes_the_count_and_leaves_others_alone(
    dispatcher, supervisor, client_for
):
    overdue(dispatcher, "20261123-0001")
    overdue(supervisor, "20261123-0003")
    desk = client_for(dispatcher)

    answer = desk.post(MINE, **EN, follow=True)

    assert "1 notification marked as read." in answer.text
    assert bell_count(answer.text) == 0
    assert "bell-item-unread" not in answer.text
    assert "20261123-0001" in answer.text  # still listed, as read
    assert bell_count(client_for(supervisor).get("/admin/", **EN).text) == 1


def test_every_staff_member_has_a_bell_whatever_their_permissions(officer, client_for):
    overdue(officer, "20261123-0001")
    field_officer = client_for(officer)

    assert field_officer.get(MINE, **EN).status_code == 200
    # The outbox itself is for the desk and supervisors only.
    assert (
        field_officer.get("/admin/notifications/notification/", **EN).status_code == 403
    )


def test_someone_signed_out_is_sent_to_the_login(citizen):
    answer = citizen.get(MINE)
    assert answer.status_code == 302
    assert "/admin/login/" in answer["Location"]


def test_the_bell_costs_one_query_on_admin_pages_and_none_elsewhere(
    dispatcher, django_assert_num_queries
):
    factory = RequestFactory()
    on_admin = factory.get("/admin/")
    on_admin.user = dispatcher
    elsewhere = factory.get("/complaints/new/")
    elsewhere.user = dispatcher

    with django_assert_num_queries(1):
        assert bell(on_admin) == {"bell_unread": 0}
    with django_assert_num_queries(0):
        assert bell(elsewhere) == {}


def test_the_count_follows_each_request_without_a_query_of_its_own(
    dispatcher, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from citymgmt.notifications.models import Notification

    desk = client_for(dispatcher)
    assert bell_count(desk.get("/admin/", **EN).text) == 0
    overdue(dispatcher, "20261123-0001")
    with CaptureQueriesContext(connection) as queries:
        assert bell_count(desk.get("/admin/", **EN).text) == 1
    tables = [outer_table(q["sql"]) for q in queries.captured_queries]
    assert Notification._meta.db_table not in tables
    overdue(dispatcher, "20261123-0002")
    assert bell_count(desk.get("/admin/", **EN).text) == 2
