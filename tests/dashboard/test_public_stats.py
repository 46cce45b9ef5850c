"""/stats/ and /api/v1/public/stats/: February 2026 seen by a citizen in March.

The figures must be the supervisor's for the same period (the KPI selectors
over every unit), carry nobody's name, phone or address, and be kept in the
cache for a few minutes.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from dashboard import kpis
from dashboard.periods import period_for
from tests.complaints.clock import at, frozen
from tests.complaints.factories import PHONE, submit
from tests.conftest import EN

MARCH = at(3, 5, 12, 0)
PAGE = "/stats/"
API = "/api/v1/public/stats/"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def public_json(client, period="last_month", **extra):
    with frozen(MARCH):
        response = client.get(API, {"period": period}, **extra)
    assert response.status_code == 200
    return response.json()


def test_the_figures_equal_the_supervisors_for_the_same_period(
    february, client, supervisor
):
    body = public_json(client)
    with frozen(MARCH):
        period = period_for("last_month")
        scope = kpis.scope_for(user=supervisor)
        streets, _source = kpis.grouped(scope=scope, period=period, by="street")
        totals = kpis.totals(scope=scope, period=period).values
        categories = kpis.categories(scope=scope, period=period)

    assert body["period"]["start"] == "2026-02-01"
    assert body["period"]["end"] == "2026-02-28"
    figures = ("received", "closed", "on_time_disposal_rate", "satisfaction_rate")
    assert body["total"] == {key: totals[key] for key in figures}
    # test_formulas: 9 received, 4 closed, 4 of 6 on time, 3 of 4 satisfied.
    assert body["total"] == {
        "received": 9,
        "closed": 4,
        "on_time_disposal_rate": 0.6667,
        "satisfaction_rate": 0.75,
    }
    assert [(s["code"], *(s[key] for key in figures)) for s in body["streets"]] == [
        (row.key["code"], *(row.values[key] for key in figures)) for row in streets
    ]
    assert [s["name"] for s in body["streets"]] == ["王府街道", "益都街道"]
    assert [(c["code"], c["received"]) for c in body["categories"]] == [
        (row["key"]["code"], row["received"]) for row in categories
    ][:5]


def test_the_page_shows_both_months_by_street_with_definitions(february, client):
    with frozen(MARCH):
        response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "本月" in html and "上月" in html
    assert "2026-02-01 至 2026-02-28" in html
    assert "王府街道" in html and "益都街道" in html
    assert '<strong class="stats-value" data-figure="received">9</strong>' in html
    assert "66.7%" in html and "75.0%" in html
    for anchor in ("received", "closed", "on-time-disposal-rate", "satisfaction-rate"):
        assert f'href="#def-{anchor}"' in html
        assert f'id="def-{anchor}"' in html
    assert 'data-url="/api/v1/public/stats/?period=this_month"' in html
    assert "<script>" not in html  # the chart is drawn by static/js/public-stats.js


def test_no_personal_data_in_the_page_or_the_json(february, client, tree):
    with frozen(at(3, 3, 9, 0)):
        submit(
            tree,
            code="09003",
            citizen_name="欧阳秀英",
            phone="13955501234",
            address="圣水路88号3单元",
        )
    with frozen(MARCH):
        html = client.get(PAGE).content.decode()
        text = html + str(client.get(API).content.decode())
        text += client.get(API, {"period": "last_month"}).content.decode()

    for secret in (
        "欧阳秀英",
        "13955501234",
        "圣水路88号",
        "张女士",
        PHONE,
        "西苑小学东门",
        "校门口有流动摊贩",
        "孙队长",
    ):
        assert secret not in text


def test_the_figures_are_kept_for_a_few_minutes(february, client, tree):
    first = public_json(client, "this_month")
    assert first["total"]["received"] == 1  # C10, 2 March
    with frozen(at(3, 5, 11, 0)):
        submit(tree, code="09003")

    # Still the count of five minutes ago …
    assert public_json(client, "this_month")["total"]["received"] == 1
    # … until the cached figures expire.
    cache.clear()
    assert public_json(client, "this_month")["total"]["received"] == 2


def test_the_page_and_json_read_no_database_once_counted(
    february, client, django_assert_num_queries
):
    with django_assert_num_queries(COUNTED):
        public_json(client)
    with django_assert_num_queries(0):
        public_json(client)
    with frozen(MARCH), django_assert_num_queries(COUNTED):  # this month is new
        assert client.get(PAGE).status_code == 200
    with frozen(MARCH), django_assert_num_queries(0):
        assert client.get(PAGE).status_code == 200


# A period's figures, before the rollup was first built: the rollup's state,
# the street figures and their medians, the street names, the state again,
# the totals and their medians, the categories and their names.
COUNTED = 9


def test_the_page_works_in_english(february, client):
    with frozen(MARCH):
        response = client.get(PAGE, **EN)
        body = public_json(client, **EN)

    html = response.content.decode()
    assert response.status_code == 200
    assert "What the figures mean" in html
    assert "On-time disposal rate" in html
    assert "Last month" in html
    assert body["period"]["label"] == "last month"


def test_a_bad_period_is_a_400_in_chinese(client):
    response = client.get(API, {"period": "year"})

    assert response.status_code == 400
    assert "period" in response.json()


def test_it_is_in_the_openapi_schema_and_linked_from_home(client):
    schema = client.get(reverse("api-schema")).content.decode()
    assert "/api/v1/public/stats/" in schema
    assert "public_stats" in schema
    assert 'href="/stats/"' in client.get("/").content.decode()
