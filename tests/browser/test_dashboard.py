"""A supervisor reads the dashboard in Chromium: every chart is drawn, its
table shows the JSON's numbers, its picture downloads as a PNG, and the page
fits a phone. Screenshots go to test-artifacts/ (not committed)."""

from __future__ import annotations

import pytest

from tests.browser.test_campaign_grid import shoot, sign_in
from tests.dashboard.conftest import february  # noqa: F401 - the cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEBRUARY = "period=custom&start=2026-02-01&end=2026-02-28"
CHARTS = ["daily", "units", "categories", "methods", "heat"]

# How many of a canvas's pixels differ from its first: a blank canvas has none.
INKED = """figure => {
  const canvas = figure.querySelector('.cd-chart-canvas canvas');
  if (!canvas) return 0;
  const data = canvas.getContext('2d')
    .getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 4; i < data.length; i += 4) {
    for (let c = 0; c < 4; c++) {
      if (data[i + c] !== data[c]) { inked++; break; }
    }
  }
  return inked;
}"""

# The table view's cells, row by row: [label, {key: data-value}].
TABLE = """figure => Array.from(
  figure.querySelectorAll('.cd-chart-table tbody tr')
).map(tr => [
  tr.querySelector('th').textContent,
  Array.from(tr.querySelectorAll('td')).map(
    td => [td.dataset.key || '', td.dataset.value, td.textContent]
  )
])"""


def drawn(page) -> None:
    """Wait until every chart has finished drawing (its animation ended)."""
    page.wait_for_selector("#dashboard[data-ready='1']")
    page.wait_for_function(
        "n => document.querySelectorAll('.cd-chart[data-drawn=\"1\"]').length === n",
        arg=len(CHARTS),
    )


def fetch_json(page, url: str) -> dict:
    return page.evaluate(
        "url => fetch(url, {credentials: 'same-origin'}).then(r => r.json())", url
    )


def test_the_dashboard_draws_every_chart_and_its_table(
    live_server,
    browser,
    february,  # noqa: F811 - the fixture imported above
    supervisor,
    tmp_path,
):
    context, page = sign_in(browser, live_server, "supervisor", 1280)
    page.goto(f"{live_server.url}/admin/dashboard/?{FEBRUARY}")
    drawn(page)

    assert page.locator("#tile-received .cd-tile-value").inner_text() == "9"
    assert (
        page.locator("#chart-daily .cd-chart-asof").inner_text().startswith("数据截至 ")
    )
    for key in CHARTS:
        figure = page.locator(f"#chart-{key}")
        assert figure.evaluate(INKED) > 500, key

        body = fetch_json(page, figure.get_attribute("data-url"))
        figure.locator(".cd-chart-toggle").click()
        assert figure.locator(".cd-chart-table").is_visible()
        assert figure.locator(".cd-chart-toggle").inner_text() == "图表"
        rows = figure.evaluate(TABLE)
        if key == "heat":
            cells = {(c[1], c[0]): c[2] for c in body["data"]}
            assert [row[0] for row in rows] == [c["name"] for c in body["communities"]]
            for r, (_label, values) in enumerate(rows):
                for w, (_key, value, text) in enumerate(values):
                    assert int(value) == cells.get((r, w), 0)
                    assert text == value
            continue
        assert [row[0] for row in rows] == body["labels"], key
        for i, (_label, values) in enumerate(rows):
            for series, (cell_key, value, text) in zip(
                body["series"], values, strict=True
            ):
                assert cell_key == series["key"]
                expected = series["data"][i]
                if expected is None:
                    assert (value, text) == ("", "—")
                    continue
                assert float(value) == expected, (key, series["key"], i)
                if series["kind"] == "count":
                    assert text == str(int(expected))
                else:
                    assert text == f"{expected * 100:.1f}%"
        figure.locator(".cd-chart-toggle").click()
        assert figure.locator(".cd-chart-canvas").is_visible()

    # February's on-time rates per unit: ZD1 2 of 4, ZD2 2 of 2.
    units = fetch_json(page, page.locator("#chart-units").get_attribute("data-url"))
    rates = dict(zip(units["labels"], units["series"][0]["data"], strict=True))
    assert rates["城区一中队"] == 0.5 and rates["城区二中队"] == 1.0

    with page.expect_download() as download:
        page.locator("#chart-daily .cd-chart-png").click()
    saved = tmp_path / "daily.png"
    download.value.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert download.value.suggested_filename == "chart-daily.png"
    shoot(page, "dashboard-desktop.png")
    context.close()


def test_the_dashboard_on_a_phone_and_its_print_view(
    live_server,
    browser,
    february,  # noqa: F811 - the fixture imported above
    supervisor,
):
    context, page = sign_in(browser, live_server, "supervisor", 390)
    page.goto(f"{live_server.url}/admin/?{FEBRUARY}")
    drawn(page)

    # The page does not scroll sideways, and the charts stack.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    daily = page.locator("#chart-daily").bounding_box()
    units = page.locator("#chart-units").bounding_box()
    assert units["y"] >= daily["y"] + daily["height"]
    assert units["width"] > 300
    assert page.locator("#chart-methods").evaluate(INKED) > 500
    shoot(page, "dashboard-phone.png")

    # The print view turns each chart into a picture before printing.
    page.goto(f"{live_server.url}/admin/dashboard/print/?{FEBRUARY}")
    page.wait_for_selector("#dashboard.cd-charts-ready")
    images = page.locator(".cd-chart-image")
    assert images.count() == len(CHARTS)
    for n in range(len(CHARTS)):
        assert images.nth(n).get_attribute("src").startswith("data:image/png;base64,")
    page.emulate_media(media="print")
    assert not page.locator(".cd-dash-form").is_visible()
    assert images.first.is_visible()
    context.close()
