"""A real Celery worker on Redis delivers the outbox; a dead broker loses nothing."""

from __future__ import annotations

import time

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from citymgmt.notifications.models import Notification
from citymgmt.notifications.services import notify
from tests.conftest import CLOSED_PORT_BROKER, project_app, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def redis_app(url: str) -> Celery:
    app = project_app(broker_url=url, worker_hijack_root_logger=False)
    app.control.purge()  # messages other tests left in the shared queue
    return app


def worker(app: Celery):
    return start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING")


def test_a_real_worker_delivers_a_notification_queued_on_commit(
    redis_broker, gateway, settings
):
    app = redis_app(redis_broker)
    settings.NOTIFY_CELERY_APP = app
    with worker(app):
        with transaction.atomic():
            row = notify(
                channel="sms",
                template="complaint_dispatched",
                context={"reference": "20261123-0042", "unit": "城区一中队"},
                recipient="13912345678",
            )
            # Nothing leaves before the caller commits.
            time.sleep(0.5)
            assert gateway.requests == []
        assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent"), (
            Notification.objects.get(pk=row.pk).last_error
        )
        time.sleep(0.5)  # room for a second delivery, were there one

    assert gateway.per_id() == {row.pk: 1}
    row.refresh_from_db()
    assert row.attempts == 1


def test_with_the_broker_down_nothing_is_lost_and_the_sweep_sends_each_once(
    redis_broker, gateway, settings
):
    settings.NOTIFY_CELERY_APP = project_app(broker_url=CLOSED_PORT_BROKER)
    slowest = 0.0
    started = time.monotonic()
    for i in range(100):
        began = time.monotonic()
        with transaction.atomic():
            notify(
                channel="sms",
                template="complaint_received",
                context={"reference": f"20261123-{i + 1:04d}"},
                recipient=f"139{i:08d}",
            )
        slowest = max(slowest, time.monotonic() - began)

    # A refused connection gives up at once (no sleeps between retries).
    assert slowest < 1, f"one call took {slowest:.2f} s"
    assert time.monotonic() - started < 30
    rows = Notification.objects.all()
    assert rows.count() == 100
    assert set(rows.values_list("status", flat=True)) == {"pending"}
    assert gateway.requests == []

    # The broker is back: one sweep on a real worker sends every row.
    app = redis_app(redis_broker)
    settings.NOTIFY_CELERY_APP = app
    with worker(app):
        app.tasks["citymgmt.notifications.sweep"].delay()
        assert wait_for(
            lambda: not Notification.objects.exclude(status="sent").exists(), 30
        ), list(rows.exclude(status="sent").values_list("status", "last_error")[:3])
        # A second sweep finds nothing left to do.
        app.tasks["citymgmt.notifications.sweep"].delay()
        time.sleep(1)

    per_id = gateway.per_id()
    assert len(per_id) == 100
    assert set(per_id.values()) == {1}
    assert set(rows.values_list("attempts", flat=True)) == {1}
