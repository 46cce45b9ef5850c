"""A citizen follows a case with reference + last 4 digits, and rates the result."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from citymgmt.photos import prepare_photo
from complaints.models import Category, Complaint, ComplaintEvent, Status
from complaints.services import complaint_act, complaint_submit

PHONE = "13912345678"
CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


pytestmark = pytest.mark.usefixtures("empty_cache", "media_root")


def photo(name: str):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 90, 160)).save(buffer, "JPEG")
    return prepare_photo(SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg"))


@pytest.fixture
def complaint(tree) -> Complaint:
    return complaint_submit(
        category=Category.objects.get(code="09006"),
        description="放学时西苑小学东门有流动摊贩占道经营。",
        address="西苑小学东门",
        community=tree.community_a,
        phone=PHONE,
        citizen_name="张女士",
    )


def handle(
    complaint, *, dispatcher, squad_leader, result="摊贩已引导进入便民市场经营。"
):
    """Take a submitted (or reopened) case through to disposed."""
    if complaint.status == Status.SUBMITTED:
        complaint = complaint_act(complaint=complaint, action="accept", by=dispatcher)
        complaint = complaint_act(complaint=complaint, action="dispatch", by=dispatcher)
        complaint = complaint_act(complaint=complaint, action="sign", by=squad_leader)
    return complaint_act(
        complaint=complaint,
        action="dispose",
        by=squad_leader,
        method="service",
        result=result,
        photos_before=[photo("before.jpg")],
        photos_after=[photo("after.jpg")],
    )


@pytest.fixture
def closed(complaint, dispatcher, squad_leader) -> Complaint:
    disposed = handle(complaint, dispatcher=dispatcher, squad_leader=squad_leader)
    return complaint_act(complaint=disposed, action="verify", by=dispatcher)


def track(client, reference, last4, **extra):
    return client.post(
        "/complaints/track/",
        {"reference": reference, "phone_last4": last4},
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def open_case(client, complaint):
    response = track(client, complaint.reference, PHONE[-4:], follow=True)
    assert response.status_code == 200
    return response.content.decode()


def rate(client, complaint, satisfaction, comment=""):
    return client.post(
        "/complaints/track/rate/",
        {
            "reference": complaint.reference,
            "phone_last4": PHONE[-4:],
            "satisfaction": satisfaction,
            "comment": comment,
        },
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )


def test_track_form_prefills_the_reference_from_the_link(citizen, complaint):
    html = citizen.get(
        "/complaints/track/", {"reference": complaint.reference}
    ).content.decode()
    assert f'value="{complaint.reference}"' in html
    assert 'name="phone_last4"' in html
    assert "西苑小学东门" not in html  # the link alone shows nothing of the case


def test_right_pair_shows_the_public_timeline_without_staff_names_or_phones(
    citizen, closed, tree, dispatcher, squad_leader
):
    response = track(citizen, closed.reference, "5678")
    assert response.status_code == 302
    html = citizen.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert closed.reference in html
    assert "Trading on the road" in html
    assert "closed" in html
    assert tree.unit_a.name in html
    for sentence in (
        "Your complaint was received.",
        "Accepted and registered by the command centre.",
        f"Sent to {tree.unit_a.name} for handling.",
        f"{tree.unit_a.name} has started handling it.",
        f"Handled by {tree.unit_a.name}.",
        "Result: 摊贩已引导进入便民市场经营。",
        "Method: service",
        "Checked by the command centre and closed.",
    ):
        assert sentence in html
    times = re.findall(r"<time[^>]*>(\d{4}-\d\d-\d\d \d\d:\d\d)</time>", html)
    assert len(times) == 6
    assert timezone.localtime(closed.submitted_at).strftime("%Y-%m-%d %H:%M") in times
    for secret in ("钱受理", "孙队长", "dispatcher", "leader_a", PHONE, "13805360"):
        assert secret not in html
    assert tree.unit_a.duty_phone not in html


def test_private_events_are_left_out_of_the_timeline(citizen, complaint, dispatcher):
    complaint = complaint_act(complaint=complaint, action="accept", by=dispatcher)
    ComplaintEvent.objects.create(
        complaint=complaint,
        action="extension_request",
        opinion="内部备注：当事人情绪激动",
        is_public=False,
        created_at=timezone.now(),
    )
    html = open_case(citizen, complaint)
    assert "内部备注" not in html
    assert "Accepted and registered" in html


def test_wrong_last4_and_unknown_reference_get_the_same_answer(citizen, complaint):
    wrong_digits = track(citizen, complaint.reference, "0000")
    unknown = track(citizen, "20200101-9999", "0000")

    assert wrong_digits.status_code == unknown.status_code == 200
    assert "No case matches this reference and phone number" in unknown.content.decode()

    def normalised(response, reference):
        body = CSRF_RE.sub(b"", response.content)
        return body.replace(reference.encode(), b"REFERENCE")

    assert normalised(wrong_digits, complaint.reference) == normalised(
        unknown, "20200101-9999"
    )
    assert f'value="{complaint.reference}"' in wrong_digits.content.decode()


def test_the_reference_may_be_typed_without_the_hyphen_or_in_full_width(
    citizen, complaint
):
    plain = complaint.reference.replace("-", "")
    wide = plain.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for typed in (plain, wide):
        response = track(citizen, typed, "5678")
        assert response.status_code == 302


@pytest.mark.parametrize(
    ("reference", "last4", "message"),
    [
        ("", "5678", "Enter the reference you were given"),
        ("hello", "5678", "A reference is 8 digits, a hyphen and 4 digits"),
        ("20261123-0042", "56", "Enter the last 4 digits"),
        ("20261123-0042", "abcd", "Enter the last 4 digits"),
    ],
)
def test_malformed_input_gets_a_message_and_keeps_the_reference(
    citizen, complaint, reference, last4, message
):
    html = track(citizen, reference, last4).content.decode()
    assert message in html
    if reference:
        assert f'value="{reference}"' in html


def test_another_browser_cannot_open_a_case_by_its_link_alone(
    citizen, client, complaint
):
    open_case(citizen, complaint)
    url = f"/complaints/track/?reference={complaint.reference}"
    assert "Progress" in citizen.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    stranger = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Progress" not in stranger
    assert 'name="phone_last4"' in stranger


def test_tracking_is_throttled_after_ten_tries_a_minute(citizen, complaint, settings):
    count, _window = settings.COMPLAINT_TRACK_RATE
    settings.COMPLAINT_TRACK_RATE = (count, 86_400)  # never straddle two windows
    # Other references each time: the per-reference lock is not what is tested.
    for n in range(count):
        assert track(citizen, f"20990101-{n + 1:04d}", "0000").status_code == 200
    response = track(citizen, complaint.reference, "5678")
    html = response.content.decode()
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Please try again in" in html
    assert f'value="{complaint.reference}"' in html
    assert "Progress" not in html


def test_the_filer_sees_the_case_right_after_submitting(citizen, tree):
    citizen.post(
        "/complaints/new/",
        {
            "category": str(Category.objects.get(code="09006").pk),
            "description": "放学时西苑小学东门有流动摊贩占道经营。",
            "address": "西苑小学东门",
            "community": str(tree.community_a.pk),
            "phone": PHONE,
            "consent": "on",
        },
    )
    reference = Complaint.objects.get().reference
    html = citizen.get(
        f"/complaints/track/?reference={reference}", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Your complaint was received." in html
    assert f"{tree.unit_a.name}, once the command centre confirms it" in html


def test_timeline_explains_a_rejection_with_its_referral(citizen, tree, dispatcher):
    complaint = complaint_submit(
        category=Category.objects.get(code="10901"),
        description="小区物业费上涨，物业服务却越来越差。",
        address="西苑小区",
        community=tree.community_a,
        phone=PHONE,
    )
    complaint_act(
        complaint=complaint,
        action="reject",
        by=dispatcher,
        opinion="物业服务纠纷不属于城管职责。",
    )
    html = open_case(citizen, complaint)
    assert "Not accepted." in html
    assert "Reason: 物业服务纠纷不属于城管职责。" in html
    assert "This matter is handled by 住建部门（物业主管部门）" in html
    assert 'action="/complaints/track/rate/"' not in html


def test_timeline_names_the_earlier_case_of_a_merged_duplicate(
    citizen, complaint, tree, dispatcher
):
    second = complaint_submit(
        category=complaint.category,
        description="西苑小学门口又有人摆摊卖东西了。",
        address="西苑小学",
        community=tree.community_a,
        phone="13700001111",
    )
    complaint_act(
        complaint=second, action="merge", by=dispatcher, duplicate_of=complaint
    )
    response = track(citizen, second.reference, "1111", follow=True)
    html = response.content.decode()
    assert "Merged with an earlier case" in html
    assert f"It is handled together with case {complaint.reference}." in html


# Rating


def test_rating_form_appears_only_once_the_case_is_closed(
    citizen, complaint, dispatcher, squad_leader
):
    disposed = handle(complaint, dispatcher=dispatcher, squad_leader=squad_leader)
    assert 'action="/complaints/track/rate/"' not in open_case(citizen, disposed)
    complaint_act(complaint=disposed, action="verify", by=dispatcher)
    html = open_case(citizen, disposed)
    assert 'action="/complaints/track/rate/"' in html
    for label in ("satisfied", "basically satisfied", "dissatisfied"):
        assert f"<span>{label}</span>" in html


def test_satisfied_rating_is_recorded_and_confirmed(citizen, closed):
    response = rate(citizen, closed, "satisfied", comment="处理得很快，谢谢！")
    html = response.content.decode()
    assert response.redirect_chain[-1][1] == 302
    assert "Thank you for rating the handling of your case." in html
    assert "Your rating: satisfied." in html
    assert "Your comment: 处理得很快，谢谢！" in html
    assert "You rated this case: satisfied." in html
    assert 'action="/complaints/track/rate/"' not in html
    closed.refresh_from_db()
    assert closed.satisfaction == "satisfied"
    assert closed.status == Status.CLOSED


def test_dissatisfied_reopens_once_then_only_records(
    citizen, closed, tree, dispatcher, squad_leader
):
    html = rate(
        citizen, closed, "dissatisfied", comment="摊贩第二天又回来了。"
    ).content.decode()
    closed.refresh_from_db()
    assert closed.status == Status.PROCESSING
    assert closed.reopen_count == 1
    assert closed.squad == tree.unit_a
    assert f"reopened and sent back to {tree.unit_a.name}" in html
    assert f"Reopened at your request and sent back to {tree.unit_a.name}." in html
    assert "being handled" in html

    again = handle(closed, dispatcher=dispatcher, squad_leader=squad_leader)
    complaint_act(complaint=again, action="verify", by=dispatcher)
    html = rate(citizen, closed, "dissatisfied").content.decode()
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED
    assert closed.reopen_count == 1
    assert closed.satisfaction == "dissatisfied"
    assert "The case was reopened once already, so it stays closed" in html
    assert tree.unit_a.supervision_phone in html


def test_rating_after_the_rating_period_is_refused_with_a_reason(
    citizen, closed, settings
):
    Complaint.objects.filter(pk=closed.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.COMPLAINT_RATING_DAYS + 1)
    )
    html = open_case(citizen, closed)
    assert 'action="/complaints/track/rate/"' not in html
    assert "The time for rating this case has passed." in html

    response = rate(citizen, closed, "satisfied")
    html = response.content.decode()
    assert response.status_code == 200
    assert "This case can no longer be rated" in html
    closed.refresh_from_db()
    assert closed.satisfaction == ""


def test_rating_twice_is_refused_with_a_reason(citizen, closed):
    rate(citizen, closed, "basically")
    html = rate(citizen, closed, "satisfied").content.decode()
    assert "You rated this case: basically satisfied." in html
    closed.refresh_from_db()
    assert closed.satisfaction == "basically"


def test_rating_needs_a_choice_and_keeps_the_comment(citizen, closed):
    response = rate(citizen, closed, "", comment="还行吧")
    html = response.content.decode()
    assert "Choose how satisfied you are." in html
    assert "还行吧" in html
    closed.refresh_from_db()
    assert closed.satisfaction == ""


def test_rating_with_a_wrong_pair_gets_the_no_match_answer(citizen, closed):
    response = citizen.post(
        "/complaints/track/rate/",
        {
            "reference": closed.reference,
            "phone_last4": "0000",
            "satisfaction": "dissatisfied",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (
        "No case matches this reference and phone number" in response.content.decode()
    )
    closed.refresh_from_db()
    assert closed.satisfaction == "" and closed.status == Status.CLOSED


def test_rating_shares_the_tracking_throttle(citizen, closed, settings):
    settings.COMPLAINT_TRACK_RATE = (1, 86_400)
    track(citizen, closed.reference, "5678")
    response = citizen.post(
        "/complaints/track/rate/",
        {
            "reference": closed.reference,
            "phone_last4": "5678",
            "satisfaction": "satisfied",
            "comment": "很好",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert "很好" in response.content.decode()
    closed.refresh_from_db()
    assert closed.satisfaction == ""


def test_tracking_page_works_in_chinese(citizen, closed, tree):
    response = citizen.post(
        "/complaints/track/",
        {"reference": closed.reference, "phone_last4": "5678"},
        follow=True,
    )
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "占道经营" in html
    assert tree.unit_a.name in html
