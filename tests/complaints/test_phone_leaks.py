"""A citizen's phone is found only by those who may reveal it, and then the
search is logged like a reveal (issue 8, item 1).

A leader or an officer sees a masked number; filtering the list on it
(`?phone__startswith=139`, then `1391`, …) or searching it in full would tell
the rest. Each probe below is answered the same whether or not it matches.
"""

from __future__ import annotations

import pytest

from complaints.models import Complaint, ComplaintEvent
from complaints.services import complaint_act
from squads.models import Member
from tests.complaints.factories import PHONE, submit, walk_to

LIST = "/admin/complaints/complaint/"
API = "/api/v1/complaints/"
# A mobile number no case has.
NOBODY = "13700000000"

pytestmark = pytest.mark.usefixtures("media_root")

# Pairs of probes: the first matches the case's phone or name, the second not.
PROBES = [
    ("phone__startswith", PHONE[:3], "150"),
    ("phone__startswith", PHONE[:8], PHONE[:7] + "0"),
    ("phone", PHONE, NOBODY),
    ("phone__exact", PHONE, NOBODY),
    ("phone__regex", "^139", "^150"),
    ("phone__in", PHONE, NOBODY),
    ("phone__endswith", PHONE[-4:], "0000"),
    ("phone__contains", PHONE[3:7], "0000"),
    ("citizen_name__startswith", "张", "王"),
    ("citizen_name", "张女士", "王先生"),
    ("duplicate_of__phone__startswith", "139", "150"),
    ("assignee__user__username__startswith", "off", "zzz"),
]


@pytest.fixture
def case(tree, users) -> Complaint:
    """A case squadron A is handling, assigned to its officer."""
    handled = walk_to(submit(tree, phone=PHONE), "processing", users)
    return complaint_act(
        complaint=handled,
        action="assign",
        by=users["squad_leader"],
        assignee=Member.objects.get(user=users["officer"]),
    )


def reveals(complaint: Complaint):
    return ComplaintEvent.objects.filter(complaint=complaint, action="reveal_phone")


@pytest.mark.parametrize("who", ["squad_leader", "officer"])
@pytest.mark.parametrize(("lookup", "hit", "miss"), PROBES)
def test_a_lookup_on_phone_or_name_tells_a_leader_or_officer_nothing(
    client_for, users, case, who, lookup, hit, miss
):
    c = client_for(users[who])
    matching = c.get(LIST, {lookup: hit})
    missing = c.get(LIST, {lookup: miss})

    # Refused alike: back to the whole list, which is not filtered.
    assert matching.status_code == missing.status_code == 302
    assert matching["Location"] == missing["Location"] == f"{LIST}?e=1"
    page = c.get(matching["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert case.reference in html
    assert "网址中的筛选条件无法使用，现显示全部记录。" in html
    assert PHONE not in html


@pytest.mark.parametrize("who", ["squad_leader", "officer"])
def test_a_full_number_in_the_admin_search_finds_nothing_for_a_leader_or_officer(
    client_for, users, case, who
):
    c = client_for(users[who])
    matching = c.get(LIST, {"q": PHONE})
    missing = c.get(LIST, {"q": NOBODY})

    assert matching.status_code == missing.status_code == 200
    assert case.reference not in matching.content.decode()
    assert case.reference not in missing.content.decode()
    # The reference still finds it.
    assert case.reference in c.get(LIST, {"q": case.reference}).content.decode()
    assert not reveals(case).exists()


@pytest.mark.parametrize("who", ["squad_leader", "officer"])
def test_a_full_number_in_the_staff_api_search_finds_nothing_for_a_leader_or_officer(
    client_for, users, case, who
):
    c = client_for(users[who])
    matching = c.get(API, {"q": PHONE})
    missing = c.get(API, {"q": NOBODY})

    assert matching.status_code == missing.status_code == 200
    assert (
        matching.json()
        == missing.json()
        == {
            "next": None,
            "previous": None,
            "results": [],
        }
    )
    found = c.get(API, {"q": case.reference}).json()["results"]
    assert [row["reference"] for row in found] == [case.reference]
    assert not reveals(case).exists()


def test_a_dispatcher_finds_a_case_by_phone_and_the_search_is_logged_as_a_reveal(
    client_for, users, case, tree
):
    other = submit(tree, phone="13800001111")
    c = client_for(users["dispatcher"])

    html = c.get(LIST, {"q": PHONE}).content.decode()

    assert case.reference in html
    assert other.reference not in html
    event = reveals(case).get()
    assert (event.actor, event.role, event.is_public, event.payload) == (
        users["dispatcher"],
        "dispatcher",
        False,
        {"via": "search"},
    )
    assert not reveals(other).exists()


def test_a_supervisor_finds_a_case_by_phone_in_the_staff_api_and_it_is_logged(
    client_for, users, case
):
    c = client_for(users["supervisor"])

    found = c.get(API, {"q": PHONE}).json()["results"]

    assert [row["reference"] for row in found] == [case.reference]
    assert found[0]["phone"] == "139****5678"
    event = reveals(case).get()
    assert (event.actor, event.payload) == (users["supervisor"], {"via": "search"})


def test_a_search_by_reference_or_address_is_not_logged(client_for, users, case):
    c = client_for(users["dispatcher"])
    assert case.reference in c.get(LIST, {"q": case.reference}).content.decode()
    assert case.reference in c.get(LIST, {"q": "西苑小学"}).content.decode()
    assert not reveals(case).exists()


def test_the_list_filters_the_staff_use_still_filter(client_for, users, case, tree):
    waiting = submit(tree, community=tree.community_b)
    c = client_for(users["dispatcher"])

    html = c.get(LIST, {"status__exact": "processing"}).content.decode()
    assert case.reference in html
    assert waiting.reference not in html

    html = c.get(LIST, {"squad__id__exact": tree.unit_a.pk}).content.decode()
    assert case.reference in html
    assert waiting.reference not in html
