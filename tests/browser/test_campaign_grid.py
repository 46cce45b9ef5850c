"""An officer records a week on a phone, a supervisor reads the campaign's page,
in Chromium. Screenshots go to test-artifacts/ (not committed)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache

from campaigns import services
from campaigns.admin.grid import monday_of, week_code
from campaigns.models import Tally
from tests.campaigns.factories import days_ago, make_campaign, make_segment, record
from tests.complaints.factories import photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# The civilised-city drive's columns: wide enough to scroll on a phone.
TARGETS = {
    "ad_boards_removed": 40,
    "posters_cleaned": 2100,
    "parking_notices": 3000,
    "vehicles_penalised": 200,
    "evidence_held": 110,
    "parking_spaces_painted": 900,
    "lines_painted": 1100,
    "officers_deployed": None,
}


@pytest.fixture
def demo(tree, supervisor, squad_leader, officer, other_squad_leader, media_root):
    segment = make_segment(tree, squad_leader, name="范公亭西路")
    campaign = make_campaign(
        tree,
        supervisor,
        targets=TARGETS,
        segments=[segment],
        starts_on=days_ago(24),
        ends_on=days_ago(-6),
    )
    for day in range(1, 15):
        record(
            officer,
            campaign,
            tree.unit_a,
            days_ago(day),
            ad_boards_removed=day % 3,
            posters_cleaned=40 + day,
            parking_notices=60,
            lines_painted="12.5",
            notes="西苑路、范公亭西路" if day == 2 else None,
        )
        record(
            other_squad_leader,
            campaign,
            tree.unit_b,
            days_ago(day),
            posters_cleaned=55,
            vehicles_penalised=4,
        )
    tally = Tally.objects.get(squad=tree.unit_a, date=days_ago(2), road_segment=None)
    services.tally_photos_add(by=officer, tally=tally, photos=[photo(), photo("blue")])
    return campaign


def sign_in(browser, live_server, username: str, width: int):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": width, "height": 900 if width > 600 else 844},
        device_scale_factor=1,
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-12345")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return context, page


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_an_officer_records_a_week_on_a_phone(live_server, browser, demo, tree):
    cache.clear()
    context, page = sign_in(browser, live_server, "officer_a", 390)
    week = monday_of(days_ago(7))
    grid = (
        f"{live_server.url}/admin/campaigns/campaign/{demo.pk}/grid/"
        f"?week={week_code(week)}"
    )
    page.goto(grid)
    assert page.locator(".cd-grid-unit").inner_text() == "城区一中队"
    # The page itself does not scroll sideways: the table scrolls in its box,
    # and the date column stays in view while it does.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".cd-scroll").first
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
    date_cell = page.locator(".cd-grid tbody tr").first.locator("th.cd-date")
    left = date_cell.bounding_box()["x"]
    box.evaluate("e => { e.scrollLeft = 400; }")
    assert box.evaluate("e => e.scrollLeft") > 0
    assert abs(date_cell.bounding_box()["x"] - left) < 1
    box.evaluate("e => { e.scrollLeft = 0; }")
    shoot(page, "campaign-grid-phone.png")

    wednesday = week + timedelta(days=2)
    cell = page.get_by_label(f"{wednesday.isoformat()} 拆除违规广告牌（块）")
    cell.fill("7")
    page.get_by_label(f"{wednesday.isoformat()} 施划标线（米）").fill("3.456")
    with page.expect_navigation():
        page.click("#grid-form input[type=submit]")
    assert "没有保存任何内容" in page.locator(".messagelist").inner_text()
    row = page.locator(f"#day-{wednesday.isoformat()}")
    assert "施划标线：最多保留两位小数" in row.inner_text()
    assert cell.input_value() == "7"
    shoot(page, "campaign-grid-refused-phone.png")

    page.get_by_label(f"{wednesday.isoformat()} 施划标线（米）").fill("3.45")
    with page.expect_navigation():
        page.click("#grid-form input[type=submit]")
    assert "已为城区一中队保存 1 天的记录" in page.locator(".messagelist").inner_text()
    saved = Tally.objects.get(squad=tree.unit_a, date=wednesday, road_segment=None)
    assert {v.metric.code: str(v.value) for v in saved.values.all()}[
        "lines_painted"
    ] == "3.45"
    context.close()


def test_the_campaign_page_and_the_grid_at_desktop_and_phone_width(
    live_server, browser, demo, tree
):
    cache.clear()
    for username, width, name in (
        ("supervisor", 1280, "desktop"),
        ("leader_a", 390, "phone"),
    ):
        context, page = sign_in(browser, live_server, username, width)
        page.goto(f"{live_server.url}/admin/campaigns/campaign/{demo.pk}/change/")
        assert "合计" in page.locator(".cd-totals").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shoot(page, f"campaign-page-{name}.png")
        page.click("a.cd-grid-link")
        page.wait_for_url("**/grid/*")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shoot(page, f"campaign-grid-{name}.png")
        context.close()
