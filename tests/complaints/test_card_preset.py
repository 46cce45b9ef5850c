"""The complaint form opened from a contact card routes the case to that card's unit."""

from __future__ import annotations

import re

import pytest

from complaints.models import Complaint
from squads.models import Area
from tests.complaints.test_intake import form_data, post
from tests.squads.factories import CommunityFactory

pytestmark = pytest.mark.usefixtures("empty_cache", "media_root")


@pytest.fixture
def community_a2(tree) -> Area:
    """A second community of squadron A, so A covers several."""
    return CommunityFactory(
        parent=tree.street,
        code="370781001003",
        name="北关社区",
        covering_squad=tree.unit_a,
    )


def _community_groups(html: str) -> list[tuple[str, list[str]]]:
    select = re.search(r'<select id="id_community".*?</select>', html, re.S)
    assert select is not None
    return [
        (label, re.findall(r"<option [^>]*>([^<]+)</option>", options))
        for label, options in re.findall(
            r'<optgroup label="([^"]*)"[^>]*>(.*?)</optgroup>', select.group(0), re.S
        )
    ]


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select id="id_{name}".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r"<option [^>]*selected[^>]*>([^<]+)</option>", select.group(0))


def test_form_from_a_one_community_card_presets_that_community(citizen, tree):
    html = citizen.get(
        "/complaints/new/", {"area": tree.community_a.code}
    ).content.decode()
    assert _selected(html, "street") == [tree.street.name]
    assert _selected(html, "community") == [tree.community_a.name]


def test_form_from_a_several_community_card_lists_its_communities_first(
    citizen, tree, community_a2
):
    html = citizen.get(
        "/complaints/new/", {"area": tree.street.code, "unit": tree.unit_a.code}
    ).content.decode()

    assert _selected(html, "street") == [tree.street.name]
    assert _selected(html, "community") == []  # 不清楚
    groups = _community_groups(html)
    assert groups[0] == (
        f"{tree.unit_a.name}服务的社区",
        [tree.community_a.name, community_a2.name],
    )
    # The others stay selectable, each once, under their street.
    assert groups[1:] == [
        (tree.street.name, [tree.community_a1.name]),
        (tree.other_street.name, [tree.community_b.name]),
    ]
    # Only the card's unit is named, and the hint says it takes the case.
    assert tree.team_a1.name not in html.split('<form class="complaint-form"')[0]
    assert f"不确定可以不选，由{tree.unit_a.name}办理。" in html
    assert f'name="unit" value="{tree.unit_a.code}"' in html


def test_case_from_a_several_community_card_with_the_preset_kept_goes_to_its_unit(
    citizen, tree, community_a2
):
    response = post(
        citizen,
        form_data(tree, street=str(tree.street.pk), community="", unit="ZD1"),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.squad == tree.unit_a
    assert complaint.street == tree.street
    assert complaint.community is None
    receipt = citizen.get(response["Location"]).content.decode()
    assert "服务您所选街道的这支执法队伍" in receipt
    assert "负责您所在社区" not in receipt


def test_a_community_chosen_on_the_form_decides_over_the_card(
    citizen, tree, community_a2
):
    post(
        citizen,
        form_data(
            tree,
            street=str(tree.street.pk),
            community=str(tree.community_a1.pk),
            unit=tree.unit_a.code,
        ),
    )
    assert Complaint.objects.get().squad == tree.team_a1


def test_a_street_the_cards_unit_does_not_cover_goes_to_the_command_centre(
    citizen, tree, community_a2
):
    post(
        citizen,
        form_data(
            tree, street=str(tree.other_street.pk), community="", unit=tree.unit_a.code
        ),
    )
    assert Complaint.objects.get().squad is None


@pytest.mark.parametrize("unit", ["NOPE", "<b>", "DD", "x" * 40])
def test_an_unknown_or_non_covering_unit_is_ignored(citizen, tree, unit):
    form = citizen.get("/complaints/new/", {"area": tree.street.code, "unit": unit})
    assert form.status_code == 200
    response = post(
        citizen,
        form_data(tree, street=str(tree.street.pk), community="", unit=unit),
    )
    assert response.status_code == 302
    assert Complaint.objects.get().squad is None


def test_a_nul_byte_in_the_unit_is_not_a_server_error(citizen, tree):
    response = post(
        citizen,
        form_data(tree, street=str(tree.street.pk), community="", unit="ZD1\x00"),
    )
    assert response.status_code == 302
    assert Complaint.objects.get().squad is None
