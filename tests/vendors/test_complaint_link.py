"""From a case disposed by guiding the vendor into a market (721 service, 引导入市)
to the relocation ledger: the case page's panel, offering with the case preset,
linking an existing relocation, and what the case's timeline says."""

from __future__ import annotations

import pytest
from django.utils import translation

from citymgmt.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from complaints.models import Status
from complaints.services import complaint_act
from tests.complaints.factories import (
    fresh,
    jpeg_bytes,
    photo,
    submit,
    upload,
    walk_to,
)
from tests.conftest import EN
from tests.vendors.factories import make_market, make_vendor, stall
from vendors import services
from vendors.models import Relocation

pytestmark = pytest.mark.usefixtures("empty_cache")

CASES = "/admin/complaints/complaint"
OFFER = "/admin/vendors/relocation/add/"
LINK = "/admin/vendors/relocation/link-complaint/"
TRACK = "/api/v1/complaints/track/"
VENDOR_PHONE = "13912340001"


def case_url(case) -> str:
    return f"{CASES}/{case.pk}/change/"


def text(response) -> str:
    return response.content.decode()


def dispose(case, by, *, guided: bool = True, method: str = "service"):
    return complaint_act(
        complaint=case,
        action="dispose",
        by=by,
        method=method,
        result="已劝导摊贩进入西苑便民市场经营。",
        photos_before=[photo("gray")],
        photos_after=[photo("green")],
        guided_into_market=guided,
    )


@pytest.fixture
def guided_case(tree, users):
    """A case of unit A disposed by service with the vendor guided into a market."""
    return dispose(walk_to(submit(tree), "processing", users), users["squad_leader"])


@pytest.fixture
def market(tree, squad_leader):
    return make_market(tree, squad_leader)


# --- disposing with the outcome -----------------------------------------------


def test_the_dispose_form_records_guided_into_a_market(client_for, tree, users):
    case = walk_to(submit(tree), "processing", users)
    c = client_for(users["squad_leader"])
    assert 'name="guided_into_market"' in text(
        c.get(f"{CASES}/{case.pk}/act/dispose/", **EN)
    )
    response = c.post(
        f"{CASES}/{case.pk}/act/dispose/",
        {
            "expected_status": "processing",
            "method": "service",
            "resolution": "已引导摊贩进入西苑便民市场。",
            "guided_into_market": "on",
            "photos_before": [upload(jpeg_bytes(color="gray"), "b.jpg")],
            "photos_after": [upload(jpeg_bytes(color="green"), "a.jpg")],
        },
        **EN,
    )
    assert response.status_code == 302, text(response)[:2000]
    event = fresh(case).events.get(action="dispose")
    assert event.payload == {"method": "service", "guided_into_market": True}
    page = text(c.get(case_url(case), **EN))
    assert "guided into a market" in page  # the timeline's details
    assert "Record a relocation" in page


def test_guided_into_a_market_with_another_method_is_refused_on_the_form(
    client_for, tree, users
):
    case = walk_to(submit(tree), "processing", users)
    response = client_for(users["squad_leader"]).post(
        f"{CASES}/{case.pk}/act/dispose/",
        {
            "expected_status": "processing",
            "method": "enforcement",
            "resolution": "已依法处罚。",
            "guided_into_market": "on",
        },
        **EN,
    )
    assert response.status_code == 200
    assert "Guiding a vendor into a market is a service outcome" in text(response)
    assert "已依法处罚。" in text(response)  # what was typed is kept
    case = fresh(case)
    assert case.status == Status.PROCESSING
    assert not case.events.filter(action="dispose").exists()


def test_the_service_refuses_the_outcome_without_the_method_service(tree, users):
    case = walk_to(submit(tree), "processing", users)
    with pytest.raises(InvalidInput) as refused:
        dispose(case, users["squad_leader"], method="management")
    assert refused.value.field == "guided_into_market"
    assert fresh(case).status == Status.PROCESSING


# --- the case page's panel ---------------------------------------------------------


def test_the_leader_is_offered_to_record_a_relocation_from_the_case(
    guided_case, client_for, users
):
    page = text(client_for(users["squad_leader"]).get(case_url(guided_case), **EN))
    assert "Guided into a market (relocations)" in page
    assert "No relocation is recorded for this case yet." in page
    assert f'href="{OFFER}?complaint={guided_case.pk}"' in page
    zh = text(client_for(users["squad_leader"]).get(case_url(guided_case)))
    assert "引导入市（入市记录）" in zh
    assert "登记引导入市" in zh


def test_another_unit_never_sees_the_case_nor_its_offer_link(
    guided_case, client_for, users
):
    other = client_for(users["other_squad_leader"])
    assert other.get(case_url(guided_case)).status_code == 404
    assert other.get(f"{OFFER}?complaint={guided_case.pk}").status_code == 404


def test_the_desk_sees_the_panel_without_the_offer_link(guided_case, client_for, users):
    page = text(client_for(users["dispatcher"]).get(case_url(guided_case), **EN))
    assert "Guided into a market (relocations)" in page
    assert "Record a relocation" not in page


def test_a_service_disposal_without_the_outcome_has_no_panel(tree, users, client_for):
    case = walk_to(submit(tree), "disposed", users)  # method service, not guided
    page = text(client_for(users["squad_leader"]).get(case_url(case), **EN))
    assert "Record a relocation" not in page
    assert "Guided into a market (relocations)" not in page


# --- offering from the case --------------------------------------------------------


def test_offering_from_the_case_creates_the_relocation_and_the_timeline_line(
    guided_case, market, client_for, users, citizen
):
    vendor = make_vendor(users["officer"], phone=VENDOR_PHONE)
    c = client_for(users["squad_leader"])
    form = text(c.get(f"{OFFER}?complaint={guided_case.pk}", **EN))
    assert f'name="origin_complaint" value="{guided_case.pk}"' in form
    assert guided_case.reference in form
    response = c.post(
        f"{OFFER}?complaint={guided_case.pk}",
        {
            "vendor": vendor.pk,
            "market": market.pk,
            "stall": stall(market).pk,
            "origin_complaint": guided_case.pk,
            "note": "同意入市",
        },
        **EN,
    )
    assert response.status_code == 302, text(response)[:3000]
    assert response["Location"] == case_url(guided_case)
    relocation = Relocation.objects.get()
    assert relocation.origin_complaint == guided_case
    assert relocation.squad == guided_case.squad
    event = guided_case.events.get(action="relocation_linked")
    assert event.payload == {
        "relocation": relocation.pk,
        "market": market.name,
        "stall": "A01",
    }

    page = text(c.get(case_url(guided_case), **EN))
    assert "Vendor guided into a market" in page  # the staff timeline
    assert f"/admin/vendors/relocation/{relocation.pk}/change/" in page
    assert vendor.name in page
    assert "139****0001" in page
    assert VENDOR_PHONE not in page

    # The citizen reads where the vendor went, never who the vendor is.
    proof = {"reference": guided_case.reference, "phone_last4": "5678"}
    tracking = citizen.post("/complaints/track/", proof, follow=True, **EN)
    assert tracking.status_code == 200
    assert f"A street vendor was guided into {market.name}." in text(tracking)
    tracked = citizen.get(TRACK, proof, **EN)
    assert tracked.status_code == 200
    entry = tracked.json()["timeline"][-1]
    assert entry["action"] == "relocation_linked"
    assert entry["details"] == {"market": market.name}
    for body in (text(tracking), text(tracked)):
        assert vendor.name not in body
        assert VENDOR_PHONE not in body
        assert "139****0001" not in body


def test_another_units_case_cannot_be_the_origin_of_an_offer(
    guided_case, market, tree, client_for, other_squad_leader
):
    vendor_b = make_vendor(other_squad_leader, name="王大姐", phone="13912340002")
    response = client_for(other_squad_leader).post(
        f"{OFFER}?complaint={guided_case.pk}",
        {
            "vendor": vendor_b.pk,
            "market": market.pk,
            "origin_complaint": guided_case.pk,
        },
    )
    assert response.status_code == 404
    # Without the query string the hidden field is checked against the scope.
    response = client_for(other_squad_leader).post(
        OFFER,
        {
            "vendor": vendor_b.pk,
            "market": market.pk,
            "origin_complaint": guided_case.pk,
        },
    )
    assert response.status_code == 200
    assert not Relocation.objects.exists()
    assert not guided_case.events.filter(action="relocation_linked").exists()


# --- linking an existing relocation ----------------------------------------------


def test_linking_an_existing_relocation_from_the_case_page(
    guided_case, market, client_for, users
):
    vendor = make_vendor(users["officer"], phone=VENDOR_PHONE)
    relocation = services.relocation_offer(
        vendor=vendor, market=market, by=users["officer"]
    )
    c = client_for(users["squad_leader"])
    page = text(c.get(case_url(guided_case), **EN))
    assert f'<option value="{relocation.pk}">' in page
    assert VENDOR_PHONE not in page

    response = c.post(
        LINK, {"complaint": guided_case.pk, "relocation": relocation.pk}, **EN
    )
    assert response.status_code == 302
    assert response["Location"] == case_url(guided_case)
    relocation.refresh_from_db()
    assert relocation.origin_complaint == guided_case
    assert relocation.status == "offered"
    assert relocation.events.filter(action="link_complaint").count() == 1
    assert guided_case.events.filter(action="relocation_linked").count() == 1
    page = text(c.get(case_url(guided_case), **EN))
    assert f"/admin/vendors/relocation/{relocation.pk}/change/" in page
    assert f'<option value="{relocation.pk}">' not in page  # linked: no longer offered


def test_linking_another_units_relocation_answers_404(
    guided_case, market, client_for, squad_leader, other_squad_leader
):
    vendor_b = make_vendor(other_squad_leader, name="王大姐", phone="13912340002")
    theirs = services.relocation_offer(
        vendor=vendor_b, market=market, by=other_squad_leader
    )
    response = client_for(squad_leader).post(
        LINK, {"complaint": guided_case.pk, "relocation": theirs.pk}
    )
    assert response.status_code == 404
    with pytest.raises(NotFound):
        services.relocation_link_complaint(
            relocation=theirs, complaint=guided_case, by=squad_leader
        )
    theirs.refresh_from_db()
    assert theirs.origin_complaint is None
    assert not guided_case.events.filter(action="relocation_linked").exists()


def test_a_supervisor_cannot_link_a_relocation_of_another_unit(
    guided_case, market, users
):
    vendor_b = make_vendor(users["other_squad_leader"], name="王大姐")
    theirs = services.relocation_offer(
        vendor=vendor_b, market=market, by=users["other_squad_leader"]
    )
    with translation.override("en"), pytest.raises(NotAllowed, match="another unit"):
        services.relocation_link_complaint(
            relocation=theirs, complaint=guided_case, by=users["supervisor"]
        )


def test_a_relocation_already_linked_is_refused_and_keeps_its_case(
    guided_case, tree, market, client_for, users
):
    other_case = dispose(
        walk_to(submit(tree), "processing", users), users["squad_leader"]
    )
    vendor = make_vendor(users["officer"])
    relocation = services.relocation_offer(
        vendor=vendor, market=market, by=users["officer"], origin_complaint=other_case
    )
    with (
        translation.override("en"),
        pytest.raises(NotAllowed, match="already comes from another case"),
    ):
        services.relocation_link_complaint(
            relocation=relocation, complaint=guided_case, by=users["squad_leader"]
        )
    with (
        translation.override("en"),
        pytest.raises(NotAllowed, match="already linked to this case"),
    ):
        services.relocation_link_complaint(
            relocation=relocation, complaint=other_case, by=users["squad_leader"]
        )
    c = client_for(users["squad_leader"])
    response = c.post(
        LINK, {"complaint": guided_case.pk, "relocation": relocation.pk}, **EN
    )
    assert response.status_code == 302
    page = text(c.get(case_url(guided_case), **EN))
    assert "already comes from another case" in page
    relocation.refresh_from_db()
    assert relocation.origin_complaint == other_case
    assert not guided_case.events.filter(action="relocation_linked").exists()
    assert other_case.events.filter(action="relocation_linked").count() == 1


def test_a_dispatcher_may_not_link(guided_case, market, users):
    relocation = services.relocation_offer(
        vendor=make_vendor(users["officer"]), market=market, by=users["officer"]
    )
    with pytest.raises(Forbidden):
        services.relocation_link_complaint(
            relocation=relocation, complaint=guided_case, by=users["dispatcher"]
        )
