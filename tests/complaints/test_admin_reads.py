"""The staff case page reads the case once, with every row it shows joined."""

from __future__ import annotations

import pytest

from tests.complaints.factories import submit, walk_to

pytestmark = pytest.mark.usefixtures("empty_cache")

# Session, user, member (the role), the case with its joins, its photos, the
# user's permissions (2), its events with their actors, the bell.
CLOSED_CASE_QUERIES = 9


def change_url(complaint) -> str:
    return f"/admin/complaints/complaint/{complaint.pk}/change/"


def test_closed_case_page_reads_the_case_once(
    client_for, tree, users, django_assert_num_queries
):
    case = walk_to(submit(tree), "closed", users)
    c = client_for(users["dispatcher"])
    c.get(change_url(case))  # the content types are cached per process
    with django_assert_num_queries(CLOSED_CASE_QUERIES):
        response = c.get(change_url(case))
    page = response.content.decode()
    assert response.status_code == 200
    assert case.reference in page
    assert tree.community_a.name in page
    assert case.street.name in page
    assert case.squad.name in page


def test_case_page_queries_do_not_grow_with_the_events(
    client_for, tree, users, django_assert_num_queries
):
    dispatched = walk_to(submit(tree), "dispatched", users)
    disposed = walk_to(submit(tree), "disposed", users)
    c = client_for(users["squad_leader"])
    c.get(change_url(dispatched))
    # The leader's unit tree (2 levels), and the duplicate candidates an
    # open case looks up.
    with django_assert_num_queries(12) as few:
        assert c.get(change_url(dispatched)).status_code == 200
    with django_assert_num_queries(len(few)):
        response = c.get(change_url(disposed))
    assert disposed.reference in response.content.decode()
