"""A vendor on a phone finds a market with free stalls and requests one, in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache

from tests.vendors.public_data import make_market, make_stalls
from vendors.models import StallRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def markets(tree, published_card):
    west = make_market(community=tree.community_a)
    make_stalls(west, vacant=4, occupied=30, closed=2, waived=4)
    cluster = make_market(
        community=tree.community_b,
        name="圣水路摊点群",
        kind="cluster",
        address="圣水路中段",
        fee_rule="免收摊位费",
        opening_hours=[[{"open": "17:00", "close": "21:30"}] for _day in range(7)],
    )
    make_stalls(cluster, vacant=2, occupied=12)
    return west, cluster


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_a_vendor_finds_a_free_stall_and_requests_it_on_a_phone(
    live_server, page, tree, markets, squad_leader
):
    cache.clear()
    west, _cluster = markets
    page.goto(f"{live_server.url}/")
    page.click(".tiles a[href='/markets/']")
    page.wait_for_url("**/markets/")
    card = page.locator(f"#market-{west.pk}")
    assert "4个空闲摊位" in card.locator(".vacancy").inner_text()
    assert "困难群体可免费使用摊位" in card.inner_text()
    assert card.locator(".week li.today").count() == 1
    # Nothing spills sideways on a 390-pixel screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shoot(page, "markets-phone.png")

    card.locator("h2 a").click()
    page.wait_for_url(f"**/markets/{west.pk}/")
    assert page.locator(".stall-numbers li").all_inner_texts() == [
        "A01",
        "A02",
        "A03",
        "A04",
    ]
    _shoot(page, "market-phone.png")

    page.click("a.button-large")
    page.wait_for_url(f"**/markets/request/?market={west.pk}")
    assert page.locator("#id_market").input_value() == str(west.pk)
    page.fill("#id_name", "张秀兰")
    page.fill("#id_phone", "139 1234 567")  # one digit short
    page.fill("#id_goods", "水果")
    page.check("input[name=is_hardship][value=yes]")
    page.check("#id_consent")
    _shoot(page, "request-phone.png")
    page.click("form.stall-form button[type=submit]")
    assert "请输入 11 位手机号码" in page.locator(".has-error").inner_text()
    assert page.locator("#id_goods").input_value() == "水果"
    assert not StallRequest.objects.exists()

    page.fill("#id_phone", "13912345678")
    page.check("#id_consent")
    page.click("form.stall-form button[type=submit]")
    page.wait_for_url("**/markets/request/done/")
    filed = StallRequest.objects.get()
    assert page.locator(".reference").inner_text() == filed.reference
    assert tree.unit_a.name in page.locator(".handler").inner_text()
    _shoot(page, "request-done-phone.png")

    page.click(".receipt a.button")
    page.wait_for_url("**/markets/request/track/?reference=*")
    assert "新申请" in page.locator(".status").inner_text()


def test_the_finder_at_desktop_width(live_server, page, markets):
    cache.clear()
    west, _cluster = markets
    page.set_viewport_size({"width": 1280, "height": 900})
    for path, name in (
        ("/markets/", "markets-desktop.png"),
        (f"/markets/{west.pk}/", "market-desktop.png"),
        (f"/markets/request/?market={west.pk}", "request-desktop.png"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        _shoot(page, name)
