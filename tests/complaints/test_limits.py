"""Limits that can't be dodged: the client address behind proxies (issue 8, item 13)."""

from __future__ import annotations

import itertools

import pytest
from rest_framework.settings import api_settings

from complaints.models import Category, Complaint
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


def form_data(tree) -> dict[str, str]:
    return {
        "request_type": "complaint",
        "category": str(Category.objects.get(code="09006").pk),
        "description": "放学时西苑小学东门有流动摊贩占道经营。",
        "address": "西苑小学东门",
        "street": str(tree.street.pk),
        "community": str(tree.community_a.pk),
        "citizen_name": "张女士",
        "phone": "13912345678",
        "consent": "on",
        "website": "",
    }


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
