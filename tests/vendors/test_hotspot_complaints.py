"""The hotspot's page in the admin: its linked cases, and linking more by reference."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from complaints.models import Complaint
from tests.complaints.factories import submit, walk_to
from tests.vendors.factories import make_hotspot
from vendors import services

pytestmark = pytest.mark.usefixtures("empty_cache")

ADMIN = "/admin/vendors/hotspot"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# The admin's change page as before (session, the user with member,
# permissions and bell in one, the unit tree, the hotspot, its form's choices
# and windows, …) and one query for the linked cases, however many there are.
QUERIES = 11


@pytest.fixture
def cases(tree, users):
    """Two cases dispatched to unit A, one to unit B, one not yet dispatched."""
    ours = [walk_to(submit(tree), "dispatched", users) for _ in range(2)]
    theirs = walk_to(submit(tree, community=tree.community_b), "dispatched", users)
    assert theirs.squad_id == tree.unit_b.pk
    waiting = submit(tree)
    return {"ours": ours, "theirs": theirs, "waiting": waiting}


def page(client: Client, hotspot) -> str:
    response = client.get(f"{ADMIN}/{hotspot.pk}/change/", **ZH)
    assert response.status_code == 200
    return response.content.decode()


def change(tree, hotspot, references: str) -> dict[str, str]:
    from complaints.models import Category

    return {
        "name": hotspot.name,
        "community": tree.community_a.pk,
        "place": hotspot.place,
        "category": Category.objects.get(code="09006").pk,
        "link_references": references,
        "windows-TOTAL_FORMS": "0",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "1000",
    }


def test_the_page_lists_the_linked_cases_with_a_link_to_each(
    tree, cases, client_for, squad_leader
):
    hotspot = make_hotspot(tree, squad_leader, complaints=cases["ours"])
    html = page(client_for(squad_leader), hotspot)
    for case in cases["ours"]:
        assert f'href="/admin/complaints/complaint/{case.pk}/change/"' in html
        assert case.reference in html
    with translation.override("zh-hans"):
        status = str(cases["ours"][0].get_status_display())
    assert cases["ours"][0].category.name in html
    assert status in html


def test_a_case_the_user_may_not_see_is_not_listed(
    tree, cases, client_for, squad_leader, supervisor
):
    hotspot = make_hotspot(tree, squad_leader, complaints=cases["ours"])
    # Linked by the bureau, e.g. a case later dispatched elsewhere.
    hotspot.complaints.add(cases["theirs"])
    html = page(client_for(squad_leader), hotspot)
    assert cases["theirs"].reference not in html
    assert cases["theirs"].reference in page(client_for(supervisor), hotspot)


def test_a_leader_links_a_case_by_reference(tree, cases, client_for, squad_leader):
    hotspot = make_hotspot(tree, squad_leader, complaints=cases["ours"][:1])
    second = cases["ours"][1]
    typed = second.reference.replace("-", "")  # as it is often typed
    response = client_for(squad_leader).post(
        f"{ADMIN}/{hotspot.pk}/change/", change(tree, hotspot, f" {typed} ")
    )
    assert response.status_code == 302, response.content.decode()
    assert set(hotspot.complaints.all()) == set(cases["ours"])
    assert second.reference in page(client_for(squad_leader), hotspot)


@pytest.mark.parametrize("which", ["theirs", "waiting", "unknown"])
def test_an_unknown_or_out_of_scope_reference_is_refused_in_chinese_and_nothing_saved(
    which, tree, cases, client_for, squad_leader
):
    hotspot = make_hotspot(tree, squad_leader)
    reference = "20200101-9999" if which == "unknown" else cases[which].reference
    data = change(tree, hotspot, f"{cases['ours'][0].reference}, {reference}")
    data["name"] = "改过的名字"
    response = client_for(squad_leader).post(
        f"{ADMIN}/{hotspot.pk}/change/", data, **ZH
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"您的范围内没有编号为 {reference} 的案件。" in html
    hotspot.refresh_from_db()
    assert hotspot.name == "西苑小学门口"
    assert not hotspot.complaints.exists()


def test_text_that_is_not_a_reference_is_refused_on_the_field(
    tree, cases, client_for, squad_leader
):
    hotspot = make_hotspot(tree, squad_leader)
    response = client_for(squad_leader).post(
        f"{ADMIN}/{hotspot.pk}/change/", change(tree, hotspot, "西苑小学"), **ZH
    )
    assert response.status_code == 200
    assert "“西苑小学”不是案件编号" in response.content.decode()
    assert not hotspot.complaints.exists()


def test_a_new_hotspot_links_its_cases(tree, cases, client_for, squad_leader):
    from complaints.models import Category

    response = client_for(squad_leader).post(
        f"{ADMIN}/add/",
        {
            "name": "西苑小学门口",
            "community": tree.community_a.pk,
            "place": "东门外",
            "category": Category.objects.get(code="09006").pk,
            "link_references": " ".join(c.reference for c in cases["ours"]),
            "windows-TOTAL_FORMS": "0",
            "windows-INITIAL_FORMS": "0",
            "windows-MIN_NUM_FORMS": "0",
            "windows-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Complaint.objects.filter(hotspots__name="西苑小学门口").count() == 2


def test_another_units_leader_gets_404_on_the_hotspot(
    tree, cases, client_for, squad_leader, other_squad_leader
):
    hotspot = make_hotspot(tree, squad_leader, complaints=cases["ours"])
    c = client_for(other_squad_leader)
    assert c.get(f"{ADMIN}/{hotspot.pk}/change/").status_code == 404
    response = c.post(
        f"{ADMIN}/{hotspot.pk}/change/",
        change(tree, hotspot, cases["theirs"].reference),
    )
    assert response.status_code == 404
    assert set(hotspot.complaints.all()) == set(cases["ours"])


def test_the_page_reads_a_fixed_number_of_queries(
    tree, users, cases, client_for, squad_leader, django_assert_num_queries
):
    hotspot = make_hotspot(tree, squad_leader, complaints=cases["ours"])
    c = client_for(squad_leader)
    url = f"{ADMIN}/{hotspot.pk}/change/"
    c.get(url)
    with django_assert_num_queries(QUERIES):
        assert c.get(url).status_code == 200
    more = [walk_to(submit(tree), "dispatched", users) for _ in range(3)]
    services.hotspot_link_complaints(hotspot=hotspot, by=squad_leader, complaints=more)
    with django_assert_num_queries(QUERIES):
        assert c.get(url).status_code == 200
