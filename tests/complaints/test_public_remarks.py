"""One rule decides which staff words a citizen reads, on the page and in the API."""

from __future__ import annotations

import pytest

from complaints import services
from tests.complaints.factories import PHONE, photo, submit

TRACK_API = "/api/v1/complaints/track/"
INTERNAL = {
    "accept": "内部备注：受理员甲核实过",
    "dispatch": "内部备注：派给一中队",
    "sign": "内部备注：孙队长签收",
    "verify": "内部备注：视频复核",
    "rework": "内部备注：照片不清楚",
}
RESULT = "已引导摊贩进入西苑便民市场经营。"


@pytest.fixture
def case_with_remarks(tree, users):
    """A case that went through every step with a remark, one rework included."""
    case = submit(tree)
    desk, leader = users["dispatcher"], users["squad_leader"]
    case = services.complaint_accept(
        complaint=case, by=desk, opinion=INTERNAL["accept"]
    )
    case = services.complaint_dispatch(
        complaint=case, by=desk, opinion=INTERNAL["dispatch"]
    )
    case = services.complaint_sign(complaint=case, by=leader, opinion=INTERNAL["sign"])
    photos = {"photos_before": [photo("gray")], "photos_after": [photo("green")]}
    case = services.complaint_dispose(
        complaint=case, by=leader, method="service", result="初次处理", **photos
    )
    case = services.complaint_rework(
        complaint=case, by=desk, opinion=INTERNAL["rework"]
    )
    case = services.complaint_dispose(
        complaint=case, by=leader, method="service", result=RESULT, **photos
    )
    return services.complaint_verify(
        complaint=case, by=desk, opinion=INTERNAL["verify"]
    )


def test_the_tracking_api_shows_no_internal_remark(citizen, case_with_remarks):
    response = citizen.get(
        TRACK_API,
        {"reference": case_with_remarks.reference, "phone_last4": PHONE[-4:]},
    )

    assert response.status_code == 200
    body = response.content.decode()
    for remark in INTERNAL.values():
        assert remark not in body
    texts = {e["action"]: e["text"] for e in response.json()["timeline"]}
    assert texts["dispose"] == RESULT
    assert texts["accept"] == texts["sign"] == texts["verify"] == ""


def test_the_page_and_the_api_show_the_same_words(citizen, case_with_remarks):
    page = citizen.post(
        "/complaints/track/",
        {"reference": case_with_remarks.reference, "phone_last4": PHONE[-4:]},
        follow=True,
    ).content.decode()
    api = citizen.get(
        TRACK_API,
        {"reference": case_with_remarks.reference, "phone_last4": PHONE[-4:]},
    ).json()

    shown = [e["text"] for e in api["timeline"] if e["text"]]
    assert shown and all(text in page for text in shown)
    for remark in INTERNAL.values():
        assert remark not in page


def test_a_rejection_still_shows_its_reason_in_the_api(tree, citizen, users):
    case = services.complaint_reject(
        complaint=submit(tree), by=users["dispatcher"], opinion="不属于城管职责范围"
    )
    response = citizen.get(
        TRACK_API, {"reference": case.reference, "phone_last4": PHONE[-4:]}
    )

    texts = {e["action"]: e["text"] for e in response.json()["timeline"]}
    assert texts["reject"] == "不属于城管职责范围"
