"""A citizen on a phone opens /stats/ from the home page and sees the chart drawn."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.complaints.factories import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pixels of the chart's canvas that are not blank.
PAINTED = """() => {
  const canvas = document.querySelector('#stats-chart canvas');
  if (!canvas) { return 0; }
  const context = canvas.getContext('2d');
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) { painted += 1; } }
  return painted;
}"""


def test_the_public_chart_draws_at_phone_width(live_server, page, tree):
    cache.clear()
    submit(tree, code="09003", community=tree.community_a)
    submit(tree, code="09003", community=tree.community_b)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/")
    page.click(".tiles a[href='/stats/']")
    page.wait_for_url("**/stats/")
    page.wait_for_selector("#stats-chart.is-drawn canvas")

    assert page.evaluate(PAINTED) > 1000
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    rows = page.locator("#period-this_month tbody th").all_inner_texts()
    assert rows == ["王府街道", "益都街道"]
    assert not errors  # no CSP refusal, no script error
