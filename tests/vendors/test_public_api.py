"""The markets API: public lists with vacancy counts, and the stall request."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from citymgmt.notifications.models import Notification
from tests.vendors.public_data import make_market, make_stalls
from vendors.models import StallRequest, Vendor

pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.fixture
def markets(tree):
    west = make_market(community=tree.community_a)
    make_stalls(west, vacant=3, occupied=5, closed=1, waived=2)
    cluster = make_market(
        community=tree.community_b, name="圣水路摊点群", kind="cluster", fee_rule=""
    )
    make_stalls(cluster, occupied=2)
    make_market(community=tree.community_a1, name="已关闭夜市", is_active=False)
    return west, cluster


def post(client, body, **extra):
    return client.post(
        "/api/v1/markets/requests/",
        json.dumps(body),
        content_type="application/json",
        **extra,
    )


REQUEST = {
    "name": "张秀兰",
    "phone": "13912345678",
    "goods": "水果",
    "is_hardship": True,
    "consent": True,
}


def test_the_list_gives_vacancy_counts_without_people(
    client, markets, tree, django_assert_num_queries
):
    west, cluster = markets
    Vendor.objects.create(
        name="张秀兰",
        goods="水果",
        squad=tree.unit_a,
        phone="13912345678",
        identity_number="370781195001011234",
        identity_consent_at=timezone.now(),
    )
    client.get("/api/v1/markets/")
    with django_assert_num_queries(2):  # the count and the page
        response = client.get("/api/v1/markets/")
    body = response.json()
    assert body["count"] == 2
    rows = {row["name"]: row for row in body["results"]}
    assert rows[west.name]["stalls_vacant"] == 3
    assert rows[west.name]["stalls_open"] == 8
    assert rows[west.name]["waives_fees"] is True
    assert rows[cluster.name]["stalls_vacant"] == 0
    assert rows[cluster.name]["waives_fees"] is False
    assert rows[west.name]["unit"]["code"] == tree.unit_a.code
    assert rows[west.name]["community"]["street"] == tree.street.name
    assert rows[west.name]["url"].endswith(f"/markets/{west.pk}/")
    text = response.content.decode()
    for secret in ("张秀兰", "13912345678", "370781195001011234"):
        assert secret not in text


def test_the_list_does_not_query_per_market(
    client, markets, tree, django_assert_num_queries
):
    for n in range(6):
        make_stalls(make_market(community=tree.community_b, name=f"早市{n}"), vacant=1)
    client.get("/api/v1/markets/")
    with django_assert_num_queries(2):
        assert client.get("/api/v1/markets/").json()["count"] == 8


def test_a_market_counts_its_stalls(client, markets, django_assert_num_queries):
    west, _cluster = markets
    client.get(f"/api/v1/markets/{west.pk}/")
    with django_assert_num_queries(3):
        body = client.get(f"/api/v1/markets/{west.pk}/").json()
    assert body["stalls"]["counts"] == {
        "vacant": 3,
        "reserved": 0,
        "occupied": 5,
        "closed": 1,
    }
    assert body["stalls"]["vacant_numbers"] == ["A01", "A02", "A03"]


def test_an_inactive_market_is_not_found(client, markets, tree):
    closed = make_market(community=tree.community_a, name="旧市场", is_active=False)
    assert client.get(f"/api/v1/markets/{closed.pk}/").status_code == 404
    assert client.get("/api/v1/markets/99999999999999999999/").status_code == 404


def test_a_request_is_filed_through_the_api(
    client, markets, tree, squad_leader, django_capture_on_commit_callbacks
):
    west, _cluster = markets
    with django_capture_on_commit_callbacks():
        response = post(client, {**REQUEST, "market": west.pk})
    assert response.status_code == 201
    body = response.json()
    filed = StallRequest.objects.get()
    assert body["reference"] == filed.reference
    assert body["unit"] == {"code": tree.unit_a.code, "name": tree.unit_a.name}
    assert body["status"] == "new"
    assert "/markets/request/track/?reference=" in body["tracking_url"]
    assert Notification.objects.filter(channel="sms").count() == 1
    assert Notification.objects.filter(channel="site", user=squad_leader).exists()


def test_every_problem_is_named_in_one_answer(client, markets):
    response = post(
        client, {"name": "", "phone": "12345", "goods": "水果", "consent": False}
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"name", "phone", "consent"}
    assert "请输入 11 位手机号码，例如 13812345678。" in body["phone"]
    assert not StallRequest.objects.exists()


def test_a_closed_or_unknown_market_is_refused(client, markets, tree):
    closed = make_market(community=tree.community_a, name="旧市场", is_active=False)
    for market in (closed.pk, 10**30, "abc", True):
        response = post(client, {**REQUEST, "market": market})
        assert response.status_code == 400, market
        assert "market" in response.json()
    assert not StallRequest.objects.exists()


def test_the_honeypot_and_non_objects_are_refused(client, markets):
    assert post(client, {**REQUEST, "website": "x"}).status_code == 400
    for body in ([REQUEST], "text", 5):
        response = post(client, body)
        assert response.status_code == 400
        assert "detail" in response.json()
    assert not StallRequest.objects.exists()


def test_the_api_shares_the_forms_limit(client, markets, settings):
    settings.STALL_REQUEST_RATE = (2, 600)
    client.post("/markets/request/", {**REQUEST, "consent": "on", "is_hardship": "no"})
    assert post(client, {**REQUEST, "phone": "13812345678"}).status_code == 201
    response = post(client, REQUEST)
    assert response.status_code == 429
    assert "Retry-After" in response
    assert StallRequest.objects.count() == 2


def test_the_schema_documents_the_markets(client):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/v1/markets/" in schema["paths"]
    assert "/api/v1/markets/{market_id}/" in schema["paths"]
    create = schema["paths"]["/api/v1/markets/requests/"]["post"]
    assert {"201", "400", "413", "429"} <= set(create["responses"])
