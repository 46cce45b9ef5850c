"""From a contact card to a filed case on a phone: the case goes to the card's unit."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from complaints.models import Category, Complaint
from squads.services import contact_card_publish
from tests.squads.factories import CommunityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _file_keeping_the_preset(page) -> None:
    page.select_option("#id_category", str(Category.objects.get(code="09006").pk))
    page.fill(
        "#id_description", "小区门口每天傍晚有流动摊点占道经营，行人只能走机动车道。"
    )
    page.fill("#id_address", "小区南门")
    page.fill("#id_phone", "13912345678")
    page.check("#id_consent")
    page.click("form.complaint-form button[type=submit]")
    page.wait_for_url("**/complaints/new/done/")


def _open_form_from_the_card(page, live_server, code: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server.url}/squads/{code}/card/")
    page.click(".card-actions a.button")
    page.wait_for_url("**/complaints/new/?area=*")


def test_a_one_community_card_files_the_case_with_its_unit(
    live_server, page, tree, published_card
):
    cache.clear()
    _open_form_from_the_card(page, live_server, tree.unit_a.code)

    community = page.locator("#id_community")
    assert community.input_value() == str(tree.community_a.pk)
    assert page.locator("#id_street").input_value() == str(tree.street.pk)
    _file_keeping_the_preset(page)

    complaint = Complaint.objects.get()
    assert complaint.squad == tree.unit_a
    assert complaint.community == tree.community_a
    assert tree.unit_a.name in page.locator(".handler").inner_text()


def test_a_several_community_card_lists_its_communities_first_and_gets_the_case(
    live_server, page, tree, squad_leader, instructor
):
    cache.clear()
    north = CommunityFactory(
        parent=tree.street,
        code="370781001003",
        name="北关社区",
        covering_squad=tree.unit_a,
    )
    contact_card_publish(squad=tree.unit_a)
    _open_form_from_the_card(page, live_server, tree.unit_a.code)

    assert page.locator("#id_street").input_value() == str(tree.street.pk)
    community = page.locator("#id_community")
    assert community.input_value() == ""  # 不清楚
    first = community.locator("optgroup").first
    assert first.get_attribute("label") == f"{tree.unit_a.name}服务的社区"
    assert first.locator("option").all_inner_texts() == [
        tree.community_a.name,
        north.name,
    ]
    # The street's other communities stay selectable.
    assert tree.community_a1.name in community.inner_text()
    unit_hint = page.locator(".js-unit-hint")
    assert f"由{tree.unit_a.name}办理" in unit_hint.inner_text()
    assert not page.locator(".js-centre-hint").is_visible()
    # In a street the unit does not cover, the command centre routes the case.
    page.select_option("#id_street", str(tree.other_street.pk))
    assert not unit_hint.is_visible()
    assert "由指挥中心分派" in page.locator(".js-centre-hint").inner_text()
    page.select_option("#id_street", str(tree.street.pk))
    assert unit_hint.is_visible()
    _file_keeping_the_preset(page)

    complaint = Complaint.objects.get()
    assert complaint.squad == tree.unit_a
    assert complaint.community is None
    assert tree.unit_a.name in page.locator(".handler").inner_text()
