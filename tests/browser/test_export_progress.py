"""A long export in real Chromium: the progress page follows a real worker
under the strict CSP (the script is a static file), then offers the file."""

from __future__ import annotations

import openpyxl
import pytest

from citymgmt.exports.models import ExportJob
from tests.browser.test_closed_loop import sign_in
from tests.complaints.factories import submit
from tests.conftest import project_app, wait_for
from tests.notifications.conftest import worker_process  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_progress_page_turns_into_a_download_link_when_the_worker_is_done(
    live_server,
    browser,
    tree,
    dispatcher,
    settings,
    tmp_path,
    redis_url,
    worker_process,  # noqa: F811 - the fixture imported above
):
    for n in range(5):
        submit(tree, phone=f"1391234200{n}")
    settings.EXPORT_ROOT = str(tmp_path / "exports")
    settings.EXPORT_SYNC_MAX_ROWS = 2
    settings.EXPORT_CELERY_APP = project_app(broker_url=redis_url)
    settings.EXPORT_CELERY_APP.control.purge()
    dispatcher.set_password("pw-12345")
    dispatcher.save()
    context, page = sign_in(browser, live_server, "dispatcher")
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )

    page.goto(f"{live_server.url}/admin/complaints/complaint/")
    page.click(".export-menu summary")
    page.click("button.export-xlsx")
    page.wait_for_url("**/progress/")
    # No worker yet: the page waits, and its script keeps asking.
    assert page.locator("#export-progress").is_visible()
    assert not page.locator("#export-download").count()

    worker = worker_process(redis_url, EXPORT_ROOT=settings.EXPORT_ROOT)
    assert wait_for(worker.ready, 90), worker.output()
    page.wait_for_selector("#export-download", timeout=120_000)

    assert "有效" in page.inner_text("#export-expiry")
    with page.expect_download() as caught:
        page.click("#export-download")
    saved = tmp_path / "saved.xlsx"
    caught.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved).active.iter_rows(values_only=True))
    assert len(rows) == 6
    assert ExportJob.objects.get().rows_written == 5
    assert refused == []
    context.close()
