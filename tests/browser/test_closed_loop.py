"""The closed loop in real Chromium: a parent files, the desk and the squad act,
the parent follows the timeline and rates the result."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache import cache

from complaints.models import Attachment, Category, Complaint
from tests.complaints.factories import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def sign_in(browser, live_server, username: str):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-12345")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return context, page


def act(page, live_server, complaint: Complaint, action: str):
    page.goto(f"{live_server.url}/admin/complaints/complaint/{complaint.pk}/change/")
    page.click(f"a.cd-action-{action}")
    page.wait_for_url(f"**/act/{action}/")


def submit_and_expect(page, status: str, complaint: Complaint):
    page.click(".submit-row input[type=submit]")
    page.wait_for_url(f"**/complaint/{complaint.pk}/change/")
    assert Complaint.objects.get(pk=complaint.pk).status == status


def test_a_parent_near_the_school_follows_the_case_to_the_end(
    live_server, browser, page, tree, published_card, dispatcher, tmp_path
):
    cache.clear()
    photo = tmp_path / "vendors.jpg"
    photo.write_bytes(jpeg_bytes(color="orange", gps=True))
    before = tmp_path / "before.jpg"
    before.write_bytes(jpeg_bytes(color="gray"))
    after = tmp_path / "after.jpg"
    after.write_bytes(jpeg_bytes(color="green"))
    category = Category.objects.get(code="09006")

    # The parent scans the card's QR code and files from a phone.
    page.goto(f"{live_server.url}/complaints/new/?area={tree.community_a.code}")
    page.select_option("#id_category", str(category.pk))
    page.fill(
        "#id_description",
        "放学时间西苑小学东门有十余个流动摊点占道经营，学生通行困难。",
    )
    page.fill("#id_address", "西苑小学东门")
    page.fill("#id_phone", "13912345678")
    page.set_input_files("#id_photos", str(photo))
    page.check("#id_consent")
    page.click("form button[type=submit]:has-text('提交')")
    page.wait_for_url("**/complaints/new/done/")
    reference = page.locator(".reference").inner_text().strip()
    assert re.fullmatch(r"\d{8}-\d{4}", reference)
    assert tree.unit_a.name in page.locator(".handler").inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "loop-1-receipt.png"), full_page=True)
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.attachments.filter(kind=Attachment.Kind.CITIZEN).count() == 1

    # The command centre accepts and dispatches in the admin.
    desk_context, desk = sign_in(browser, live_server, "dispatcher")
    act(desk, live_server, complaint, "accept")
    desk.fill("textarea[name=opinion]", "属实，予以立案。")
    submit_and_expect(desk, "registered", complaint)
    act(desk, live_server, complaint, "dispatch")
    assert desk.locator("select[name=squad]").input_value() == str(tree.unit_a.pk)
    submit_and_expect(desk, "dispatched", complaint)

    # The squad leader signs for it and reports with before and after photos.
    leader_context, leader = sign_in(browser, live_server, "leader_a")
    act(leader, live_server, complaint, "sign")
    submit_and_expect(leader, "processing", complaint)
    act(leader, live_server, complaint, "dispose")
    leader.check("input[name=method][value=service]")
    leader.fill("textarea[name=resolution]", "已将摊贩引导至西苑便民市场免费摊位经营。")
    leader.set_input_files("input[name=photos_before]", str(before))
    leader.set_input_files("input[name=photos_after]", str(after))
    submit_and_expect(leader, "disposed", complaint)
    leader.screenshot(path=str(SHOTS / "loop-2-admin-case.png"), full_page=True)

    # The desk verifies and closes.
    act(desk, live_server, complaint, "verify")
    submit_and_expect(desk, "closed", complaint)

    # The phone that filed it sees the case at once; another device needs the
    # reference and the last 4 digits of the phone.
    page.goto(f"{live_server.url}/complaints/track/?reference={reference}")
    assert reference in page.locator("main").inner_text()
    assert page.locator(".track-form").count() == 0
    home_context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = home_context.new_page()
    page.goto(f"{live_server.url}/complaints/track/?reference={reference}")
    page.fill("input[name=phone_last4]", "5678")
    page.click(".track-form button[type=submit]")
    timeline = page.locator("body").inner_text()
    assert tree.unit_a.name in timeline
    assert "已将摊贩引导至西苑便民市场免费摊位经营" in timeline
    assert "孙队长" not in timeline and "钱受理" not in timeline
    assert "13912345678" not in page.content()
    page.check("input[name=satisfaction][value=satisfied]")
    page.click(".rate-form button[type=submit]")
    # The rating redirects back to the case with a thank-you note.
    page.locator(".messages .message-success").wait_for()
    assert "感谢您对本案办理情况的评价" in page.locator(".messages").inner_text()
    page.screenshot(path=str(SHOTS / "loop-3-tracking.png"), full_page=True)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.satisfaction) == ("closed", "satisfied")
    assert list(
        complaint.events.order_by("created_at", "id").values_list("action", flat=True)
    ) == ["submit", "accept", "dispatch", "sign", "dispose", "verify", "rate"]
    for context in (desk_context, leader_context, home_context):
        context.close()
