"""/api/v1/stats/…: the figures of February 2026 as JSON, scoped and pinned.

The numbers are those of test_formulas.py (worked out there by hand); here
they travel through DRF: the parameters, the scope, the 400s and 404s, the
shape the charts draw from, and a query count that does not grow with the
number of cases.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboard import rollup
from tests.complaints.clock import at, frozen
from tests.complaints.factories import move, submit
from tests.conftest import EN

FEBRUARY = {"period": "custom", "start": "2026-02-01", "end": "2026-02-28"}
ENDPOINTS = [
    "kpis",
    "table",
    "daily",
    "units",
    "categories",
    "methods",
    "heat",
    "vendors",
    "campaigns",
]


def url(name: str) -> str:
    return reverse(f"stats-{name}")


def get(client, name: str, **params):
    return client.get(url(name), {**FEBRUARY, **params})


def tiles(response) -> dict:
    return {tile["key"]: tile for tile in response.json()["tiles"]}


@pytest.fixture
def built(february):
    """February's cases with the rollup rebuilt, as the nightly job leaves it."""
    rollup.rollup_rebuild()
    return february


def test_the_tiles_give_each_indicator_and_its_change(built, client_for, supervisor):
    response = get(client_for(supervisor), "kpis")

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {
        "kind": "custom",
        "label": "自定义",
        "start": "2026-02-01",
        "end": "2026-02-28",
    }
    assert body["previous"]["start"] == "2026-01-04"
    found = tiles(response)
    on_time = found["on_time_disposal_rate"]
    assert on_time["label"] == "按期处置率"
    assert on_time["anchor"] == "on-time-disposal-rate"
    assert on_time["kind"] == "rate"
    # 4 of 6 on time; in January's 28 days nothing was dispatched.
    assert (on_time["value"], on_time["previous"], on_time["change"]) == (
        0.6667,
        None,
        None,
    )
    # 9 received against C0 alone in the 28 days before.
    assert (found["received"]["value"], found["received"]["previous"]) == (9, 1)
    assert found["received"]["change"] == 8
    assert found["satisfaction_rate"]["value"] == 0.75
    assert found["dispose_hours_median"]["value"] == 13.5
    # The counts came from the rollup: when it was brought up to date.
    assert body["counts_as_of"] is not None
    assert body["lag_seconds"] >= 0


def test_without_the_rollup_the_counts_are_read_from_the_cases(
    february, client_for, supervisor
):
    response = get(client_for(supervisor), "kpis")

    body = response.json()
    assert body["counts_as_of"] is None and body["lag_seconds"] is None
    assert tiles(response)["on_time_disposal_rate"]["value"] == 0.6667


def test_labels_follow_the_language(built, client_for, supervisor):
    response = client_for(supervisor).get(url("kpis"), FEBRUARY, **EN)

    assert tiles(response)["on_time_disposal_rate"]["label"] == "On-time disposal rate"


def test_a_leader_sees_only_their_units_figures(built, client_for, squad_leader):
    client = client_for(squad_leader)

    found = tiles(get(client, "kpis"))
    # ZD1's dispatched cases: C1 C2 C4 C6 C8.
    assert found["received"]["value"] == 5
    assert found["on_time_disposal_rate"]["value"] == 0.5

    units = get(client, "units").json()
    assert [unit["code"] for unit in units["units"]] == ["ZD1"]

    table = get(client, "table", by="category").json()
    assert sum(row["values"]["received"] for row in table["rows"]) == 5

    heat = get(client, "heat").json()
    assert [c["name"] for c in heat["communities"]] == ["西苑社区"]


def test_another_units_figures_are_not_found(built, client_for, squad_leader):
    client = client_for(squad_leader)

    for name in ENDPOINTS:
        response = get(client, name, unit="ZD2")
        assert response.status_code == 404, name
        assert response.json() == {"detail": "您的范围内没有这个代码的单位。"}
    # Unknown is answered the same way.
    assert get(client, "kpis", unit="NOPE").status_code == 404


def test_a_unit_below_ones_own_may_be_asked_for(built, client_for, squad_leader):
    client = client_for(squad_leader)

    response = get(client, "kpis", unit="zd1-1")

    assert response.status_code == 200
    assert response.json()["scope"]["unit"] == {
        "code": "ZD1-1",
        "name": "城区一中队一分队",
    }
    assert tiles(response)["received"]["value"] == 0


def test_a_supervisor_narrows_to_a_unit_and_a_street(
    built, client_for, supervisor, tree
):
    client = client_for(supervisor)

    assert tiles(get(client, "kpis", unit="ZD2"))["received"]["value"] == 3
    narrowed = get(client, "kpis", street=tree.other_street.code)
    assert tiles(narrowed)["received"]["value"] == 3
    assert narrowed.json()["scope"]["street"]["name"] == "益都街道"
    both = get(client, "kpis", unit="ZD1", street=tree.other_street.code)
    assert tiles(both)["received"]["value"] == 0


def test_an_officer_counts_the_cases_assigned_to_them(built, client_for, officer):
    response = get(client_for(officer), "kpis")

    assert response.status_code == 200
    assert tiles(response)["received"]["value"] == 0
    # Officers are not scoped by the rollup: their counts are read live.
    assert response.json()["counts_as_of"] is None


def test_the_public_is_refused(built, client):
    for name in ENDPOINTS:
        assert get(client, name).status_code in (401, 403), name


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        (
            {"period": "week"},
            {
                "period": [
                    "请选择期间：this_month、last_month、quarter、year 或 custom。"
                ]
            },
        ),
        (
            {"period": "custom", "start": "", "end": ""},
            {
                "start": ["自定义期间需要第一天（start）。"],
                "end": ["自定义期间需要最后一天（end）。"],
            },
        ),
        (
            {"period": "custom"},
            {
                "start": ["自定义期间需要第一天（start）。"],
                "end": ["自定义期间需要最后一天（end）。"],
            },
        ),
        (
            {"period": "custom", "start": "2026-02-28", "end": "2026-02-01"},
            {"end": ["最后一天早于第一天。"]},
        ),
        (
            {"period": "custom", "start": "2026-13-01", "end": "2026-02-01"},
            {"start": ["请给出日期，格式为 YYYY-MM-DD，例如 2026-11-01。"]},
        ),
        (
            {"period": "custom", "start": "2024-01-01", "end": "2026-02-01"},
            {"end": ["自定义期间最长 366 天。"]},
        ),
        (
            {"period": "custom", "start": "1999-12-31", "end": "2000-01-31"},
            {"start": ["请选择 2000 年至 2099 年之间的日期。"]},
        ),
        ({"street": "999"}, {"street": ["没有这个代码的街道。"]}),
        ({"unit": "X" * 40}, {"unit": ["单位代码最多 32 个字符。"]}),
    ],
)
def test_bad_parameters_are_a_400_on_the_field(
    built, client_for, supervisor, params, errors
):
    response = client_for(supervisor).get(url("kpis"), params)

    assert response.status_code == 400
    assert response.json() == errors


def test_the_table_refuses_an_unknown_grouping(built, client_for, supervisor):
    response = get(client_for(supervisor), "table", by="weekday")

    assert response.status_code == 400
    assert response.json() == {"by": ["请按单位、街道、社区、类别、渠道或月份分组。"]}


def test_the_daily_chart(built, client_for, supervisor):
    body = get(client_for(supervisor), "daily").json()

    assert len(body["labels"]) == 28 and body["labels"][0] == "2026-02-01"
    received, closed = body["series"]
    assert (received["key"], closed["key"]) == ("received", "closed")
    assert sum(received["data"]) == 9
    assert received["data"][body["labels"].index("2026-02-13")] == 1  # C1
    assert [body["labels"][n] for n, v in enumerate(closed["data"]) if v] == [
        "2026-02-06",
        "2026-02-11",
        "2026-02-24",
        "2026-02-26",
    ]


def test_the_units_chart_draws_against_the_target(
    built, client_for, supervisor, settings
):
    settings.KPI_ON_TIME_DISPOSAL_TARGET = 85
    body = get(client_for(supervisor), "units").json()

    assert body["target"] == 0.85
    assert body["labels"] == ["城区一中队", "城区二中队"]
    series = {s["key"]: s["data"] for s in body["series"]}
    assert series["on_time_disposal_rate"] == [0.5, 1.0]
    assert series["to_dispose"] == [4, 2]
    assert series["disposed_on_time"] == [2, 2]


def test_the_categories_chart(built, client_for, supervisor):
    body = get(client_for(supervisor), "categories").json()

    assert body["labels"] == ["施工扰民", "街头散发广告", "流浪乞讨"]
    assert [c["code"] for c in body["categories"]] == ["08001", "07002", "09003"]
    series = {s["key"]: s["data"] for s in body["series"]}
    assert series["received"] == [4, 3, 2]
    assert series["disposed"] == [3, 0, 2]  # C1 C2 C3; C8 C9
    assert series["closed"] == [3, 0, 1]  # C1 C2 C3; C8


def test_the_721_chart(built, client_for, supervisor):
    body = get(client_for(supervisor), "methods").json()

    assert body["methods"] == ["service", "management", "enforcement"]
    assert body["labels"] == ["服务", "管理", "执法"]
    assert body["disposed"] == 5
    series = {s["key"]: s["data"] for s in body["series"]}
    assert series["disposed"] == [2, 2, 1]
    assert series["share"] == [0.4, 0.4, 0.2]
    assert series["target"] == [0.7, 0.2, 0.1]


def test_the_heat_table(built, client_for, supervisor):
    body = get(client_for(supervisor), "heat").json()

    assert body["weeks"] == [
        "2026-01-26",
        "2026-02-02",
        "2026-02-09",
        "2026-02-16",
        "2026-02-23",
    ]
    assert [c["name"] for c in body["communities"]] == ["西苑社区", "圣水社区"]
    # [week, community, cases]: C2 | C6 C7 C1 | C4 | C8 and C3 C5 | C9.
    assert body["data"] == [
        [1, 0, 1],
        [2, 0, 3],
        [3, 0, 1],
        [4, 0, 1],
        [1, 1, 2],
        [4, 1, 1],
    ]
    assert body["max"] == 3


def test_the_table_by_unit_has_a_column_per_indicator_and_a_total(
    built, client_for, supervisor
):
    body = get(client_for(supervisor), "table", by="unit").json()

    keys = [column["key"] for column in body["columns"]]
    assert keys[:3] == ["received", "registered", "to_dispose"]
    assert "satisfaction_rate" in keys and "rated" in keys
    assert [row["key"]["code"] for row in body["rows"]] == ["ZD1", "ZD2"]
    assert body["total"]["received"] == 9
    assert body["total"]["on_time_closure_rate"] == 0.5
    assert body["rows"][0]["values"]["closure_rate"] == 0.75  # ZD1: C1 C2 C8 of 4


def test_the_vendors_and_campaigns_figures_answer(built, client_for, supervisor):
    client = client_for(supervisor)

    vendors = get(client, "vendors").json()
    assert vendors["relocated"] == []
    assert vendors["retention_30"] == {"part": 0, "total": 0, "rate": None}
    assert get(client, "campaigns").json()["campaigns"] == []


# Query counts: the same with a few cases or many, for each endpoint.

# A request's own queries: the session, the user with their member record.
REQUEST = 2
QUERIES = {
    # The rollup's state; its counts of both periods; the medians of each.
    "kpis": REQUEST + 4,
    # The state; the rows' counts and medians; the names; the total's state,
    # counts and medians.
    "table": REQUEST + 7,
    # The state; received from the rollup; closed from the cases.
    "daily": REQUEST + 3,
    # The state; the counts per unit; the units' names.
    "units": REQUEST + 3,
    # The counts per category; the categories' names.
    "categories": REQUEST + 2,
    # The state; the method counts.
    "methods": REQUEST + 2,
    # The counts per community and week; the communities' names.
    "heat": REQUEST + 2,
    # Relocations, retention (30, 90), returned, markets, hotspots, per week.
    "vendors": REQUEST + 7,
    # The tallies per campaign and metric.
    "campaigns": REQUEST + 1,
}


def more_cases(tree, users, count: int) -> None:
    """More February cases, dispatched and disposed of, in both units."""
    for n in range(count):
        community = tree.community_a if n % 2 else tree.community_b
        leader = users["squad_leader"] if n % 2 else users["other_squad_leader"]
        with frozen(at(2, 17 + n % 10, 9, 0)):
            case = submit(tree, code="09003", community=community)
        case = move(case, "accept", users["dispatcher"], at(2, 27, 9, 0))
        case = move(case, "dispatch", users["dispatcher"], at(2, 27, 9, 10))
        case = move(case, "sign", leader, at(2, 27, 9, 20))
        move(
            case,
            "dispose",
            leader,
            at(2, 27, 10, 0),
            method="service",
            result="已处理。",
        )


@pytest.mark.parametrize("name", ENDPOINTS)
def test_the_query_count_does_not_grow_with_the_cases(
    built, client_for, supervisor, tree, users, django_assert_num_queries, name
):
    client = client_for(supervisor)
    with django_assert_num_queries(QUERIES[name]):
        assert get(client, name).status_code == 200

    more_cases(tree, users, 6)
    rollup.rollup_refresh()
    client = client_for(supervisor)
    with django_assert_num_queries(QUERIES[name]):
        assert get(client, name).status_code == 200


def test_the_query_count_of_what_is_read_from_the_cases(
    built, client_for, supervisor, officer, django_assert_num_queries
):
    desk, own = client_for(supervisor), client_for(officer)
    # Categories are not in the rollup: the rows' counts, medians and names,
    # then the total (the state, the rollup's counts, the medians).
    with django_assert_num_queries(REQUEST + 6):
        assert get(desk, "table", by="category").status_code == 200
    # An officer's cases are not in it either: both periods' counts, then the
    # medians of each.
    with django_assert_num_queries(REQUEST + 3):
        assert get(own, "kpis").status_code == 200


def test_a_leaders_query_count_adds_the_walk_of_their_unit(
    built, client_for, squad_leader, django_assert_num_queries
):
    client = client_for(squad_leader)
    # The units below theirs, level by level (2).
    with django_assert_num_queries(QUERIES["kpis"] + 2):
        assert get(client, "kpis").status_code == 200
