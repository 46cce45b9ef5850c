"""The public pages: directory search, contact card, QR code, workstations."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from django.test import override_settings
from PIL import Image

from squads.services import contact_card_publish
from tests.squads.factories import CommunityFactory, WorkstationFactory


def test_home_links_to_the_four_citizen_jobs(citizen, db):
    html = citizen.get("/").content.decode()
    for href in ("/complaints/new/", "/complaints/track/", "/squads/", "/markets/"):
        assert f'href="{href}"' in html


def test_pages_are_chinese_by_default_and_english_on_request(citizen, db):
    assert "查找" in citizen.get("/squads/").content.decode()
    english = citizen.get("/squads/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Find your squad" in english
    assert '<html lang="en">' in english


def test_language_switcher_posts_and_sticks(citizen, db):
    response = citizen.post("/i18n/setlang/", {"language": "en", "next": "/squads/"})
    assert response.status_code == 302
    assert "Find your squad" in citizen.get("/squads/").content.decode()


def test_directory_lists_every_community_with_its_unit(citizen, tree):
    html = citizen.get("/squads/").content.decode()
    for community in (tree.community_a, tree.community_a1, tree.community_b):
        assert community.name in html
        assert community.covering_squad.name in html
    assert 'href="tel:05363221234"' in html


def test_directory_search_finds_a_community_and_shows_its_unit(citizen, tree):
    html = citizen.get("/squads/", {"q": "西苑"}).content.decode()
    assert "西苑社区" in html
    assert tree.unit_a.name in html
    assert "圣水社区" not in html
    assert f'href="/squads/{tree.unit_a.code}/card/"' in html


def test_directory_search_by_street_lists_its_communities(citizen, tree):
    html = citizen.get("/squads/", {"q": "王府街道"}).content.decode()
    assert "西苑社区" in html and "滨湖社区" in html
    assert "圣水社区" not in html


def test_directory_search_without_match_says_so(citizen, tree):
    response = citizen.get("/squads/", {"q": "不存在的社区"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "No street or community matches your search" in response.content.decode()


@pytest.mark.parametrize(
    "q",
    [
        '"西苑"',
        "<script>alert(1)</script>",
        "'; DROP TABLE squads_area; --",
        "西" * 1000,
    ],
)
def test_directory_search_with_hostile_input_renders_a_normal_page(citizen, tree, q):
    response = citizen.get("/squads/", {"q": q})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "西苑社区" in citizen.get("/squads/").content.decode()
    if len(q) == 1000:
        assert 'value="' + "西" * 50 + '"' in html


def test_card_shows_front_and_back(citizen, tree, published_card):
    html = citizen.get(f"/squads/{tree.unit_a.code}/card/").content.decode()
    assert tree.unit_a.name in html
    assert "孙队长" in html and 'href="tel:13805360001"' in html
    assert "李指导员" in html and 'href="tel:13805360002"' in html
    assert tree.unit_a.working_hours in html
    assert 'href="tel:05363221234"' in html  # duty phone
    assert 'href="tel:12319"' in html  # supervision phone
    assert "西苑社区" in html  # covered community on the back
    assert "card-print.css" in html and 'media="print"' in html


def test_card_code_is_case_insensitive(citizen, tree, published_card):
    assert citizen.get(f"/squads/{tree.unit_a.code.lower()}/card/").status_code == 200


def test_card_shows_service_items_in_order(citizen, tree, squad_leader):
    from squads.services import squad_set_service_items

    squad_set_service_items(
        squad=tree.unit_a, items=["引导流动摊贩入市", "广告牌匾咨询"]
    )
    contact_card_publish(squad=tree.unit_a)
    html = citizen.get(f"/squads/{tree.unit_a.code}/card/").content.decode()
    assert html.index("引导流动摊贩入市") < html.index("广告牌匾咨询")


def test_unknown_card_gives_the_sites_404_page(citizen, tree):
    response = citizen.get("/squads/NOPE/card/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert citizen.get("/squads/NOPE/card/qr.png").status_code == 404


def test_unit_without_published_card_gives_404(citizen, tree):
    assert citizen.get(f"/squads/{tree.unit_b.code}/card/").status_code == 404


def _decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    return results[0].text


def _button_href(html: str) -> str:
    found = re.search(r'<a class="button" href="([^"]+)">', html)
    assert found is not None
    return found.group(1).replace("&amp;", "&")


def test_qr_code_and_button_of_a_unit_covering_one_community_preset_it(
    citizen, tree, published_card
):
    form_url = f"http://testserver/complaints/new/?area={tree.community_a.code}"
    response = citizen.get(f"/squads/{tree.unit_a.code}/card/qr.png")
    assert response["Content-Type"] == "image/png"
    assert _decode(response.content) == form_url
    card = citizen.get(f"/squads/{tree.unit_a.code}/card/").content.decode()
    assert _button_href(card) == form_url


def test_qr_code_and_button_of_a_unit_covering_several_communities_preset_its_street(
    citizen, tree, published_card
):
    CommunityFactory(
        parent=tree.street,
        code="370781001003",
        name="北关社区",
        covering_squad=tree.unit_a,
    )
    contact_card_publish(squad=tree.unit_a)

    form_url = (
        f"http://testserver/complaints/new/?area={tree.street.code}"
        f"&unit={tree.unit_a.code}"
    )
    qr = citizen.get(f"/squads/{tree.unit_a.code}/card/qr.png")
    assert _decode(qr.content) == form_url
    card = citizen.get(f"/squads/{tree.unit_a.code}/card/").content.decode()
    assert _button_href(card) == form_url


@override_settings(PUBLIC_BASE_URL="https://cg.example.gov.cn")
def test_qr_code_uses_the_public_address_when_configured(citizen, tree, published_card):
    response = citizen.get(f"/squads/{tree.unit_a.code}/card/qr.png")
    assert _decode(response.content) == (
        f"https://cg.example.gov.cn/complaints/new/?area={tree.community_a.code}"
    )


def test_complaint_form_link_from_a_card_names_the_units_for_that_area(citizen, tree):
    html = citizen.get(
        "/complaints/new/", {"area": tree.community_a.code}
    ).content.decode()
    assert tree.unit_a.name in html
    assert tree.unit_b.name not in html


def test_workstations_are_listed_by_community_with_hours_and_phone(citizen, tree):
    WorkstationFactory(
        community=tree.community_a,
        name="西苑社区城管工作站",
        hours="工作日 8:30-17:30",
        phone="0536-3220001",
        partner_units="住建、公安",
    )
    html = citizen.get("/squads/workstations/").content.decode()
    assert "西苑社区城管工作站" in html
    assert "工作日 8:30-17:30" in html
    assert 'href="tel:05363220001"' in html
    assert "住建、公安" in html
    assert tree.street.name in html


def test_pages_send_a_strict_content_security_policy(citizen, db):
    policy = citizen.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
