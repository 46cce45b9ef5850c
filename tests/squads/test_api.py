"""The public, read-only REST API, its OpenAPI document and docs page, and /health/."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders

from squads.models import Area, ContactCard, Squad
from squads.services import squad_set_service_items
from tests.squads.factories import CommunityFactory, SquadFactory, contact_card_publish

SQUAD_FIELDS = {
    "code",
    "name",
    "kind",
    "parent",
    "area",
    "duty_phone",
    "supervision_phone",
    "office_address",
    "working_hours",
    "service_items",
    "current_card",
    "card_url",
}


# The anonymous rate limit counts in the cache; each test starts at zero.
pytestmark = pytest.mark.usefixtures("empty_cache")


def _codes(response) -> list[str]:
    return [item["code"] for item in response.json()["results"]]


# Areas


def test_anyone_can_list_areas_page_by_page(tree, citizen):
    response = citizen.get("/api/v1/areas/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 6
    assert body["next"] is None
    assert body["previous"] is None
    assert body["results"][0] == {
        "code": "370781",
        "name": "青州市",
        "level": "district",
        "parent": None,
        "covering_squad": None,
    }


def test_an_area_shows_its_parent_and_covering_unit_by_code(tree, citizen):
    response = citizen.get("/api/v1/areas/370781001001/")

    assert response.status_code == 200
    assert response.json() == {
        "code": "370781001001",
        "name": "西苑社区",
        "level": "community",
        "parent": "370781001",
        "covering_squad": "ZD1",
    }


def test_a_street_has_a_parent_but_no_covering_unit(tree, citizen):
    body = citizen.get("/api/v1/areas/370781002/").json()

    assert body["parent"] == "370781"
    assert body["covering_squad"] is None


def test_an_unknown_area_code_is_not_found(tree, citizen):
    assert citizen.get("/api/v1/areas/370781009009/").status_code == 404


def test_areas_filter_by_level(tree, citizen):
    response = citizen.get("/api/v1/areas/", {"level": "community"})

    assert _codes(response) == ["370781001001", "370781001002", "370781002001"]


def test_an_unknown_level_is_refused(tree, citizen):
    response = citizen.get("/api/v1/areas/", {"level": "town"})

    assert response.status_code == 400
    assert "level" in response.json()


def test_areas_filter_by_parent_street_code(tree, citizen):
    response = citizen.get("/api/v1/areas/", {"parent": "370781001"})

    assert _codes(response) == ["370781001001", "370781001002"]


def test_areas_filter_by_part_of_the_name(tree, citizen):
    response = citizen.get("/api/v1/areas/", {"q": "西苑"})

    assert _codes(response) == ["370781001001"]


def test_area_filters_combine(tree, citizen):
    response = citizen.get(
        "/api/v1/areas/", {"level": "community", "parent": "370781002", "q": "圣水"}
    )

    assert _codes(response) == ["370781002001"]


def test_the_area_list_does_not_query_per_area(
    tree, citizen, django_assert_num_queries
):
    # count + one page with parent and covering unit joined
    with django_assert_num_queries(2):
        assert citizen.get("/api/v1/areas/").json()["count"] == 6

    for _ in range(10):
        CommunityFactory(parent=tree.street, covering_squad=tree.unit_a)

    with django_assert_num_queries(2):
        assert citizen.get("/api/v1/areas/").json()["count"] == 16


# Squad units


def test_anyone_can_list_units_with_their_card(published_card, citizen):
    response = citizen.get("/api/v1/squads/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [u["code"] for u in body["results"]] == ["DD", "ZD1", "ZD1-1", "ZD2"]
    for unit in body["results"]:
        assert set(unit) == SQUAD_FIELDS
    brigade, unit_a = body["results"][0], body["results"][1]
    assert brigade["parent"] is None
    assert brigade["current_card"] is None
    assert brigade["card_url"] is None
    assert unit_a["parent"] == "DD"
    assert unit_a["area"] == "370781001"
    assert unit_a["card_url"] == "http://testserver/squads/ZD1/card/"
    card = unit_a["current_card"]
    assert set(card) == {"version", "published_at", "content"}
    assert card["version"] == 1
    assert card["content"]["leader"]["phone"] == "13805360001"
    assert card["content"]["communities"][0]["name"] == "西苑社区"


def test_a_unit_shows_only_its_latest_card(published_card, squad_leader, citizen):
    leader = squad_leader.member
    leader.work_phone = "13905369999"
    leader.save(update_fields=["work_phone"])
    contact_card_publish(squad=published_card.squad)

    card = citizen.get("/api/v1/squads/ZD1/").json()["current_card"]

    assert card["version"] == 2
    assert card["content"]["leader"]["phone"] == "13905369999"


def test_a_unit_lists_its_service_items_in_card_order(tree, citizen):
    squad_set_service_items(
        squad=tree.unit_b, items=["占道经营劝导", "违章搭建受理", "市容环境投诉"]
    )

    body = citizen.get("/api/v1/squads/ZD2/").json()

    assert body["service_items"] == ["占道经营劝导", "违章搭建受理", "市容环境投诉"]


def test_a_unit_is_found_by_its_code_in_any_case(tree, citizen):
    upper = citizen.get("/api/v1/squads/ZD1-1/")
    lower = citizen.get("/api/v1/squads/zd1-1/")

    assert upper.status_code == lower.status_code == 200
    assert lower.json() == upper.json()
    assert lower.json()["name"] == "城区一中队一分队"
    assert lower.json()["kind"] == "team"
    assert lower.json()["parent"] == "ZD1"


def test_an_unknown_unit_code_is_not_found(tree, citizen):
    assert citizen.get("/api/v1/squads/ZD9/").status_code == 404


def test_an_inactive_unit_is_not_published(tree, citizen):
    Squad.objects.filter(pk=tree.unit_b.pk).update(is_active=False)

    assert "ZD2" not in _codes(citizen.get("/api/v1/squads/"))
    assert citizen.get("/api/v1/squads/ZD2/").status_code == 404


def _unit_with_card(tree, n: int) -> Squad:
    squad = SquadFactory(code=f"X{n:02d}", position=100 + n, area=tree.district)
    squad_set_service_items(squad=squad, items=["市容环境投诉", "违章搭建受理"])
    contact_card_publish(squad=squad)
    return squad


def test_the_unit_list_does_not_query_per_unit(
    tree, published_card, citizen, django_assert_num_queries
):
    squad_set_service_items(squad=tree.unit_a, items=["市容环境投诉"])
    # count + units with parent and area + service items + current cards
    with django_assert_num_queries(4):
        assert citizen.get("/api/v1/squads/").json()["count"] == 4

    for n in range(10):
        squad = _unit_with_card(tree, n)
    # A second version must not add a row or a query per older version.
    squad.duty_phone = "0536-3229999"
    squad.save(update_fields=["duty_phone"])
    contact_card_publish(squad=squad)

    with django_assert_num_queries(4):
        results = citizen.get("/api/v1/squads/").json()["results"]
    assert len(results) == 14
    added = results[4:]
    assert [u["current_card"]["version"] for u in added] == [1] * 9 + [2]
    assert added[-1]["current_card"]["content"]["duty_phone"] == "0536-3229999"
    assert all(u["service_items"] == ["市容环境投诉", "违章搭建受理"] for u in added)


# Which unit covers my community?


def test_lookup_by_community_code_gives_the_covering_unit(tree, citizen):
    response = citizen.get("/api/v1/squads/lookup/", {"community": "370781001002"})

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "ZD1-1"
    assert body["name"] == "城区一中队一分队"
    assert body["duty_phone"] == "0536-3221234"
    assert body["community"] == {
        "code": "370781001002",
        "name": "滨湖社区",
        "street": "王府街道",
    }


def test_lookup_by_community_name_gives_the_covering_unit(published_card, citizen):
    by_code = citizen.get("/api/v1/squads/lookup/", {"community": "370781001001"})
    by_name = citizen.get("/api/v1/squads/lookup/", {"community": "西苑社区"})

    assert by_name.status_code == 200
    assert by_name.json() == by_code.json()
    assert by_name.json()["code"] == "ZD1"
    assert by_name.json()["current_card"]["version"] == 1
    assert by_name.json()["community"]["name"] == "西苑社区"


def test_lookup_by_the_start_of_a_unique_name(tree, citizen):
    response = citizen.get("/api/v1/squads/lookup/", {"community": " 西苑 "})

    assert response.status_code == 200
    assert response.json()["code"] == "ZD1"
    assert response.json()["community"]["code"] == "370781001001"


def test_lookup_of_an_unknown_community_is_not_found_and_says_so(tree, citizen):
    response = citizen.get(
        "/api/v1/squads/lookup/", {"community": "东关社区"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "No community matches “东关社区”."}


def test_lookup_of_an_unknown_community_code_is_not_found(tree, citizen):
    response = citizen.get("/api/v1/squads/lookup/", {"community": "370781009009"})

    assert response.status_code == 404


@pytest.mark.parametrize("query", [{}, {"community": ""}, {"community": "   "}])
def test_lookup_without_a_community_asks_for_one(tree, citizen, query):
    response = citizen.get("/api/v1/squads/lookup/", query, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {"community": ["Give a community code or name."]}


def test_lookup_of_a_name_used_in_two_streets_lists_the_candidates(tree, citizen):
    CommunityFactory(
        parent=tree.other_street,
        code="370781002002",
        name="西苑社区",
        covering_squad=tree.unit_b,
    )

    response = citizen.get(
        "/api/v1/squads/lookup/", {"community": "西苑社区"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    body = response.json()
    assert "one of these codes" in body["detail"]
    assert body["candidates"] == [
        {"code": "370781001001", "name": "西苑社区", "street": "王府街道"},
        {"code": "370781002002", "name": "西苑社区", "street": "益都街道"},
    ]
    by_code = citizen.get("/api/v1/squads/lookup/", {"community": "370781002002"})
    assert by_code.json()["code"] == "ZD2"


def test_lookup_of_an_ambiguous_name_start_lists_the_candidates(tree, citizen):
    CommunityFactory(
        parent=tree.other_street,
        code="370781002002",
        name="西苑南社区",
        covering_squad=tree.unit_b,
    )

    response = citizen.get("/api/v1/squads/lookup/", {"community": "西苑"})

    assert response.status_code == 400
    assert [c["code"] for c in response.json()["candidates"]] == [
        "370781001001",
        "370781002002",
    ]


def test_lookup_of_a_community_whose_unit_is_inactive_is_not_a_server_error(
    tree, citizen
):
    # The public unit list hides inactive units, so the covering unit of
    # 西苑社区 cannot be served; the resident should get an answer, not a 500.
    citizen.raise_request_exception = False
    Squad.objects.filter(pk=tree.unit_a.pk).update(is_active=False)

    response = citizen.get("/api/v1/squads/lookup/", {"community": "西苑社区"})

    assert response.status_code == 404
    assert "detail" in response.json()


# Read-only


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/squads/"),
        ("put", "/api/v1/squads/ZD1/"),
        ("patch", "/api/v1/squads/ZD1/"),
        ("delete", "/api/v1/squads/ZD1/"),
        ("post", "/api/v1/areas/"),
        ("put", "/api/v1/areas/370781001001/"),
        ("patch", "/api/v1/areas/370781001001/"),
        ("delete", "/api/v1/areas/370781001001/"),
        ("post", "/api/v1/squads/lookup/"),
    ],
)
def test_anonymous_writes_are_refused_and_change_nothing(tree, citizen, method, path):
    payload = {
        "code": "ZD1",
        "name": "改名中队",
        "kind": "brigade",
        "level": "district",
        "covering_squad": "ZD2",
    }

    response = getattr(citizen, method)(path, payload, content_type="application/json")

    assert response.status_code in (403, 405)
    assert Squad.objects.get(code="ZD1").name == "城区一中队"
    assert Squad.objects.count() == 4
    community = Area.objects.get(code="370781001001")
    assert (community.name, community.covering_squad_id) == ("西苑社区", tree.unit_a.pk)
    assert Area.objects.count() == 6


def test_staff_cannot_write_through_the_api_either(
    published_card, supervisor, client_for
):
    client = client_for(supervisor)

    responses = [
        client.patch(
            "/api/v1/squads/ZD1/", {"name": "改名中队"}, content_type="application/json"
        ),
        client.delete("/api/v1/areas/370781001001/"),
    ]

    assert [r.status_code for r in responses] == [405, 405]
    assert Squad.objects.get(code="ZD1").name == "城区一中队"
    assert ContactCard.objects.count() == 1
    assert Area.objects.filter(code="370781001001").exists()


# OpenAPI document and docs page


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ({"format": "json"}, {}),
        ({}, {"HTTP_ACCEPT": "application/vnd.oai.openapi+json"}),
    ],
)
def test_the_openapi_document_describes_the_public_endpoints(
    db, citizen, query, headers
):
    response = citizen.get("/api/schema/", query, **headers)

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "CityDesk API"
    assert {
        "/api/v1/areas/",
        "/api/v1/areas/{code}/",
        "/api/v1/squads/",
        "/api/v1/squads/{code}/",
        "/api/v1/squads/lookup/",
    } <= set(schema["paths"])
    lookup = schema["paths"]["/api/v1/squads/lookup/"]["get"]
    community = next(p for p in lookup["parameters"] if p["name"] == "community")
    assert community["required"] is True
    assert set(schema["paths"]["/api/v1/squads/"]) == {"get"}


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("src"):
                self.urls.append(attributes["src"])
            else:
                self.inline_scripts += 1
        elif tag == "link" and attributes.get("href"):
            self.urls.append(attributes["href"])


def _docs_page(citizen) -> tuple[str, _Assets]:
    response = citizen.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    parser = _Assets()
    parser.feed(html)
    return html, parser


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(db, citizen):
    html, assets = _docs_page(citizen)

    assert "http://" not in html
    assert "https://" not in html
    assert all(u.startswith("/") and not u.startswith("//") for u in assets.urls)
    static = [u for u in assets.urls if u.startswith("/static/")]
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in static
    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in static
    )
    for url in static:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not shipped"


def test_the_docs_page_runs_under_our_content_security_policy(db, citizen):
    # script-src 'self' blocks inline scripts: Swagger UI must start from a file,
    # or the page stays blank in a browser.
    response = citizen.get("/api/docs/")
    policy = response["Content-Security-Policy"]
    script_src = next(
        d for d in policy.split(";") if d.strip().startswith("script-src")
    )
    assert "'unsafe-inline'" not in script_src

    _html, assets = _docs_page(citizen)

    assert assets.inline_scripts == 0


# /health/


@pytest.mark.django_db
def test_health_reports_database_broker_and_cache_ok(citizen):
    response = citizen.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "cache": "ok",
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.fixture
def unreachable_broker(monkeypatch, settings):
    """Point the Celery app at a closed port for one test."""
    from citymgmt.celery import app

    # The environment variables win over app.conf (CI sets CELERY_BROKER_URL).
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    settings.HEALTH_BROKER_TIMEOUT = 1
    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        yield
    finally:
        app.conf.broker_url = original


@pytest.mark.django_db
def test_health_is_503_when_the_broker_is_down(citizen, unreachable_broker):
    response = citizen.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")
