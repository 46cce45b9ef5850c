"""Citizens filing while the broker is down: every case saved, every SMS sent once."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from citymgmt.notifications.models import Notification
from complaints.models import Complaint
from tests.conftest import CLOSED_PORT_BROKER, project_app, wait_for
from tests.notifications.test_worker import redis_app, worker

pytestmark = pytest.mark.django_db(transaction=True)


def payload(i: int) -> dict:
    return {
        "category": "09006",
        "request_type": "complaint",
        "description": f"放学时间校门口有流动摊贩占道经营，影响学生通行。第{i}次反映。",
        "address": f"西苑小学东门{i}号",
        "community": "370781001001",
        "citizen_name": "张女士",
        "phone": f"139{i:08d}",
        "is_anonymous": False,
        "consent": True,
    }


def test_a_hundred_filings_with_the_broker_down_are_saved_and_later_told_once(
    redis_broker, gateway, settings, tree, citizen
):
    settings.COMPLAINT_SUBMIT_RATE = (1000, 600)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/min", "user": "1000/min"},
    }
    cache.clear()
    settings.NOTIFY_CELERY_APP = project_app(broker_url=CLOSED_PORT_BROKER)

    slowest = 0.0
    for i in range(100):
        began = time.monotonic()
        response = citizen.post(
            "/api/v1/complaints/", payload(i), content_type="application/json"
        )
        slowest = max(slowest, time.monotonic() - began)
        assert response.status_code == 201, response.content

    assert slowest < 2, f"one filing took {slowest:.2f} s"
    assert Complaint.objects.count() == 100
    outbox = Notification.objects.filter(template="complaint_received")
    assert outbox.count() == 100
    assert set(outbox.values_list("status", flat=True)) == {"pending"}
    assert gateway.requests == []

    app = redis_app(redis_broker)
    settings.NOTIFY_CELERY_APP = app
    with worker(app):
        app.tasks["citymgmt.notifications.sweep"].delay()
        assert wait_for(lambda: not outbox.exclude(status="sent").exists(), 30)
        time.sleep(0.5)

    per_id = gateway.per_id()
    assert sorted(per_id) == sorted(outbox.values_list("id", flat=True))
    assert set(per_id.values()) == {1}
    texts = {r["json"]["to"]: r["json"]["text"] for r in gateway.requests}
    for complaint in Complaint.objects.all():
        assert complaint.reference in texts[complaint.phone]
