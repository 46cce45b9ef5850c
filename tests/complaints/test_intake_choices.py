"""Filing reads categories and areas from a copy kept in the process.

The copy holds until an admin saves a category, an area or a unit through
the services: the next filing sees the change.
"""

from __future__ import annotations

import pytest

from complaints import services
from complaints.models import Category, Complaint
from squads import services as squad_services
from squads.models import Area
from tests.complaints.factories import form_data
from tests.complaints.test_api import payload, post_json
from tests.complaints.test_intake import post

pytestmark = pytest.mark.usefixtures("empty_cache", "media_root")


def test_a_category_taken_off_the_list_is_refused_on_the_next_filing(tree, citizen):
    assert post(citizen, form_data(tree)).status_code == 302
    category = Category.objects.get(code="09006")
    category.is_active = False
    services.category_save(category=category)

    response = post(citizen, form_data(tree))

    assert response.status_code == 200
    assert "“Trading on the road” is no longer on the list" in response.content.decode()
    assert Complaint.objects.count() == 1


def test_a_community_added_in_the_admin_can_be_chosen_at_once(tree, citizen):
    assert post_json(citizen, "/api/v1/complaints/", payload()).status_code == 201
    added = squad_services.area_save(
        area=Area(
            code="370781002009",
            name="新建社区",
            level=Area.Level.COMMUNITY,
            parent=tree.other_street,
            covering_squad=tree.unit_b,
        )
    )

    response = post_json(citizen, "/api/v1/complaints/", payload(community=added.code))

    assert response.status_code == 201, response.json()
    assert response.json()["squad"]["code"] == tree.unit_b.code
    assert Complaint.objects.filter(community=added).count() == 1


def test_a_community_moved_to_another_unit_is_routed_there_at_once(tree, citizen):
    assert post_json(citizen, "/api/v1/complaints/", payload()).status_code == 201
    community = Area.objects.get(pk=tree.community_a.pk)
    community.covering_squad = tree.unit_b
    squad_services.area_save(area=community)

    response = post_json(citizen, "/api/v1/complaints/", payload())

    assert response.status_code == 201
    assert response.json()["squad"]["code"] == tree.unit_b.code


def test_a_deadline_rule_edited_by_a_supervisor_times_the_next_filing(tree, citizen):
    from complaints.models import DeadlineRule

    assert post(citizen, form_data(tree)).status_code == 302
    first = Complaint.objects.get()
    rule = first.deadline_rule
    assert rule is not None
    rule.accept_hours = rule.accept_hours * 4
    services.deadline_rule_save(rule=rule)

    assert post(citizen, form_data(tree)).status_code == 302

    second = Complaint.objects.exclude(pk=first.pk).get()
    assert second.deadline_rule_id == rule.pk
    assert DeadlineRule.objects.get(pk=rule.pk).accept_hours == rule.accept_hours
    # Four times the working hours to accept: due later than the first case.
    assert second.accept_due_at > first.accept_due_at


def test_a_units_first_card_is_linked_from_the_next_api_answer(tree, citizen):
    from squads.services import contact_card_publish

    before = post_json(citizen, "/api/v1/complaints/", payload())
    assert before.json()["squad"]["card_url"] is None
    contact_card_publish(squad=tree.unit_a)

    after = post_json(citizen, "/api/v1/complaints/", payload())

    assert after.json()["squad"]["card_url"].endswith(
        f"/squads/{tree.unit_a.code}/card/"
    )


def test_an_edit_through_another_process_is_seen_within_the_recheck_time(
    tree, citizen, settings
):
    """Another process's save only renews the shared token; this process
    trusts the token it read for REFDATA_RECHECK_SECONDS, then reads again."""
    from django.core.cache import cache

    from citymgmt import refdata

    settings.REFDATA_RECHECK_SECONDS = 3600
    assert post(citizen, form_data(tree)).status_code == 302
    # What another process's category_save does: the row, then a new token.
    Category.objects.filter(code="09006").update(is_active=False)
    cache.set(refdata.SHARED_KEY, "token-from-another-process", timeout=None)

    # Within the recheck time this process still files on its copy ...
    assert post(citizen, form_data(tree)).status_code == 302
    assert Complaint.objects.count() == 2

    # ... and once it is over, it reads the token and the tables again.
    settings.REFDATA_RECHECK_SECONDS = 0
    response = post(citizen, form_data(tree))
    assert response.status_code == 200
    assert "is no longer on the list" in response.content.decode()
    assert Complaint.objects.count() == 2
