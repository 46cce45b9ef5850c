"""Limits that can't be dodged: the client address behind proxies (issue 8, item 13)."""

from __future__ import annotations

import itertools
import logging
import re
import warnings

import pytest
from rest_framework.settings import api_settings

from complaints.models import Category, Complaint
from tests.complaints.factories import form_data
from tests.conftest import EN

PROXY = "10.0.0.2"  # our TLS proxy, the web process's peer
CLIENT = "203.0.113.7"
OTHER_CLIENT = "198.51.100.9"

pytestmark = pytest.mark.usefixtures("empty_cache", "media_root")


@pytest.fixture
def behind_one_proxy(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1


def through_proxy(client_address: str, forged: str = "") -> dict[str, str]:
    """The headers our proxy passes on: whatever the client sent, then its address."""
    chain = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


def forged_addresses():
    """A new made-up leftmost entry for every request."""
    return (f"1.2.{n // 250}.{n % 250 + 1}" for n in itertools.count())


def test_rotating_a_forged_first_entry_does_not_reset_the_submission_limit(
    citizen, tree, settings, behind_one_proxy
):
    count, _window = settings.COMPLAINT_SUBMIT_RATE
    settings.COMPLAINT_SUBMIT_RATE = (count, 86_400)  # never straddle two windows
    forged = forged_addresses()
    for _ in range(count):
        response = citizen.post(
            "/complaints/new/", form_data(tree), **through_proxy(CLIENT, next(forged))
        )
        assert response.status_code == 302

    response = citizen.post(
        "/complaints/new/",
        form_data(tree),
        **EN,
        **through_proxy(CLIENT, next(forged)),
    )

    assert response.status_code == 429
    assert "Please try again in" in response.content.decode()
    assert Complaint.objects.count() == count
    # The client behind the proxy is counted, not the proxy itself.
    other = citizen.post(
        "/complaints/new/", form_data(tree), **through_proxy(OTHER_CLIENT)
    )
    assert other.status_code == 302
    assert Complaint.objects.count() == count + 1


def test_rotating_a_forged_first_entry_does_not_reset_the_api_submission_limit(
    citizen, tree, settings, behind_one_proxy
):
    count, _window = settings.COMPLAINT_SUBMIT_RATE
    settings.COMPLAINT_SUBMIT_RATE = (count, 86_400)
    payload = {
        "category": "09006",
        "description": "放学时间校门口有流动摊贩占道经营，影响学生通行。",
        "address": "西苑小学东门",
        "community": "370781001001",
        "phone": "13912345678",
        "consent": True,
    }
    forged = forged_addresses()
    for _ in range(count):
        response = citizen.post(
            "/api/v1/complaints/",
            payload,
            content_type="application/json",
            **through_proxy(CLIENT, next(forged)),
        )
        assert response.status_code == 201

    response = citizen.post(
        "/api/v1/complaints/",
        payload,
        content_type="application/json",
        **through_proxy(CLIENT, next(forged)),
    )

    assert response.status_code == 429
    assert Complaint.objects.count() == count
    other = citizen.post(
        "/api/v1/complaints/",
        payload,
        content_type="application/json",
        **through_proxy(OTHER_CLIENT),
    )
    assert other.status_code == 201


def test_rotating_a_forged_first_entry_does_not_reset_the_tracking_limit(
    citizen, db, settings, behind_one_proxy
):
    count, _window = settings.COMPLAINT_TRACK_RATE
    settings.COMPLAINT_TRACK_RATE = (count, 86_400)
    forged = forged_addresses()
    # A different unknown reference each time: only the address limit counts.
    for n in range(count):
        response = citizen.post(
            "/complaints/track/",
            {"reference": f"20990101-{n + 1:04d}", "phone_last4": "1234"},
            **through_proxy(CLIENT, next(forged)),
        )
        assert response.status_code == 200

    page = citizen.post(
        "/complaints/track/",
        {"reference": "20990102-0001", "phone_last4": "1234"},
        **through_proxy(CLIENT, next(forged)),
    )
    api = citizen.get(
        "/api/v1/complaints/track/",
        {"reference": "20990102-0002", "phone_last4": "1234"},
        **through_proxy(CLIENT, next(forged)),
    )

    assert page.status_code == 429
    assert "请在" in page.content.decode()
    assert api.status_code == 429
    other = citizen.post(
        "/complaints/track/",
        {"reference": "20990102-0003", "phone_last4": "1234"},
        **through_proxy(OTHER_CLIENT),
    )
    assert other.status_code == 200


def test_rotating_a_forged_first_entry_does_not_reset_the_anonymous_api_throttle(
    citizen, db, behind_one_proxy
):
    allowed = int(api_settings.DEFAULT_THROTTLE_RATES["anon"].split("/")[0])
    forged = forged_addresses()
    for _ in range(allowed):
        response = citizen.get(
            "/api/v1/categories/", **through_proxy(CLIENT, next(forged))
        )
        assert response.status_code == 200

    response = citizen.get(
        "/api/v1/categories/", **EN, **through_proxy(CLIENT, next(forged))
    )

    assert response.status_code == 429
    assert "Try again in" in response.json()["detail"]
    other = citizen.get("/api/v1/categories/", **through_proxy(OTHER_CLIENT))
    assert other.status_code == 200


def test_without_a_trusted_proxy_the_header_is_ignored(citizen, tree, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    count, _window = settings.COMPLAINT_SUBMIT_RATE
    settings.COMPLAINT_SUBMIT_RATE = (count, 86_400)
    for n in range(count):
        citizen.post(
            "/complaints/new/",
            form_data(tree),
            REMOTE_ADDR=CLIENT,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}",
        )

    response = citizen.post(
        "/complaints/new/",
        form_data(tree),
        REMOTE_ADDR=CLIENT,
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )

    assert response.status_code == 429


# Wrong last-4 digits per reference (issue 8, item 14)


@pytest.fixture
def case(tree) -> Complaint:
    from complaints.services import complaint_submit

    return complaint_submit(
        category=Category.objects.get(code="09006"),
        description="放学时西苑小学东门有流动摊贩占道经营。",
        address="西苑小学东门",
        community=tree.community_a,
        phone="13912345678",
        citizen_name="张女士",
    )


def guess_on_page(client, reference: str, last4: str, n: int):
    # Each guess from another address: the per-address limit never applies.
    return client.post(
        "/complaints/track/",
        {"reference": reference, "phone_last4": last4},
        REMOTE_ADDR=f"192.0.2.{n + 1}",
    )


def guess_by_api(client, reference: str, last4: str, n: int):
    return client.get(
        "/api/v1/complaints/track/",
        {"reference": reference, "phone_last4": last4},
        REMOTE_ADDR=f"198.51.100.{n + 1}",
    )


def test_five_wrong_digits_lock_the_reference_even_for_the_right_ones(
    citizen, case, settings
):
    allowed, _window = settings.COMPLAINT_TRACK_FAILURES
    for n in range(allowed):
        response = guess_on_page(citizen, case.reference, f"{n:04d}", n)
        assert response.status_code == 200
        assert "没有与该受理编号和手机号码相符的案件" in response.content.decode()

    response = guess_on_page(citizen, case.reference, "5678", 99)

    html = response.content.decode()
    assert response.status_code == 429
    assert "输错次数过多" in html
    assert "60 分钟后" in html
    assert 3500 < int(response["Retry-After"]) <= 3600
    assert f'value="{case.reference}"' in html  # what was typed is kept
    assert "西苑小学东门" not in html  # the case itself is not shown
    assert (
        citizen.post(
            "/complaints/track/rate/",
            {
                "reference": case.reference,
                "phone_last4": "5678",
                "satisfaction": "satisfied",
            },
            REMOTE_ADDR="192.0.2.200",
        ).status_code
        == 429
    )


def test_the_api_locks_the_reference_after_five_wrong_digits(citizen, case, settings):
    allowed, _window = settings.COMPLAINT_TRACK_FAILURES
    for n in range(allowed):
        assert guess_by_api(citizen, case.reference, f"{n:04d}", n).status_code == 404

    response = guess_by_api(citizen, case.reference, "5678", 99)
    english = citizen.get(
        "/api/v1/complaints/track/",
        {"reference": case.reference, "phone_last4": "5678"},
        REMOTE_ADDR="198.51.100.200",
        **EN,
    )

    assert response.status_code == 429
    assert "输错次数过多" in response.json()["detail"]
    assert int(response["Retry-After"]) > 3500
    assert english.status_code == 429
    assert "try again in 60 minutes" in english.json()["detail"]


def test_an_unknown_reference_locks_the_same_way(citizen, case, settings):
    allowed, _window = settings.COMPLAINT_TRACK_FAILURES
    unknown = "20990101-0001"
    answers = {}
    for reference in (case.reference, unknown):
        for n in range(allowed):
            guess_by_api(citizen, reference, f"{n:04d}", n)
        locked = guess_by_api(citizen, reference, "5678", 99)
        answers[reference] = (locked.status_code, locked.json()["detail"])

    known, made_up = answers[case.reference], answers[unknown]
    assert known[0] == made_up[0] == 429
    digits = re.compile(r"\d+")
    assert digits.sub("#", known[1]) == digits.sub("#", made_up[1])


def test_other_references_are_not_locked(citizen, case, tree, settings):
    from complaints.services import complaint_submit

    other = complaint_submit(
        category=Category.objects.get(code="09006"),
        description="小区门口夜间烧烤油烟扰民。",
        address="西苑小区北门",
        community=tree.community_a,
        phone="13800001111",
    )
    for n in range(settings.COMPLAINT_TRACK_FAILURES[0] + 1):
        guess_by_api(citizen, case.reference, f"{n:04d}", n)

    response = guess_by_api(citizen, other.reference, "1111", 0)

    assert response.status_code == 200


def test_staff_see_the_wrong_tries_on_the_case_page_and_in_the_log(
    citizen, case, client_for, dispatcher, settings, caplog
):
    allowed, _window = settings.COMPLAINT_TRACK_FAILURES
    with caplog.at_level(logging.WARNING, logger="complaints.services.tracking"):
        for n in range(allowed):
            guess_on_page(citizen, case.reference, f"{n:04d}", n)
        guess_on_page(citizen, case.reference, "0042", 50)

    case.refresh_from_db()
    assert case.tracking_failures == allowed
    logged = caplog.text
    assert f"reference {case.reference} is locked" in logged
    assert "192.0.2.51" in logged
    page = client_for(dispatcher).get(f"/admin/complaints/complaint/{case.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "查询验证失败次数" in html
    assert re.search(rf">\s*{allowed}\s*<", html)


def test_a_reference_of_any_bytes_is_counted_under_a_bounded_key(
    citizen, case, settings
):
    """What a client types never becomes a cache key as such (memcached refuses
    control characters and keys over 250 bytes)."""
    from django.core.cache import CacheKeyWarning

    odd = "\x95\U000d062b)$\x14q â"
    allowed, _window = settings.COMPLAINT_TRACK_FAILURES
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        answers = [
            guess_by_api(citizen, odd, f"{n:04d}", n).status_code
            for n in range(allowed + 1)
        ]
    assert answers[-1] == 429
    assert set(answers[:-1]) <= {400, 404}


def test_the_staff_api_limit_counts_per_user_and_says_when_to_return(
    tree, client_for, dispatcher, squad_leader, monkeypatch
):
    from citymgmt.ratelimit import UserRateThrottle

    # Three a minute instead of the configured 600, so the test stays short.
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min"})
    staff = client_for(dispatcher)
    for _ in range(3):
        assert staff.get("/api/v1/complaints/").status_code == 200

    refused = staff.get("/api/v1/complaints/", **EN)

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert "Try again in" in refused.json()["detail"]
    # Another member of staff has a budget of their own.
    assert client_for(squad_leader).get("/api/v1/complaints/").status_code == 200
