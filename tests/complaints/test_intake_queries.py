"""Filing costs a fixed number of SQL queries, on the form and on the API.

Counted inside the test's transaction, which the filing's statement joins;
on a server, outside any, the statement is its own transaction (the last
test here).
"""

from __future__ import annotations

import pytest
from django.db import connection

from complaints.models import Complaint
from tests.complaints.factories import form_data
from tests.complaints.test_api import payload, post_json
from tests.complaints.test_intake import post

pytestmark = pytest.mark.usefixtures("empty_cache", "media_root")

# The categories, streets, communities, their units, the deadline rules and
# which units have a card are kept per process (read by the first filing).
# Both paths: the day's counter, the case, its event and its outbox row, one
# statement on PostgreSQL (citymgmt.compiled.rows_insert), four on SQLite.
# The browser's proof of the case goes into a signed cookie, not a session
# row (complaints.proofs).
FORM_POST_QUERIES = {"postgresql": 1, "sqlite": 4}
API_CREATE_QUERIES = {"postgresql": 1, "sqlite": 4}


def test_filing_on_the_form_takes_a_fixed_number_of_queries(
    tree, citizen, django_assert_num_queries
):
    data = form_data(tree)
    post(citizen, data)  # reads the calendar, the choices, the rules

    with django_assert_num_queries(FORM_POST_QUERIES[connection.vendor]):
        response = post(citizen, data)

    assert response.status_code == 302
    assert Complaint.objects.count() == 2


def test_filing_on_the_api_takes_a_fixed_number_of_queries(
    tree, citizen, django_assert_num_queries
):
    # The first filing reads the calendar, the choices and the rules.
    post_json(citizen, "/api/v1/complaints/", payload())

    with django_assert_num_queries(API_CREATE_QUERIES[connection.vendor]):
        response = post_json(citizen, "/api/v1/complaints/", payload())

    assert response.status_code == 201
    assert Complaint.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_filing_without_photos_is_one_round_trip_to_postgresql(
    require_postgres, tree, citizen
):
    data = form_data(tree)
    post(citizen, data)  # reads the calendar, the choices, the rules
    ran = []

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        ran.append((connection.get_autocommit(), connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        response = post(citizen, data)

    assert response.status_code == 302
    # One statement, in autocommit: the server begins and commits its
    # transaction without a BEGIN or a COMMIT from us.
    assert ran == [(True, False)]
    assert Complaint.objects.count() == 2
    assert sorted(Complaint.objects.values_list("reference", flat=True))[-1].endswith(
        "-0002"
    )
