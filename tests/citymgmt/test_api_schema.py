"""Schemathesis over /api/schema/: the OpenAPI document tells the truth.

A live server on PostgreSQL answers requests generated from the schema, as
an anonymous citizen, a dispatcher and a squad leader (each with an API
token). Every answer must not be a server error and must match what the
schema documents for its status code (the error format included).
"""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from django.db import connection
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from complaints.models import Category, Status
from tests.complaints.factories import submit, walk_to
from tests.conftest import need

# Examples per operation and identity: enough to walk every error path of an
# operation, few enough that the three runs stay within a couple of minutes.
EXAMPLES = 30
CHECKS = (not_a_server_error, response_schema_conformance)


def _references(tree, users) -> list[str]:
    """A case in each of several states, for the operations that take one."""
    cases = [
        walk_to(submit(tree), status, users)
        for status in (Status.SUBMITTED, Status.DISPATCHED, Status.DISPOSED)
    ]
    cases.append(walk_to(submit(tree), Status.CLOSED, users))
    return [case.reference for case in cases]


@pytest.fixture(params=["anonymous", "dispatcher", "squad_leader"])
def api_schema(request, live_server, settings, empty_cache, media_root, tree, users):
    """The schema as the live server serves it, and who the requests come from."""
    need(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    # The filing and tracking limits of one address would answer every request
    # after the first few with 429 (documented, and checked at the shipped
    # limits by the API tests); raise them so the run reaches the operations.
    settings.COMPLAINT_SUBMIT_RATE = (100_000, 600)
    settings.COMPLAINT_TRACK_RATE = (100_000, 60)
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
