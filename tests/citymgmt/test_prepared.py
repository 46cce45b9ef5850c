"""The compiled queries prepared once per PostgreSQL connection
(citymgmt.compiled): the case page reads the same, the server plans each
statement once, and a statement it will not prepare still runs."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext

from citymgmt.compiled import CompiledQuery, stand_ins
from complaints.models import Category
from tests.complaints.factories import submit

pytestmark = [pytest.mark.usefixtures("media_root", "require_postgres")]


def _prepared() -> dict[str, object]:
    """The statements prepared on this connection, by name: when each was."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, prepare_time FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def _case_page(tree, dispatcher, client_for):
    complaint = submit(tree)
    client = client_for(dispatcher)
    return client, f"/admin/complaints/complaint/{complaint.pk}/change/", complaint


def test_the_case_page_prepares_its_statements_once(
    tree, dispatcher, client_for, settings
):
    settings.PREPARED_QUERIES = True
    client, path, complaint = _case_page(tree, dispatcher, client_for)
    first = client.get(path)
    assert first.status_code == 200
    prepared = _prepared()
    # The user, the case, its photos and its timeline.
    assert len(prepared) >= 4
    with CaptureQueriesContext(connection) as seen:
        again = client.get(path)
    assert again.status_code == 200
    assert complaint.reference in again.content.decode()
    # Planned once: the second request prepared nothing again.
    assert _prepared() == prepared
    executed = [q["sql"] for q in seen.captured_queries if "EXECUTE cd_" in q["sql"]]
    assert len(executed) == 4
    # The statement sent carries its SQL, so a log reads what ran.
    assert all(sql.startswith("/* SELECT ") for sql in executed)
    assert not any(q["sql"].startswith("PREPARE") for q in seen.captured_queries)


def test_the_page_reads_the_same_prepared_or_not(
    tree, dispatcher, client_for, settings
):
    settings.PREPARED_QUERIES = True
    client, path, complaint = _case_page(tree, dispatcher, client_for)
    client.get(path)
    prepared_page = client.get(path).content.decode()
    settings.PREPARED_QUERIES = False
    with CaptureQueriesContext(connection) as seen:
        plain_page = client.get(path).content.decode()
    assert not any("EXECUTE cd_" in q["sql"] for q in seen.captured_queries)
    token = 'name="csrfmiddlewaretoken" value="'

    def without_tokens(page: str) -> str:
        parts = page.split(token)
        return parts[0] + "".join(part.split('"', 1)[1] for part in parts[1:])

    assert without_tokens(prepared_page) == without_tokens(plain_page)
    assert complaint.reference in plain_page


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again(tree, dispatcher, client_for, settings):
    settings.PREPARED_QUERIES = True
    client, path, _ = _case_page(tree, dispatcher, client_for)
    assert client.get(path).status_code == 200
    assert len(_prepared()) >= 4
    # A kept connection that is closed (its age reached, or broken): the next
    # request connects anew, with nothing prepared on it yet.
    connection.close()
    assert client.get(path).status_code == 200
    assert len(_prepared()) >= 4


def test_connections_closed_after_each_request_do_not_prepare(
    tree, dispatcher, client_for, settings
):
    settings.PREPARED_QUERIES = None
    assert connection.settings_dict["CONN_MAX_AGE"] == 0
    client, path, _ = _case_page(tree, dispatcher, client_for)
    before = _prepared()
    with CaptureQueriesContext(connection) as seen:
        assert client.get(path).status_code == 200
    assert not any("EXECUTE cd_" in q["sql"] for q in seen.captured_queries)
    assert _prepared() == before


def test_a_statement_the_server_will_not_prepare_runs_plain(tree, settings, caplog):
    settings.PREPARED_QUERIES = True
    # `$1 IS NULL`: a parameter whose type the server cannot infer.
    stand_in = stand_ins(1)
    query = CompiledQuery.of(
        Category.objects.annotate(
            unset=RawSQL("%s IS NULL", [stand_in[0]], output_field=BooleanField())
        )
        .filter(code="09006")
        .values_list("code", "unset"),
        stand_in,
    )
    with caplog.at_level(logging.WARNING, logger="citymgmt.compiled"):
        assert query.rows([7]) == [("09006", False)]
    assert "not prepared" in caplog.text
    # The transaction the test runs in is still usable, and the next run
    # goes straight to the plain SQL.
    assert Category.objects.filter(code="09006").exists()
    assert query.rows([None]) == [("09006", True)]
