"""The complaint form does not jump about while its script starts, on a phone."""

from __future__ import annotations

import pytest

from complaints.models import Category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Sums the page's layout shifts not caused by the person (Cumulative Layout
# Shift), from the first paint on.
WATCH_SHIFTS = """
window.__shift = 0;
window.__shifts = new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) { window.__shift += entry.value; }
  }
});
window.__shifts.observe({type: 'layout-shift', buffered: true});
"""
LAYOUT_SHIFT = """() => new Promise(resolve => requestAnimationFrame(() =>
  requestAnimationFrame(() => {
    for (const entry of window.__shifts.takeRecords()) {
      if (!entry.hadRecentInput) { window.__shift += entry.value; }
    }
    resolve(window.__shift);
  })))"""


@pytest.mark.parametrize("size", [(320, 640), (390, 844), (1280, 1000)])
def test_the_form_does_not_shift_when_its_script_runs(live_server, page, db, size):
    assert Category.objects.exclude(notice_zh="").filter(is_active=True).exists()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.add_init_script(WATCH_SHIFTS)
    # As on a slow network, the page is shown before its script has arrived;
    # then the script runs.
    script = "**/static/js/complaint-form.js"
    page.route(script, lambda route: route.abort())
    page.goto(f"{live_server.url}/complaints/new/")
    page.wait_for_load_state("load")
    counter = page.locator("#description-counter")
    assert counter.inner_text() == ""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
    page.unroute(script)
    page.add_script_tag(url="/static/js/complaint-form.js")
    # The script has run: the counter under the description counts.
    assert counter.inner_text() == "0 / 2000"
    assert page.evaluate(LAYOUT_SHIFT) < 0.1
