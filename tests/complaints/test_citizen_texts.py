"""The words a citizen reads in Chinese: what a 不满意 rating did, and label colons."""

from __future__ import annotations

import re

import pytest

from complaints.models import Category, Complaint
from complaints.services import complaint_act, complaint_submit
from tests.complaints.test_intake import form_data
from tests.complaints.test_tracking import PHONE, handle
from tests.squads.factories import WorkstationFactory

pytestmark = pytest.mark.usefixtures("empty_cache", "media_root")

# A Chinese character, then an ASCII colon: a label that should end in "：".
HALF_WIDTH_LABEL = re.compile(r"[\u4e00-\u9fff）] ?:(?!//)")


@pytest.fixture
def closed(tree, dispatcher, squad_leader) -> Complaint:
    """A case handled by squadron A and verified: the citizen may rate it."""
    complaint = complaint_submit(
        category=Category.objects.get(code="09006"),
        description="放学时西苑小学东门有流动摊贩占道经营。",
        address="西苑小学东门",
        community=tree.community_a,
        phone=PHONE,
    )
    disposed = handle(complaint, dispatcher=dispatcher, squad_leader=squad_leader)
    return complaint_act(complaint=disposed, action="verify", by=dispatcher)


def _text(html: str) -> str:
    """What the page shows, roughly: no tags, scripts, styles or attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_dissatisfied_rating_says_the_case_went_back_for_rework(citizen, closed, tree):
    response = citizen.post(
        "/complaints/track/rate/",
        {
            "reference": closed.reference,
            "phone_last4": PHONE[-4:],
            "satisfaction": "dissatisfied",
            "comment": "摊贩第二天又回来了。",
        },
        follow=True,
    )
    html = response.content.decode()
    assert f"案件已退回{tree.unit_a.name}重办" in html  # the message
    assert f"根据您的评价，案件已退回{tree.unit_a.name}重办。" in html  # the timeline
    assert "重新办理" not in html


def test_rating_hint_says_a_dissatisfied_case_goes_back_for_rework(citizen, closed):
    response = citizen.post(
        "/complaints/track/",
        {"reference": closed.reference, "phone_last4": PHONE[-4:]},
        follow=True,
    )
    html = response.content.decode()
    assert "如您不满意，案件将退回原执法队伍重办一次。" in html
    assert "重新办理" not in html


def test_citizen_pages_in_chinese_end_labels_with_full_width_colons(
    citizen, tree, published_card, closed
):
    WorkstationFactory(community=tree.community_a, name="西苑社区城管工作站")
    filed = citizen.post("/complaints/new/", form_data(tree))
    assert filed.status_code == 302
    done = citizen.get("/complaints/new/done/").content.decode()
    assert "值班电话：" in done
    tracked = citizen.post(
        "/complaints/track/",
        {"reference": closed.reference, "phone_last4": PHONE[-4:]},
        follow=True,
    ).content.decode()
    pages = {
        "done": done,
        "track": tracked,
        "home": citizen.get("/").content.decode(),
        "form": citizen.get("/complaints/new/").content.decode(),
        "card": citizen.get(f"/squads/{tree.unit_a.code}/card/").content.decode(),
        "directory": citizen.get("/squads/").content.decode(),
        "workstations": citizen.get("/squads/workstations/").content.decode(),
    }
    found = {
        name: HALF_WIDTH_LABEL.findall(_text(html))
        for name, html in pages.items()
        if HALF_WIDTH_LABEL.search(_text(html))
    }
    assert found == {}


def test_case_panel_in_the_admin_uses_full_width_colons(client_for, dispatcher, closed):
    case = Complaint.objects.get(pk=closed.pk)
    html = (
        client_for(dispatcher)
        .get(f"/admin/complaints/complaint/{case.pk}/change/")
        .content.decode()
    )
    assert "手机号码：" in html
    assert "手机号码:" not in html
