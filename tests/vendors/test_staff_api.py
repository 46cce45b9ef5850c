"""The staff relocation API: scope, masking, filters, pinned queries, visits."""

from __future__ import annotations

import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import EN
from tests.vendors.factories import days_ago, fresh, make_market, make_vendor, moved
from vendors import services
from vendors.models import FollowUp, RelocationStatus

pytestmark = pytest.mark.usefixtures("empty_cache")

LIST = "/api/v1/relocations/"
IDENTITY = "370781195501011234"


@pytest.fixture
def ledger(tree, squad_leader, officer, other_squad_leader):
    """Unit A: two moved vendors (one visited lately) and one offered; unit B: one."""
    market = make_market(tree, squad_leader, stalls=4)
    due = moved(
        officer,
        market,
        vendor=make_vendor(
            officer,
            name="刘大爷",
            phone="13912340001",
            identity_number=IDENTITY,
            identity_consent=True,
        ),
        number="A01",
        days_ago=60,
    )
    visited = moved(
        officer,
        market,
        vendor=make_vendor(officer, name="王阿姨", phone="13912340002"),
        number="A02",
        days_ago=60,
    )
    services.followup_record(
        relocation=visited, by=officer, visited_on=days_ago(2), present=True
    )
    offered = services.relocation_offer(
        vendor=make_vendor(officer, name="陈师傅", phone="13912340003"),
        market=market,
        by=officer,
    )
    theirs_market = make_market(
        tree, other_squad_leader, name="圣水路摊点群", community=tree.community_b
    )
    theirs = moved(
        other_squad_leader,
        theirs_market,
        vendor=make_vendor(other_squad_leader, name="外队摊主", phone="13912340009"),
        days_ago=60,
    )
    return {
        "market": market,
        "due": due,
        "visited": visited,
        "offered": offered,
        "theirs": theirs,
        "theirs_market": theirs_market,
    }


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["vendor"]["name"] for row in response.json()["results"]]


def test_it_lists_the_units_relocations_newest_first(ledger, client_for, squad_leader):
    assert names(client_for(squad_leader).get(LIST)) == ["陈师傅", "王阿姨", "刘大爷"]


def test_another_units_relocation_is_absent_from_the_list_and_404_by_id(
    ledger, client_for, other_squad_leader
):
    c = client_for(other_squad_leader)
    assert names(c.get(LIST)) == ["外队摊主"]
    for key in ("due", "visited", "offered"):
        response = c.get(f"{LIST}{ledger[key].pk}/", **EN)
        assert response.status_code == 404
        assert response.json() == {"detail": "No such relocation in your unit."}


def test_filters_never_reveal_another_units_rows(ledger, client_for, squad_leader):
    c = client_for(squad_leader)
    assert names(c.get(LIST, {"squad": "ZD2"})) == []
    assert names(c.get(LIST, {"market": ledger["theirs_market"].pk})) == []
    assert names(c.get(LIST, {"followup_due": "true"})) == ["刘大爷"]


def test_the_desk_sees_every_unit(ledger, client_for, dispatcher):
    assert len(names(client_for(dispatcher).get(LIST))) == 4


def test_filters_by_status_market_squad_and_followup_due(
    ledger, client_for, squad_leader, dispatcher
):
    c = client_for(squad_leader)
    assert names(c.get(LIST, {"status": "moved"})) == ["王阿姨", "刘大爷"]
    assert names(c.get(f"{LIST}?status=offered&status=stable")) == ["陈师傅"]
    assert names(c.get(LIST, {"market": ledger["market"].pk})) == [
        "陈师傅",
        "王阿姨",
        "刘大爷",
    ]
    assert names(c.get(LIST, {"followup_due": "true"})) == ["刘大爷"]
    assert names(c.get(LIST, {"followup_due": "false"})) == ["陈师傅", "王阿姨"]
    desk = client_for(dispatcher)
    assert names(desk.get(LIST, {"squad": "zd2"})) == ["外队摊主"]


def test_a_bad_filter_is_a_400_on_its_field(ledger, client_for, squad_leader):
    c = client_for(squad_leader)
    for query in ({"status": "lost"}, {"market": "x"}, {"market": str(2**70)}):
        response = c.get(LIST, query, **EN)
        assert response.status_code == 400, query
        assert list(response.json()) == [next(iter(query))]


def test_phones_are_masked_in_the_list(ledger, client_for, squad_leader):
    body = client_for(squad_leader).get(LIST).content.decode()
    assert "139****0001" in body
    assert "13912340001" not in body


def test_the_detail_shows_the_timeline_and_visits_with_identity_masked(
    ledger, client_for, squad_leader
):
    relocation = ledger["visited"]
    response = client_for(squad_leader).get(f"{LIST}{relocation.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert [e["action"] for e in data["events"]] == [
        "offer",
        "accept",
        "move_in",
        "follow_up",
    ]
    assert data["events"][-1]["actor"] == "赵队员"
    assert [(v["visited_on"], v["present"]) for v in data["followups"]] == [
        (days_ago(2).isoformat(), True)
    ]
    assert data["stall"] == "A02"
    assert data["vendor"]["phone"] == "139****0002"
    assert "mark_returned" in data["actions"]

    masked = client_for(squad_leader).get(f"{LIST}{ledger['due'].pk}/")
    text = masked.content.decode()
    assert masked.json()["vendor"]["identity_number"] == "370781********1234"
    assert IDENTITY not in text
    assert "13912340001" not in text


def test_the_list_reads_a_fixed_number_of_queries(
    ledger, tree, client_for, squad_leader, officer, django_assert_num_queries
):
    c = client_for(squad_leader)
    c.get(LIST)
    # Session, user with member, the unit tree (2), the page.
    with django_assert_num_queries(5):
        assert c.get(LIST).status_code == 200
    market = make_market(tree, squad_leader, name="二号市场", stalls=3)
    for i in range(3):
        vendor = make_vendor(officer, name=f"新摊主{i}", phone=f"1381234000{i}")
        moved(officer, market, vendor=vendor, number=f"A0{i + 1}")
    with django_assert_num_queries(5):
        assert len(names(c.get(LIST, {"status": "moved"}))) == 5


def test_the_detail_reads_a_fixed_number_of_queries(
    ledger, client_for, squad_leader, officer, django_assert_num_queries
):
    c = client_for(squad_leader)
    url = f"{LIST}{ledger['visited'].pk}/"
    c.get(url)
    # Session, user with member, the unit tree (2), the relocation, its
    # events, its visits.
    with django_assert_num_queries(7):
        assert c.get(url).status_code == 200
    for day in (10, 20, 30):
        services.followup_record(
            relocation=ledger["visited"],
            by=officer,
            visited_on=days_ago(day),
            present=True,
        )
    with django_assert_num_queries(7):
        assert len(c.get(url).json()["followups"]) == 4


def test_a_token_reads_the_list(ledger, squad_leader):
    client = APIClient()
    token = Token.objects.create(user=squad_leader)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert names(client.get(LIST)) == ["陈师傅", "王阿姨", "刘大爷"]


def test_anonymous_and_citizens_are_refused(ledger, citizen):
    assert citizen.get(LIST).status_code in (401, 403)
    assert citizen.get(f"{LIST}{ledger['due'].pk}/").status_code in (401, 403)


# --- recording a visit -----------------------------------------------------------


def post_visit(client, relocation_id: int, data):
    return client.post(
        f"{LIST}{relocation_id}/followups/",
        json.dumps(data),
        content_type="application/json",
        **EN,
    )


def test_a_visit_is_recorded(ledger, client_for, officer):
    relocation = ledger["due"]
    response = post_visit(
        client_for(officer),
        relocation.pk,
        {"visited_on": days_ago(1).isoformat(), "present": True, "note": "在摊位"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["followups"][-1]["note"] == "在摊位"
    visit = FollowUp.objects.get(relocation=relocation)
    assert visit.present and visit.recorded_by == officer


def test_a_visit_before_the_move_is_a_400_on_the_field_and_saves_nothing(
    ledger, client_for, officer
):
    relocation = ledger["due"]
    response = post_visit(
        client_for(officer),
        relocation.pk,
        {"visited_on": days_ago(90).isoformat(), "present": True},
    )
    assert response.status_code == 400
    assert response.json() == {
        "visited_on": [
            f"A visit cannot be before the move-in date ({days_ago(60).isoformat()})."
        ]
    }
    assert not FollowUp.objects.filter(relocation=relocation).exists()
    assert relocation.events.filter(action="follow_up").count() == 0


def test_a_visit_with_a_bad_date_or_no_answer_names_the_fields(
    ledger, client_for, officer
):
    response = post_visit(client_for(officer), ledger["due"].pk, {"visited_on": "x"})
    assert response.status_code == 400
    assert set(response.json()) == {"visited_on", "present"}


def test_a_visit_to_an_offered_relocation_is_refused(ledger, client_for, officer):
    response = post_visit(
        client_for(officer),
        ledger["offered"].pk,
        {"visited_on": days_ago(1).isoformat(), "present": True},
    )
    assert response.status_code == 400
    assert "detail" in response.json()
    assert fresh(ledger["offered"]).status == RelocationStatus.OFFERED


def test_another_unit_cannot_record_a_visit(ledger, client_for, other_squad_leader):
    response = post_visit(
        client_for(other_squad_leader),
        ledger["due"].pk,
        {"visited_on": days_ago(1).isoformat(), "present": True},
    )
    assert response.status_code == 404
    assert not FollowUp.objects.filter(relocation=ledger["due"]).exists()


def test_the_desk_may_read_but_not_record_a_visit(ledger, client_for, dispatcher):
    response = post_visit(
        client_for(dispatcher),
        ledger["due"].pk,
        {"visited_on": days_ago(1).isoformat(), "present": True},
    )
    assert response.status_code == 403
    assert not FollowUp.objects.filter(relocation=ledger["due"]).exists()
