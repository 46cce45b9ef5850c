"""The stall request form, its receipt and tracking, and the staff's view of it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone

from citymgmt.notifications.models import Notification
from tests.conftest import EN
from tests.vendors.public_data import make_market, make_stalls
from vendors.models import StallRequest, StallRequestStatus

pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.fixture
def market(tree):
    found = make_market(community=tree.community_a)
    make_stalls(found, vacant=3, waived=1)
    return found


def form(**changes) -> dict[str, str]:
    data = {
        "name": "张秀兰",
        "phone": "139 1234 5678",
        "goods": "水果",
        "market": "",
        "is_hardship": "yes",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_request_is_filed_routed_and_acknowledged(
    client,
    market,
    tree,
    squad_leader,
    instructor,
    officer,
    other_squad_leader,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks():
        response = client.post("/markets/request/", form(market=str(market.pk)))
    assert response.status_code == 302
    assert response["Location"] == "/markets/request/done/"
    filed = StallRequest.objects.get()
    today = timezone.localdate()
    assert filed.reference == f"S{today:%Y%m%d}-0001"
    assert filed.phone == "13912345678"
    assert filed.squad == tree.unit_a
    assert filed.is_hardship is True
    assert filed.status == StallRequestStatus.NEW
    assert filed.consent_at is not None

    receipt = client.get("/markets/request/done/").content.decode()
    assert filed.reference in receipt
    assert tree.unit_a.name in receipt
    assert "…5678" in receipt

    sms = Notification.objects.get(channel="sms")
    assert sms.recipient == "13912345678"
    assert filed.reference in sms.body
    assert len(sms.body) <= 70
    told = set(
        Notification.objects.filter(channel="site").values_list(
            "user__username", flat=True
        )
    )
    assert told == {squad_leader.username, instructor.username}
    notice = Notification.objects.filter(channel="site").first()
    assert "水果" in notice.body and market.name in notice.body
    assert "13912345678" not in notice.body and "张秀兰" not in notice.body


def test_a_second_request_the_same_day_gets_the_next_number(client, market):
    client.post("/markets/request/", form())
    client.post("/markets/request/", form(phone="13812345678"))
    assert sorted(StallRequest.objects.values_list("reference", flat=True))[
        -1
    ].endswith("-0002")


def test_without_a_market_the_command_centre_gets_it(client, market, dispatcher):
    client.post("/markets/request/", form())
    filed = StallRequest.objects.get()
    assert filed.squad is None and filed.market is None
    assert Notification.objects.get(channel="site").user == dispatcher
    receipt = client.get("/markets/request/done/").content.decode()
    assert "指挥中心" in receipt


def test_the_form_is_preset_from_a_market(client, market):
    page = client.get(f"/markets/request/?market={market.pk}").content.decode()
    assert f'<option value="{market.pk}" selected>{market.name}</option>' in page
    assert client.get("/markets/request/?market=abc").status_code == 200


def test_a_wrong_phone_keeps_what_was_typed_and_says_why(client, market):
    response = client.post("/markets/request/", form(phone="1391234", goods="炒栗子"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "请输入 11 位手机号码，例如 13812345678。" in page
    assert 'value="炒栗子"' in page and 'value="张秀兰"' in page
    assert not StallRequest.objects.exists()
    assert not Notification.objects.exists()


def test_missing_consent_and_goods_are_both_named(client, market):
    page = client.post(
        "/markets/request/", form(consent=None, goods="", phone="12")
    ).content.decode()
    assert "请勾选同意" in page
    assert "请说明您卖什么" in page
    assert "请输入 11 位手机号码" in page
    assert not StallRequest.objects.exists()


def test_a_closed_market_is_refused_on_the_field(client, market, tree):
    closed = make_market(community=tree.community_a, name="旧市场", is_active=False)
    page = client.post(
        "/markets/request/", form(market=str(closed.pk))
    ).content.decode()
    assert "这个市场已不再接纳摊贩" in page
    assert not StallRequest.objects.exists()


def test_the_honeypot_files_nothing(client, market):
    response = client.post("/markets/request/", form(website="http://spam.example"))
    assert response.status_code == 200
    assert not StallRequest.objects.exists()
    assert not Notification.objects.exists()


def test_the_limit_answers_429_in_chinese_and_keeps_the_form(client, market, settings):
    settings.STALL_REQUEST_RATE = (2, 600)
    for n in range(2):
        client.post("/markets/request/", form(phone=f"1391234567{n}"))
    response = client.post("/markets/request/", form(goods="烤红薯"))
    page = response.content.decode()
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "提交了过多请求" in page
    assert 'value="烤红薯"' in page
    assert StallRequest.objects.count() == 2
    english = client.post("/markets/request/", form(), **EN)
    assert english.status_code == 429
    assert "Too many" in english.content.decode()


def test_a_body_in_another_charset_is_refused_in_chinese(client, market):
    response = client.post(
        "/markets/request/",
        "name=%D5%C5&phone=13912345678",
        content_type="application/x-www-form-urlencoded; charset=gbk",
    )
    assert response.status_code == 400
    assert "无法读取" in response.content.decode()
    assert not StallRequest.objects.exists()


def test_a_nul_byte_is_refused_on_its_field_or_in_the_address(client, market):
    response = client.post("/markets/request/", form(name="张\x00三"))
    assert response.status_code == 200
    assert 'class="field has-error"' in response.content.decode()
    assert not StallRequest.objects.exists()
    for url in ("/markets/?q=%00", "/markets/request/track/?reference=S%00"):
        assert client.get(url).status_code == 400


def test_the_receipt_is_only_for_the_browser_that_sent_it(client, market):
    client.post("/markets/request/", form())
    other = type(client)()
    assert other.get("/markets/request/done/")["Location"] == "/markets/request/"


def test_tracking_shows_the_status_with_the_right_digits(client, market):
    client.post("/markets/request/", form(market=str(market.pk)))
    filed = StallRequest.objects.get()
    StallRequest.objects.filter(pk=filed.pk).update(status=StallRequestStatus.CONTACTED)
    stranger = type(client)()
    typed = filed.reference.lower().replace("-", "")
    response = stranger.post(
        "/markets/request/track/", {"reference": typed, "phone_last4": "5678"}
    )
    assert response.status_code == 302
    page = stranger.get(response["Location"]).content.decode()
    assert filed.reference in page
    assert "已联系" in page
    assert market.name in page
    assert "13912345678" not in page and "张秀兰" not in page


def test_tracking_with_wrong_digits_says_nothing_and_locks(client, market, settings):
    client.post("/markets/request/", form())
    filed = StallRequest.objects.get()
    settings.COMPLAINT_TRACK_FAILURES = (2, 3600)
    answers = []
    for digits in ("0000", "1111", "5678"):
        response = client.post(
            "/markets/request/track/",
            {"reference": filed.reference, "phone_last4": digits},
        )
        answers.append(response.status_code)
    assert answers == [200, 200, 429]
    assert "锁定" in response.content.decode()
    cache.clear()


# The staff's view


def test_leaders_see_their_units_requests_and_may_call_the_vendor_back(
    client, client_for, market, squad_leader, other_squad_leader, caplog
):
    client.post("/markets/request/", form(market=str(market.pk)))
    filed = StallRequest.objects.get()
    leader = client_for(squad_leader)
    listing = leader.get("/admin/vendors/stallrequest/").content.decode()
    assert filed.reference in listing
    assert "139****5678" in listing and "13912345678" not in listing
    # The request's own page gives the number to call (the vendor asked to
    # be called back), and who opened it is logged with the number masked.
    with caplog.at_level("INFO", logger="vendors.admin_requests"):
        page = leader.get(f"/admin/vendors/stallrequest/{filed.pk}/change/")
    assert page.status_code == 200
    assert 'href="tel:13912345678"' in page.content.decode()
    assert any(
        filed.reference in r.getMessage() and "139****5678" in r.getMessage()
        for r in caplog.records
    )

    other = client_for(other_squad_leader)
    assert (
        filed.reference
        not in other.get("/admin/vendors/stallrequest/").content.decode()
    )
    assert (
        other.get(f"/admin/vendors/stallrequest/{filed.pk}/change/").status_code == 404
    )


def test_a_leader_marks_a_request_contacted(client, client_for, market, squad_leader):
    client.post("/markets/request/", form(market=str(market.pk)))
    filed = StallRequest.objects.get()
    leader = client_for(squad_leader)
    leader.post(
        "/admin/vendors/stallrequest/",
        {"action": "mark_contacted", "_selected_action": [filed.pk]},
    )
    filed.refresh_from_db()
    assert filed.status == StallRequestStatus.CONTACTED
    leader.post(
        "/admin/vendors/stallrequest/",
        {"action": "mark_contacted", "_selected_action": [filed.pk]},
    )
    filed.refresh_from_db()
    assert filed.status == StallRequestStatus.CONTACTED  # refused, not repeated


def test_the_phone_cannot_be_guessed_through_the_list_filters(
    client, client_for, market, squad_leader
):
    client.post("/markets/request/", form(market=str(market.pk)))
    leader = client_for(squad_leader)
    response = leader.get("/admin/vendors/stallrequest/?phone__startswith=139")
    assert response.status_code == 302
