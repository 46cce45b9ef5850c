"""The vendors' staff tool: scoped lists with pinned queries, the stall grid,
the relocation's page and action forms, and what is masked."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.vendors.factories import (
    days_ago,
    fresh,
    make_hotspot,
    make_market,
    make_vendor,
    moved,
    stall,
)
from vendors import services
from vendors.models import Hotspot, HotspotWindow, Relocation, StallStatus, Vendor

pytestmark = pytest.mark.usefixtures("empty_cache")

ADMIN = "/admin/vendors"
IDENTITY = "370781195501011234"


@pytest.fixture
def ledger(tree, squad_leader, officer):
    """A market with stalls, a hotspot, vendors moved in, a duty post and a check-in."""
    market = make_market(tree, squad_leader, stalls=6)
    hotspot = make_hotspot(tree, squad_leader)
    relocations = []
    for i in range(3):
        vendor = make_vendor(
            officer,
            name=f"摊主{i}",
            phone=f"1391234000{i}",
            identity_number=IDENTITY,
            identity_consent=True,
            usual_hotspot=hotspot,
        )
        relocation = moved(officer, market, vendor=vendor, number=f"A0{i + 1}")
        services.followup_record(
            relocation=relocation, by=officer, visited_on=days_ago(30), present=True
        )
        relocations.append(relocation)
    post = services.duty_post_save(
        hotspot=hotspot,
        by=squad_leader,
        date=days_ago(1),
        start=time(15, 30),
        end=time(17, 0),
    )
    services.checkin_record(post=post, by=officer, vendors_present=2)
    return {
        "market": market,
        "hotspot": hotspot,
        "relocations": relocations,
        "post": post,
    }


def _count(client, url) -> int:
    client.get(url)  # content types and permissions are cached per process
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


# Session, user with member, permissions and bell (one query, squads.auth),
# the unit tree below the leader's unit (2), the filters' choices other than
# the units (those come from the per-process reference data), the page's
# count and rows; the date drill-down of duty posts adds its own.
LIST_QUERIES = {
    "checkin": 6,
    "dutypost": 8,
    "hotspot": 6,
    "market": 6,
    "relocation": 7,
    "stall": 6,
    "vendor": 6,
}


@pytest.mark.parametrize("model", sorted(LIST_QUERIES))
def test_each_list_reads_a_fixed_number_of_queries(
    model, ledger, client_for, squad_leader, officer, tree, django_assert_num_queries
):
    c = client_for(squad_leader)
    url = f"{ADMIN}/{model}/"
    c.get(url)
    with django_assert_num_queries(LIST_QUERIES[model]):
        response = c.get(url)
    assert response.status_code == 200
    # More rows, the same queries.
    market = make_market(tree, squad_leader, name="二号市场", stalls=4)
    for i in range(3):
        vendor = make_vendor(officer, name=f"新摊主{i}", phone=f"1381234000{i}")
        moved(officer, market, vendor=vendor, number=f"A0{i + 1}")
    make_hotspot(tree, squad_leader, name="二中门口")
    with django_assert_num_queries(LIST_QUERIES[model]):
        assert c.get(url).status_code == 200


@pytest.mark.parametrize(
    "model", ["vendor", "relocation", "hotspot", "dutypost", "checkin", "stall"]
)
def test_another_units_leader_gets_404(model, ledger, client_for, other_squad_leader):
    rows = {
        "vendor": ledger["relocations"][0].vendor,
        "relocation": ledger["relocations"][0],
        "hotspot": ledger["hotspot"],
        "dutypost": ledger["post"],
        "checkin": ledger["post"].checkins.get(),
        "stall": stall(ledger["market"]),
    }
    c = client_for(other_squad_leader)
    response = c.get(f"{ADMIN}/{model}/{rows[model].pk}/change/")
    assert response.status_code == 404
    listing = c.get(f"{ADMIN}/{model}/").content.decode()
    assert str(rows[model]) not in listing or model == "stall"


def test_another_units_leader_cannot_act_on_a_relocation(
    ledger, client_for, other_squad_leader
):
    relocation = ledger["relocations"][0]
    c = client_for(other_squad_leader)
    response = c.post(
        f"{ADMIN}/relocation/{relocation.pk}/act/mark_returned/", {"note": "x"}
    )
    assert response.status_code == 404
    assert fresh(relocation).status == "moved"


def test_the_desk_sees_every_units_relocations(ledger, client_for, dispatcher):
    page = client_for(dispatcher).get(f"{ADMIN}/relocation/").content.decode()
    assert all(r.vendor.name in page for r in ledger["relocations"])


def test_another_unit_sees_the_market_but_may_not_edit_it(
    ledger, client_for, other_squad_leader
):
    market = ledger["market"]
    c = client_for(other_squad_leader)
    page = c.get(
        f"{ADMIN}/market/{market.pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert market.name in page
    assert 'name="_save"' not in page
    # The opening hours read as a week, not as the stored JSON.
    assert "星期一：" in page
    assert '"open"' not in page and "&quot;open&quot;" not in page
    c.post(
        f"{ADMIN}/market/{market.pk}/change/",
        {
            "name": "改名",
            "kind": "cluster",
            "address": "x",
            "community": market.community_id,
        },
    )
    market.refresh_from_db()
    assert market.name == "西苑便民市场"


# --- privacy ------------------------------------------------------------------


def test_identity_numbers_are_masked_in_the_list_and_on_the_page(
    ledger, client_for, squad_leader
):
    c = client_for(squad_leader)
    vendor = ledger["relocations"][0].vendor
    listing = c.get(f"{ADMIN}/vendor/").content.decode()
    page = c.get(f"{ADMIN}/vendor/{vendor.pk}/change/").content.decode()
    for html in (listing, page):
        assert IDENTITY not in html
        assert "370781********1234" in html
    # The list masks the phone too; the unit's own form shows it to edit.
    assert vendor.phone not in listing
    assert "139****0000" in listing


def test_an_identity_number_without_consent_is_refused_on_the_form(
    tree, client_for, squad_leader
):
    c = client_for(squad_leader)
    response = c.post(
        f"{ADMIN}/vendor/add/",
        {
            "name": "张大妈",
            "goods": "水果",
            "phone": "",
            "new_identity_number": IDENTITY,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "only with the vendor&#x27;s consent" in response.content.decode()
    assert not Vendor.objects.exists()


def test_a_vendor_phone_in_a_wrong_format_is_shown_on_the_form(
    tree, client_for, squad_leader
):
    c = client_for(squad_leader)
    response = c.post(
        f"{ADMIN}/vendor/add/",
        {"name": "张大妈", "goods": "水果", "phone": "1391234"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "11-digit mobile number" in response.content.decode()
    assert not Vendor.objects.exists()


def test_a_vendor_is_registered_from_the_admin(tree, client_for, squad_leader):
    c = client_for(squad_leader)
    response = c.post(
        f"{ADMIN}/vendor/add/",
        {
            "name": "张大妈",
            "goods": "水果",
            "phone": "139 1234 5678",
            "new_identity_number": IDENTITY,
            "identity_consent": "on",
            "is_hardship": "on",
        },
    )
    assert response.status_code == 302
    vendor = Vendor.objects.get()
    assert vendor.phone == "13912345678"
    assert vendor.squad == tree.unit_a
    assert vendor.identity_consent_at is not None


# --- the market's stall grid ----------------------------------------------------


def test_the_market_page_shows_its_stalls_by_status(ledger, client_for, squad_leader):
    market = ledger["market"]
    relocation = ledger["relocations"][0]
    services.relocation_mark_returned(
        relocation=relocation, by=squad_leader, note="走了"
    )
    page = (
        client_for(squad_leader)
        .get(f"{ADMIN}/market/{market.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert 'class="cd-stall cd-stall-occupied"' in page
    assert "vacant 4" in page
    assert "occupied 2" in page
    assert "reserved 0" in page


# --- relocations: page, actions, refusals --------------------------------------


def test_the_relocation_page_shows_its_timeline_and_buttons(
    ledger, client_for, squad_leader
):
    relocation = ledger["relocations"][0]
    page = (
        client_for(squad_leader)
        .get(f"{ADMIN}/relocation/{relocation.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    for text in ("Offer a stall", "Vendor accepts", "Move in", "Follow-up visit"):
        assert text in page
    assert "/act/mark_returned/" in page
    assert "/act/decline/" not in page
    assert 'name="status"' not in page  # never a raw edit of the status


def test_moving_in_through_the_action_form(tree, client_for, squad_leader, officer):
    market = make_market(tree, squad_leader)
    relocation = services.relocation_offer(
        vendor=make_vendor(officer), market=market, by=officer
    )
    services.relocation_accept(relocation=relocation, by=officer)
    c = client_for(officer)
    url = f"{ADMIN}/relocation/{relocation.pk}/act/move_in/"
    assert c.get(url).status_code == 200
    response = c.post(
        url,
        {
            "stall": stall(market, "A02").pk,
            "moved_on": days_ago(3).isoformat(),
            "expected_status": "accepted",
        },
    )
    assert response.status_code == 302
    relocation = fresh(relocation)
    assert relocation.status == "moved"
    assert relocation.stall.number == "A02"
    assert stall(market, "A02").status == StallStatus.OCCUPIED


def test_a_followup_before_the_move_shows_the_message_and_saves_nothing(
    ledger, client_for, officer
):
    relocation = ledger["relocations"][0]
    c = client_for(officer)
    response = c.post(
        f"{ADMIN}/relocation/{relocation.pk}/act/follow_up/",
        {"visited_on": days_ago(90).isoformat(), "present": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "cannot be before the move-in date" in response.content.decode()
    assert relocation.followups.count() == 1


def test_an_officer_is_refused_marking_stable(ledger, client_for, officer):
    relocation = ledger["relocations"][0]
    response = client_for(officer).get(
        f"{ADMIN}/relocation/{relocation.pk}/act/mark_stable/"
    )
    assert response.status_code == 403


def test_the_followups_due_filter(ledger, client_for, squad_leader, officer):
    due, _visited, _other = ledger["relocations"]
    for relocation in ledger["relocations"][1:]:
        services.followup_record(
            relocation=relocation, by=officer, visited_on=days_ago(2), present=True
        )
    page = (
        client_for(squad_leader)
        .get(f"{ADMIN}/relocation/?followup=week")
        .content.decode()
    )
    assert due.vendor.name in page
    assert ledger["relocations"][1].vendor.name not in page


def test_offering_from_the_admin(tree, client_for, squad_leader, officer):
    market = make_market(tree, squad_leader)
    vendor = make_vendor(officer)
    response = client_for(officer).post(
        f"{ADMIN}/relocation/add/",
        {"vendor": vendor.pk, "market": market.pk, "note": "免费摊位"},
    )
    assert response.status_code == 302
    relocation = Relocation.objects.get()
    assert relocation.status == "offered"
    assert relocation.officer.user == officer
    assert relocation.events.get().action == "offer"


# --- hotspots -------------------------------------------------------------------


def _hotspot_post(tree, **window):
    from complaints.models import Category

    data = {
        "name": "西苑小学门口",
        "community": tree.community_a.pk,
        "place": "东门外",
        "category": Category.objects.get(code="09006").pk,
        "windows-TOTAL_FORMS": "1",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "1000",
        "windows-0-start": "15:30",
        "windows-0-end": "17:00",
        "windows-0-working_days": "on",
    }
    data.update({f"windows-0-{k}": v for k, v in window.items()})
    return data


def test_a_hotspot_is_opened_with_its_window(tree, client_for, squad_leader):
    response = client_for(squad_leader).post(
        f"{ADMIN}/hotspot/add/", _hotspot_post(tree)
    )
    assert response.status_code == 302
    window = HotspotWindow.objects.get()
    assert window.working_days and window.start == time(15, 30)


def test_a_window_ending_before_it_starts_is_refused_and_nothing_saved(
    tree, client_for, squad_leader
):
    response = client_for(squad_leader).post(
        f"{ADMIN}/hotspot/add/",
        _hotspot_post(tree, start="17:00", end="15:30"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "The window must end after it starts." in response.content.decode()
    assert not Hotspot.objects.exists()
    assert not HotspotWindow.objects.exists()


def test_a_visit_photo_is_shown_to_its_unit_and_refused_to_another(
    tree, client_for, squad_leader, other_squad_leader, officer, settings, tmp_path
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from citymgmt.photos import prepare_photo
    from vendors.services import followup_record

    settings.MEDIA_ROOT = str(tmp_path)
    market = make_market(tree, squad_leader, name="三号市场", stalls=1)
    relocation = moved(officer, market, number="A01", days_ago=20)
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 40)).save(buffer, "JPEG")
    photo = prepare_photo(
        SimpleUploadedFile("stall.jpg", buffer.getvalue(), content_type="image/jpeg")
    )
    visit = followup_record(
        relocation=relocation,
        by=officer,
        visited_on=relocation.moved_on + timedelta(days=7),
        present=True,
        note="在摊位上",
        photo=photo,
    )
    url = f"{ADMIN}/relocation/visit-photo/{visit.pk}"

    leader = client_for(squad_leader)
    page = leader.get(f"{ADMIN}/relocation/{relocation.pk}/change/").content.decode()
    assert f'src="{url}/thumbnail/"' in page
    shown = leader.get(f"{url}/file/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert b"".join(shown.streaming_content)[:2] == b"\xff\xd8"

    other = client_for(other_squad_leader)
    assert other.get(f"{url}/file/").status_code == 404
    assert other.get(f"{url}/thumbnail/").status_code == 404


def test_a_check_in_photo_is_shown_to_its_unit_and_refused_to_another(
    ledger, client_for, squad_leader, other_squad_leader, officer, settings, tmp_path
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from citymgmt.photos import prepare_photo
    from vendors.services import checkin_record

    settings.MEDIA_ROOT = str(tmp_path)
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 120, 200)).save(buffer, "JPEG")
    photo = prepare_photo(
        SimpleUploadedFile("post.jpg", buffer.getvalue(), content_type="image/jpeg")
    )
    checkin = checkin_record(
        post=ledger["post"], by=officer, vendors_present=0, photo=photo
    )
    url = f"{ADMIN}/checkin/photo/{checkin.pk}"

    leader = client_for(squad_leader)
    page = leader.get(f"{ADMIN}/checkin/{checkin.pk}/change/").content.decode()
    assert f'src="{url}/thumbnail/"' in page
    assert leader.get(f"{url}/file/").status_code == 200

    other = client_for(other_squad_leader)
    assert other.get(f"{url}/file/").status_code == 404
