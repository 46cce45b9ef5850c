"""The dashboard page in the admin: where it shows, its form, its tiles, its scope.

February 2026 (tests/dashboard/conftest.py) with the rollup rebuilt; the
numbers are those test_formulas.py works out by hand.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from dashboard import kpis, rollup
from dashboard.definitions import anchors
from tests.conftest import EN

FEBRUARY = {"period": "custom", "start": "2026-02-01", "end": "2026-02-28"}
PAGE = "/admin/dashboard/"


@pytest.fixture
def built(february):
    rollup.rollup_rebuild()
    return february


def tile_text(html: str, key: str) -> str:
    found = re.search(rf'id="tile-{key}">(.*?)</li>', html, re.S)
    assert found, key
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def test_the_page_shows_the_tiles_with_their_change_and_definition(
    built, client_for, supervisor
):
    response = client_for(supervisor).get(PAGE, FEBRUARY)

    assert response.status_code == 200
    html = response.content.decode()
    # 4 of 6 on time; nothing to compare with in January.
    assert tile_text(html, "on_time_disposal_rate") == "按期处置率 66.7% 无可比较"
    # 9 received against C0 alone in the 28 days before.
    assert tile_text(html, "received") == "收件数 9 ▲ 8"
    assert tile_text(html, "satisfaction_rate").startswith("满意率 75.0%")
    assert tile_text(html, "dispose_hours_median").startswith(
        "处置时长中位数（工作小时） 13.5 小时"
    )
    assert (
        'href="/admin/dashboard/definitions/#on-time-disposal-rate">按期处置率</a>'
        in html
    )
    assert "数据截至" in html
    # The charts read the endpoints with the page's query.
    assert (
        'data-url="/api/v1/stats/units/?period=custom&amp;start=2026-02-01'
        "&amp;end=2026-02-28"
    ) in html


def test_a_rate_changes_in_percentage_points_coloured_by_whether_it_is_good(
    built, client_for, supervisor
):
    # 02-15..02-28 (C4 C8 C9 to dispose of, none late) against 02-01..02-14
    # (C1 C2 C3, C2 late): the late rate falls 33.3 points, which is good.
    response = client_for(supervisor).get(
        PAGE, {"period": "custom", "start": "2026-02-15", "end": "2026-02-28"}
    )
    html = response.content.decode()

    assert tile_text(html, "late_disposal_rate") == "超期处置率 0.0% ▼ 33.3 个百分点"
    assert re.search(
        r'id="tile-late_disposal_rate">.*?class="cd-tile-change cd-good cd-down"',
        html,
        re.S,
    )
    # 2 of 3 on time in both halves.
    assert tile_text(html, "on_time_disposal_rate") == "按期处置率 66.7% 持平"


def test_the_index_opens_on_the_dashboard_for_the_desk_and_leaders(
    built, client_for, supervisor, dispatcher, squad_leader, officer
):
    for user in (supervisor, dispatcher, squad_leader):
        html = client_for(user).get("/admin/").content.decode()
        assert 'id="dashboard"' in html, user
        # The app list stays below it.
        assert html.index('id="dashboard"') < html.index('class="app-')
    html = client_for(officer).get("/admin/").content.decode()
    assert 'id="dashboard"' not in html
    assert 'class="app-' in html


def test_a_leader_is_offered_only_their_units(built, client_for, squad_leader):
    html = client_for(squad_leader).get(PAGE, FEBRUARY).content.decode()

    assert options(html, "unit") == ["", "ZD1", "ZD1-1"]
    # Their unit's dispatched cases: C1 C2 C4 C6 C8.
    assert tile_text(html, "received").startswith("收件数 5")


def test_another_units_figures_are_refused_with_the_apis_message(
    built, client_for, squad_leader
):
    response = client_for(squad_leader).get(PAGE, {**FEBRUARY, "unit": "ZD2"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "您的范围内没有这个代码的单位。" in html
    assert 'id="dash-tiles"' not in html and "data-url" not in html
    # The form keeps what was asked for.
    assert '<option value="ZD2" selected>ZD2</option>' in html


def test_bad_dates_get_the_apis_messages_and_are_kept(built, client_for, supervisor):
    client = client_for(supervisor)

    bad = {"period": "custom", "start": "2026-02-30", "end": "2026-02-01"}
    html = client.get(PAGE, bad).content.decode()
    said = client.get(reverse("stats-kpis"), bad).json()["start"][0]
    assert said == "请给出日期，格式为 YYYY-MM-DD，例如 2026-11-01。"
    assert said in html
    assert 'value="2026-02-30"' in html

    html = client.get(
        PAGE, {"period": "custom", "start": "2026-03-01", "end": "2026-02-01"}
    ).content.decode()
    assert "最后一天早于第一天。" in html

    html = client.get(PAGE, {"period": "decade"}).content.decode()
    api = client.get(reverse("stats-kpis"), {"period": "decade"}).json()
    assert api["period"][0] in html
    assert 'id="dash-tiles"' not in html


def test_a_street_narrows_the_tiles(built, client_for, supervisor, tree):
    html = (
        client_for(supervisor)
        .get(PAGE, {**FEBRUARY, "street": tree.other_street.code})
        .content.decode()
    )
    # 益都街道: C3 C5 C9.
    assert tile_text(html, "received").startswith("收件数 3")
    assert options(html, "street")[1:] == [tree.street.code, tree.other_street.code]


def test_the_print_view_lays_out_for_a4(built, client_for, supervisor):
    html = client_for(supervisor).get(f"{PAGE}print/", FEBRUARY).content.decode()

    assert 'data-print="1"' in html
    assert "dashboard/print.css" in html
    assert 'id="dash-print-now"' in html


def test_the_definitions_have_every_anchor_the_api_names(built, client_for, supervisor):
    client = client_for(supervisor)
    html = client.get(f"{PAGE}definitions/").content.decode()
    api = client.get(reverse("stats-kpis"), FEBRUARY).json()
    table = client.get(reverse("stats-table"), FEBRUARY).json()

    named = {tile["anchor"] for tile in api["tiles"]} | {
        column["anchor"] for column in table["columns"]
    }
    assert named <= anchors()
    for anchor in named:
        assert f'<a id="{anchor}"></a>' in html
    assert "<h3>按期处置率 — On-time disposal rate</h3>" in html
    assert "<table>" in html  # the example's cases


def test_the_pages_need_a_staff_role(db, client, client_for, tree, django_user_model):
    assert client.get(PAGE).status_code == 302  # to the sign-in
    nobody = django_user_model.objects.create_user(
        "nobody", password="pw-12345", is_staff=True
    )
    assert client_for(nobody).get(PAGE).status_code == 403


def test_labels_follow_the_language(built, client_for, supervisor):
    html = client_for(supervisor).get(PAGE, FEBRUARY, **EN).content.decode()
    assert "On-time disposal rate" in html


# The page's queries: the session, the user with their member record,
# permissions and bell (one query), the units and the streets offered, the
# rollup's state, the tiles' counts (this period and the previous in one),
# the medians of each period. The charts are fetched by the browser
# afterwards.
PAGE_QUERIES = 8
# The index adds its own: the holiday calendar's warning and the recent
# actions.
INDEX_QUERIES = 10


def test_the_page_query_count_is_pinned(
    built, client_for, supervisor, django_assert_num_queries
):
    client = client_for(supervisor)
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(PAGE, FEBRUARY).status_code == 200
    with django_assert_num_queries(INDEX_QUERIES):
        assert client.get("/admin/", FEBRUARY).status_code == 200


def test_every_tile_is_an_indicator(built):
    from dashboard.page import TILE_KEYS

    keys = {i.key for i in kpis.INDICATORS}
    assert set(TILE_KEYS) <= keys
    assert "on_time_disposal_rate" in TILE_KEYS
