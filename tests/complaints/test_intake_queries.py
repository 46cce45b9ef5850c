"""Filing costs a fixed number of SQL queries, on the form and on the API.

Counted inside the test's transaction: the service's transaction is a
savepoint here (SAVEPOINT and RELEASE, two of the counted queries), where a
server opens and commits it without a query of its own.
"""

from __future__ import annotations

import pytest

from complaints.models import Complaint
from tests.complaints.test_api import payload, post_json
from tests.complaints.test_intake import form_data, post

pytestmark = pytest.mark.usefixtures("empty_cache", "media_root")

# The form: categories, streets, communities; the counter, the routing and
# the deadline rule; the case, its event and its outbox row; the session.
FORM_POST_QUERIES = 16
# The API: the category and the community; the counter, the routing and the
# deadline rule; the case, its event and its outbox row; the unit's card.
API_CREATE_QUERIES = 11


def test_filing_on_the_form_takes_a_fixed_number_of_queries(
    tree, citizen, django_assert_num_queries
):
    post(citizen, form_data(tree))  # the session and the year's calendar read

    with django_assert_num_queries(FORM_POST_QUERIES):
        response = post(citizen, form_data(tree))

    assert response.status_code == 302
    assert Complaint.objects.count() == 2


def test_filing_on_the_api_takes_a_fixed_number_of_queries(
    tree, citizen, django_assert_num_queries
):
    post_json(citizen, "/api/v1/complaints/", payload())  # the year's calendar read

    with django_assert_num_queries(API_CREATE_QUERIES):
        response = post_json(citizen, "/api/v1/complaints/", payload())

    assert response.status_code == 201
    assert Complaint.objects.count() == 2
