"""A unit's clerk imports a week of tallies from the template, in Chromium."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from campaigns.models import Tally, TallyValue
from tests.campaigns.import_factories import running_campaign, seed_metrics

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_a_clerk_imports_a_week_from_the_template(
    live_server, browser, tree, supervisor, squad_leader, tmp_path, settings
):
    settings.TALLY_IMPORT_DIR = str(tmp_path / "imports")
    seed_metrics()
    campaign = running_campaign(tree, supervisor)
    base = f"{live_server.url}/admin/campaigns/campaign/{campaign.pk}"
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "leader_a")
    page.fill("#id_password", "pw-12345")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{base}/import/")
    with page.expect_download() as download:
        page.click("#template-link")
    assert download.value.suggested_filename == (
        "2020年创建文明城市专项整治填报模板.xlsx"
    )
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == ["城区一中队"]
    sheet = book["城区一中队"]
    for number in range(3, 10):  # the first week of May
        sheet.cell(row=number, column=4, value=2)
        sheet.cell(row=number, column=5, value=150)
        sheet.cell(row=number, column=6, value=20)
    sheet.cell(row=9, column=5, value=-1)  # a slip of the finger
    filled = tmp_path / "第一周.xlsx"
    book.save(filled)

    page.set_input_files("#id_file", str(filled))
    page.click("#upload-form input[type=submit]")
    errors = page.locator("#import-errors").inner_text()
    assert "第 9 行，“清理小广告（张）”列：清理小广告不能为负数。" in errors
    assert page.locator("#confirm-form").count() == 0
    assert page.locator("#import-preview tbody tr").count() == 7

    sheet.cell(row=9, column=5, value=150)
    book.save(filled)
    page.set_input_files("#id_file", str(filled))
    page.click("#upload-form input[type=submit]")
    assert page.locator("#import-preview tbody tr.cd-new").count() == 7
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "tally-import-preview.png"), full_page=True)
    assert not Tally.objects.exists()

    page.click("#confirm-form input[type=submit]")
    page.wait_for_url(f"{base}/import/")
    assert "第一周.xlsx 已导入：新增 7 行" in page.locator(".messagelist").inner_text()
    assert Tally.objects.filter(squad=tree.unit_a).count() == 7
    assert TallyValue.objects.filter(metric__code="posters_cleaned").count() == 7
    context.close()
