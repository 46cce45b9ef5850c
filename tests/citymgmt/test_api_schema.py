"""Schemathesis over /api/schema/: the OpenAPI document tells the truth.

A live server on PostgreSQL answers requests generated from the schema, as
an anonymous citizen, a dispatcher and a squad leader (each with an API
token), 25 valid and 25 invalid requests per operation. No answer may be a
server error, have a status the operation does not document, or have a body
that does not match the schema documented for its status (the error format
included). The operations run one by one through Hypothesis here rather than
through schemathesis' pytest plugin, whose lazy fixture loader does not run
under pytest 9.2.
"""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from complaints.models import Category, Status
from tests.complaints.factories import submit, walk_to
from tests.conftest import need
from tests.squads.factories import CommunityFactory

# Examples per operation and identity: enough to walk every error path of an
# operation, few enough that the three runs stay within a couple of minutes.
EXAMPLES = 25
# No 5xx; the body matches the schema of its status; and the status is one the
# operation documents.
CHECKS = (not_a_server_error, response_schema_conformance, status_code_conformance)


def _references(tree, users) -> list[str]:
    """A case in each of several states, for the operations that take one."""
    states = (Status.SUBMITTED, Status.DISPATCHED, Status.DISPOSED, Status.CLOSED)
    return [walk_to(submit(tree), status, users).reference for status in states]


@pytest.fixture(params=["anonymous", "dispatcher", "squad_leader"])
def api_schema(request, live_server, settings, empty_cache, media_root, tree, users):
    """The schema as the live server serves it, and who the requests come from."""
    need(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    # The filing and tracking limits of one address would answer every request
    # after the first few with 429 (documented, and checked at the shipped
    # limits by the API tests); raise them so the run reaches the operations.
    settings.COMPLAINT_SUBMIT_RATE = (100_000, 600)
    settings.COMPLAINT_TRACK_RATE = (100_000, 60)
    settings.STALL_REQUEST_RATE = (100_000, 600)
    real = {
        "code": [
            tree.community_a.code,
            tree.street.code,
            tree.unit_a.code,
            Category.objects.filter(is_active=True).values_list("code", flat=True)[0],
        ],
        "reference": _references(tree, users),
    }
    headers = {}
    if request.param != "anonymous":
        token = Token.objects.create(user=users[request.param])
        headers["Authorization"] = f"Token {token.key}"
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    schema.config.update(base_url=live_server.url, headers=headers)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        # Real codes and references half of the time, so detail pages and
        # workflow actions are reached, not only their 404s.
        if not isinstance(path_parameters, dict):
            return st.just(path_parameters)
        chosen = {
            name: st.sampled_from([value, *real[name]])
            for name, value in path_parameters.items()
            if name in real
        }
        return st.fixed_dictionaries(chosen).map(
            lambda values: {**path_parameters, **values}
        )

    return schema


def _failures(schema) -> list[str]:
    """Every operation, with valid and with invalid input: what did not hold."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis.settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                suppress_health_check=list(hypothesis.HealthCheck),
            )
            def run(case):
                case.call_and_validate(checks=CHECKS)

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                # Nothing in its input can be invalid (one free-text code).
                continue
            except (AssertionError, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    return failures


@pytest.mark.services
def test_every_api_answer_matches_the_schema(api_schema):
    failures = _failures(api_schema)

    assert not failures, "\n\n".join(failures)


# The same checks on answers a generated request rarely meets, in-process
# through the whole Django stack (middleware, DRF, the exception handler).


@pytest.fixture
def local_schema(db):
    from django.core.wsgi import get_wsgi_application

    # As Django's test client does: the test's transaction outlives a request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application()
    )
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _call(schema, method: str, path: str, **parts):
    """The answer, checked; its status is documented with the body's schema."""
    operation = schema[path][method]
    response = operation.Case(**parts).call_and_validate(checks=CHECKS)
    documented = operation.definition.raw["responses"][str(response.status_code)]
    assert "schema" in documented["content"]["application/json"]
    return response


def test_an_ambiguous_community_lookup_answers_as_documented(local_schema, tree):
    # The same name in another street: the answer lists both to choose from.
    CommunityFactory(
        parent=tree.other_street,
        code="370781002009",
        name=tree.community_a.name,
        covering_squad=tree.unit_b,
    )

    response = _call(
        local_schema,
        "GET",
        "/api/v1/squads/lookup/",
        query={"community": tree.community_a.name},
    )

    assert response.status_code == 400
    codes = {c["code"] for c in response.json()["candidates"]}
    assert tree.community_a.code in codes


def test_a_found_community_lookup_answers_as_documented(local_schema, tree):
    response = _call(
        local_schema, "GET", "/api/v1/squads/lookup/", query={"community": "滨湖"}
    )

    assert response.status_code == 200
    assert response.json()["community"]["code"] == tree.community_a1.code
    lookup = local_schema["/api/v1/squads/lookup/"]["GET"].definition.raw
    answer = lookup["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/SquadLookup"}


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("nobody", 403)])
def test_the_staff_list_refuses_strangers_as_documented(
    local_schema, tree, django_user_model, who, status
):
    headers = {}
    if who is not None:
        user = django_user_model.objects.create_user(username=who, password="x")
        headers["Authorization"] = f"Token {Token.objects.create(user=user).key}"

    response = _call(local_schema, "GET", "/api/v1/complaints/", headers=headers)

    assert response.status_code == status


def test_a_stale_workflow_action_answers_409_as_documented(local_schema, tree, users):
    case = submit(tree)
    token = Token.objects.create(user=users["dispatcher"])

    response = _call(
        local_schema,
        "POST",
        "/api/v1/complaints/{reference}/actions/{action}/",
        path_parameters={"reference": case.reference, "action": "accept"},
        headers={"Authorization": f"Token {token.key}"},
        body={"expected_status": Status.REGISTERED},
        media_type="application/json",
    )

    assert response.status_code == 409


def test_a_throttled_tracking_request_answers_429_as_documented(
    local_schema, settings, empty_cache, tree
):
    settings.COMPLAINT_TRACK_RATE = (1, 60)
    query = {"reference": "20260101-0001", "phone_last4": "5678"}
    _call(local_schema, "GET", "/api/v1/complaints/track/", query=query)

    response = _call(local_schema, "GET", "/api/v1/complaints/track/", query=query)

    assert response.status_code == 429
    assert response.headers["retry-after"]


# What the document says about the inputs and the errors


@pytest.fixture
def document(db, client) -> dict:
    return client.get("/api/schema/", {"format": "json"}).json()


def test_every_operation_documents_its_error_answers(document):
    expected = {
        ("get", "/api/v1/areas/"): {"400", "404", "429"},
        ("get", "/api/v1/squads/lookup/"): {"400", "404", "429"},
        ("post", "/api/v1/complaints/"): {"400", "413", "429"},
        ("get", "/api/v1/complaints/"): {"400", "401", "403", "404", "429"},
        ("get", "/api/v1/complaints/{reference}/"): {"400", "401", "403", "404"},
        ("post", "/api/v1/complaints/{reference}/actions/{action}/"): {
            "400",
            "401",
            "403",
            "404",
            "409",
            "413",
        },
        ("get", "/api/v1/complaints/track/"): {"400", "404", "429"},
        ("post", "/api/v1/complaints/track/rate/"): {"400", "404", "413", "429"},
    }
    for (method, path), codes in expected.items():
        responses = document["paths"][path][method]["responses"]
        assert codes <= set(responses), (method, path)
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in document["paths"].items():
        for operation in operations.values():
            answer = operation["responses"]["400"]["content"]["application/json"]
            assert answer["schema"] == error or path == "/api/v1/squads/lookup/"
            assert "401" not in operation["responses"] or (
                operation["responses"]["401"]["content"]["application/json"]["schema"]
                == error
            )
    assert set(document["components"]["schemas"]["Error"]["properties"]) == {
        "detail",
        "non_field_errors",
    }


def test_the_document_gives_the_patterns_of_phone_consent_and_last_four(document):
    schemas = document["components"]["schemas"]
    submit_fields = schemas["ComplaintSubmitRequest"]["properties"]
    track = document["paths"]["/api/v1/complaints/track/"]["get"]["parameters"]
    last4 = next(p for p in track if p["name"] == "phone_last4")["schema"]

    assert submit_fields["phone"]["pattern"] == "^1[3-9][0-9]{9}$"
    assert schemas["ConsentEnum"] == {"type": "boolean", "enum": [True]}
    assert last4["pattern"] == "^[0-9]{4}$"
    rating = schemas["ComplaintRatingRequest"]["properties"]["phone_last4"]
    assert rating["pattern"] == "^[0-9]{4}$"


def test_the_document_declares_the_fields_that_can_be_null(document):
    schemas = document["components"]["schemas"]

    assert schemas["Area"]["properties"]["parent"]["nullable"] is True
    assert schemas["Area"]["properties"]["covering_squad"]["nullable"] is True
    assert schemas["Squad"]["properties"]["parent"]["nullable"] is True
    assignee = schemas["ComplaintDetail"]["properties"]["assignee"]
    assert assignee["nullable"] is True
