"""A citizen on a phone finds their squad's contact card, in real headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_citizen_searches_a_community_and_calls_its_leader(
    live_server, page, tree, published_card
):
    page.goto(f"{live_server.url}/squads/")
    assert page.locator("h1").inner_text() == "查找执法队伍"

    page.fill("input[name=q]", "西苑")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**/squads/?q=*")
    rows = page.locator(".community")
    assert rows.count() == 1
    assert "西苑社区" in rows.first.inner_text()

    rows.first.locator("a.unit-link").click()
    page.wait_for_url(f"**/squads/{tree.unit_a.code}/card/")
    front = page.locator(".card-front")
    assert "孙队长" in front.inner_text()
    leader_phone = front.locator('a[href="tel:13805360001"]')
    assert leader_phone.is_visible()
    qr = page.locator(".card-qr img")
    assert qr.evaluate("img => img.naturalWidth") > 0  # the QR image really loaded

    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "card-mobile.png"), full_page=True)


def test_card_prints_front_and_back_at_card_size_on_a4(
    live_server, page, tree, published_card
):
    page.goto(f"{live_server.url}/squads/{tree.unit_a.code}/card/")
    page.emulate_media(media="print")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.card-face')].map(el => {
            const r = el.getBoundingClientRect();
            return [r.width, r.height, r.top];
        })"""
    )
    mm = 96 / 25.4  # CSS pixels per millimetre
    assert len(sizes) == 2
    for width, height, _top in sizes:
        assert abs(width / mm - 85.6) < 0.5
        assert abs(height / mm - 54) < 0.5
    assert abs(sizes[0][2] - sizes[1][2]) < 1  # side by side on one sheet
    assert not page.locator(".site-header").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / "card-print.pdf").write_bytes(pdf)


def test_language_switcher_changes_the_page_to_english(live_server, page, tree):
    page.goto(f"{live_server.url}/squads/")
    page.select_option("#lang-select", "en")
    page.wait_for_function(
        "document.querySelector('h1').innerText === 'Find your squad'"
    )
    assert page.locator("h1").inner_text() == "Find your squad"
