"""The staff API's choices come from the user's scope, and reclassifying follows
the admin's rule: an inactive category is refused."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.models import Category, Complaint, ComplaintEvent
from tests.complaints.factories import submit, walk_to
from tests.conftest import EN
from tests.squads.factories import make_member

LIST = "/api/v1/complaints/"


def post(client, complaint: Complaint, action: str, data: dict):
    return client.post(
        f"{LIST}{complaint.reference}/actions/{action}/",
        json.dumps(data),
        content_type="application/json",
        **EN,
    )


@pytest.fixture
def outsider(tree):
    """An officer of squadron B, outside squadron A's leader's scope."""
    return make_member(
        username="officer_b",
        role="officer",
        squad=tree.unit_b,
        full_name="吴外队",
        phone="13805360077",
    )


def test_assigning_another_units_officer_does_not_name_them(
    tree, users, client_for, outsider
):
    case = walk_to(submit(tree), "processing", users)
    leader = client_for(users["squad_leader"])

    response = post(leader, case, "assign", {"assignee": outsider.pk})

    assert response.status_code == 400
    assert "assignee" in response.json()
    assert outsider.full_name not in response.content.decode()
    assert Complaint.objects.get(pk=case.pk).assignee_id is None


def test_assigning_an_officer_of_the_unit_still_works(tree, users, client_for):
    case = walk_to(submit(tree), "processing", users)
    officer = users["officer"].member

    response = post(
        client_for(users["squad_leader"]), case, "assign", {"assignee": officer.pk}
    )

    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == {"id": officer.pk, "name": "赵队员"}


def test_the_api_refuses_to_reclassify_into_an_inactive_category(
    tree, users, client_for
):
    case = submit(tree)
    retired = Category.objects.exclude(pk=case.category_id).first()
    retired.is_active = False
    retired.save(update_fields=["is_active"])

    response = post(
        client_for(users["dispatcher"]), case, "accept", {"category": retired.code}
    )

    assert response.status_code == 400
    assert response.json() == {
        "category": ["That category is no longer in use; choose another."]
    }
    unchanged = Complaint.objects.get(pk=case.pk)
    assert (unchanged.status, unchanged.category_id) == ("submitted", case.category_id)


def test_the_admin_does_not_offer_an_inactive_category_either(tree, users, client_for):
    case = submit(tree)
    retired = Category.objects.exclude(pk=case.category_id).first()
    retired.is_active = False
    retired.save(update_fields=["is_active"])

    response = client_for(users["dispatcher"]).post(
        f"/admin/complaints/complaint/{case.pk}/act/accept/",
        {"expected_status": "submitted", "category": retired.pk},
        **EN,
    )

    assert response.status_code == 200  # the form again, with the message
    assert "Select a valid choice" in response.content.decode()
    assert Complaint.objects.get(pk=case.pk).status == "submitted"


def test_an_event_with_an_unknown_action_is_refused_by_the_database(tree):
    case = submit(tree)
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintEvent.objects.create(
            complaint=case, action="note", created_at=timezone.now()
        )


def test_event_labels_come_from_the_action_choices(tree, users, client_for):
    case = walk_to(submit(tree), "registered", users)

    html = client_for(users["dispatcher"]).get(
        f"/admin/complaints/complaint/{case.pk}/change/", **EN
    )

    text = html.content.decode()
    assert "Filed" in text
    assert "Accept" in text
