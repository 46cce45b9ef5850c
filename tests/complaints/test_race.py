"""Two people taking the same action at once, and a rush of submissions, on PostgreSQL.

Each thread has its own database connection (closed when it ends) and a
barrier releases them together, so the row lock and the reference counter
are what keep the outcome right.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from citymgmt.errors import Conflict, NotAllowed
from complaints import services
from complaints.models import Category, Complaint, ComplaintEvent, Status
from tests.complaints.factories import fresh
from tests.squads.factories import make_member

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count: int, work: Callable[[int], object]) -> list[object]:
    """Run work(i) in count threads released at once; return results or errors."""
    start = threading.Barrier(count)
    outcomes: list[object] = [None] * count

    def run(i: int) -> None:
        try:
            start.wait(timeout=10)
            with translation.override("en"):
                outcomes[i] = work(i)
        except Exception as exc:  # reported by the assertions of each test
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def submit(tree, phone: str = "13912345678") -> Complaint:
    return services.complaint_submit(
        category=Category.objects.get(code="09006"),
        description="放学时间校门口有流动摊贩占道经营，影响学生通行。",
        address="西苑小学东门",
        phone=phone,
        community=tree.community_a,
    )


def second_dispatcher():
    return make_member(
        username="dispatcher2",
        role="dispatcher",
        squad=None,
        full_name="吴值班长",
        phone="13805360007",
    ).user


def test_two_dispatchers_accepting_at_once_one_wins_the_other_is_told(
    require_postgres, tree, dispatcher
):
    complaint = submit(tree)
    users = [dispatcher, second_dispatcher()]

    def accept(i: int) -> Complaint:
        return services.complaint_act(
            complaint=fresh(complaint),
            action="accept",
            by=users[i],
            expected_status=Status.SUBMITTED,
        )

    outcomes = run_together(2, accept)

    winners = [o for o in outcomes if isinstance(o, Complaint)]
    losers = [o for o in outcomes if not isinstance(o, Complaint)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1
    assert isinstance(losers[0], Conflict | NotAllowed), losers
    assert losers[0].status_code in (400, 409)
    assert "registered" in losers[0].message
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED
    assert (
        ComplaintEvent.objects.filter(complaint=complaint, action="accept").count() == 1
    )


def test_without_an_expected_status_the_second_is_refused_by_the_table(
    require_postgres, tree, dispatcher
):
    complaint = submit(tree)
    users = [dispatcher, second_dispatcher()]

    def accept(i: int) -> Complaint:
        return services.complaint_act(
            complaint=fresh(complaint),
            action="accept",
            by=users[i],
        )

    outcomes = run_together(2, accept)

    assert sum(isinstance(o, Complaint) for o in outcomes) == 1, outcomes
    (refused,) = [o for o in outcomes if not isinstance(o, Complaint)]
    assert isinstance(refused, Conflict | NotAllowed), refused
    assert (
        ComplaintEvent.objects.filter(complaint=complaint, action="accept").count() == 1
    )


def test_two_api_clients_posting_the_same_action_get_200_and_409(
    require_postgres, tree, dispatcher
):
    complaint = submit(tree)
    clients = []
    for user in (dispatcher, second_dispatcher()):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        clients.append(client)
    url = f"/api/v1/complaints/{complaint.reference}/actions/accept/"

    def post(i: int):
        response = clients[i].post(
            url,
            json.dumps({"expected_status": "submitted"}),
            content_type="application/json",
        )
        return response.status_code, response.json()

    outcomes = run_together(2, post)

    codes = sorted(code for code, _ in outcomes)  # type: ignore[misc]
    assert codes in ([200, 409], [200, 400]), outcomes
    loser = next(body for code, body in outcomes if code != 200)  # type: ignore[misc]
    assert "registered" in loser["detail"]
    assert (
        ComplaintEvent.objects.filter(complaint=complaint, action="accept").count() == 1
    )


def test_twenty_simultaneous_submissions_get_twenty_consecutive_references(
    require_postgres, tree
):
    outcomes = run_together(20, lambda i: submit(tree, phone=f"1391234{i:04d}"))

    assert all(isinstance(o, Complaint) for o in outcomes), outcomes
    references = [o.reference for o in outcomes]  # type: ignore[union-attr]
    assert len(set(references)) == 20
    days = {ref.split("-")[0] for ref in references}
    numbers = sorted(int(ref.split("-")[1]) for ref in references)
    assert len(days) == 1
    assert numbers == list(range(numbers[0], numbers[0] + 20))
    assert Complaint.objects.count() == 20
