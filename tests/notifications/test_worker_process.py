"""Real worker processes: one killed mid-send, one outliving a broker outage, one
delivering batches on the connection it keeps."""

from __future__ import annotations

import pytest
from django.db import transaction

from citymgmt.notifications.models import Notification
from citymgmt.notifications.services import Message, notify, notify_many
from citymgmt.notifications.tasks import sweep
from tests.conftest import project_app, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

STARTS = 90  # seconds a worker process may take to start on a busy machine


def queue_sms(phone: str = "13912345678") -> Notification:
    with transaction.atomic():
        return notify(
            channel="sms",
            template="complaint_dispatched",
            context={"reference": "20261123-0042", "unit": "城区一中队"},
            recipient=phone,
        )


def status_of(row: Notification) -> tuple[str, int]:
    row.refresh_from_db()
    return row.status, row.attempts


def test_a_worker_killed_while_the_gateway_has_its_sms_leaves_one_sms_and_two_attempts(
    redis_server, worker_process, gateway, settings
):
    settings.NOTIFY_CELERY_APP = project_app(broker_url=redis_server.url)
    gateway_env = {
        "SMS_BACKEND": "http",
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_KEY": "test-key-123",
        "SMS_GATEWAY_TIMEOUT": "60",
    }
    first = worker_process(redis_server.url, **gateway_env)
    assert wait_for(first.ready, STARTS), first.output()
    # The gateway takes the SMS and holds its answer: the worker is between
    # handing the message over and marking the row sent.
    gateway.mode = "hold"
    row = queue_sms()
    assert wait_for(lambda: len(gateway.requests) == 1, 60), first.output()

    first.kill()
    assert status_of(row) == ("sending", 1)
    assert len(gateway.sent) == 1

    gateway.mode = "ok"
    gateway.release.set()
    second = worker_process(redis_server.url, **gateway_env)
    assert wait_for(second.ready, STARTS), second.output()
    # Once the lease runs out, the sweep takes the row back and queues it.
    settings.NOTIFY_LEASE_SECONDS = 1
    assert wait_for(lambda: sweep() == 1, 30)
    assert wait_for(lambda: status_of(row)[0] == "sent", 60), second.output()

    assert status_of(row) == ("sent", 2)
    assert [r["idempotency_key"] for r in gateway.requests] == [row.delivery_key] * 2
    # The repeat reached the gateway with the same key and sent nothing.
    assert [(sms["to"], sms["key"]) for sms in gateway.sent] == [
        ("13912345678", row.delivery_key)
    ]


def reconnect_attempts(output: str) -> int:
    return output.count("Cannot connect to redis://")


def test_a_worker_outlives_a_broker_outage_of_more_than_a_hundred_reconnects(
    redis_server, worker_process, settings
):
    worker = worker_process(redis_server.url, SMS_BACKEND="log")
    assert wait_for(worker.ready, STARTS), worker.output()
    settings.NOTIFY_CELERY_APP = project_app(broker_url=redis_server.url)
    before = queue_sms("13900000001")
    assert wait_for(lambda: status_of(before)[0] == "sent", 60), worker.output()

    redis_server.stop()
    # Celery's default gives up after 100 attempts and the worker exits.
    wait_for(
        lambda: (
            reconnect_attempts(worker.output()) > 120
            or worker.process.poll() is not None
        ),
        120,
    )
    assert worker.process.poll() is None, worker.output()[-3000:]
    assert reconnect_attempts(worker.output()) > 120

    redis_server.start()  # the same port
    settings.NOTIFY_CELERY_APP = project_app(broker_url=redis_server.url)
    after = queue_sms("13900000002")

    assert wait_for(lambda: status_of(after)[0] == "sent", 60), worker.output()[-3000:]
    assert worker.process.poll() is None  # the same process delivered it
    assert "Connected to redis://" in worker.output().split("Cannot connect")[-1]


def worker_connections() -> set[int]:
    """The database sessions open on the test database, other than this one."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def test_a_worker_delivers_a_batch_and_keeps_its_database_connection(
    redis_server, worker_process, settings
):
    # Sessions other tests' threads or processes may still hold are not its.
    before = worker_connections()
    worker = worker_process(redis_server.url, SMS_BACKEND="log")
    assert wait_for(worker.ready, STARTS), worker.output()
    settings.NOTIFY_CELERY_APP = project_app(broker_url=redis_server.url)
    with transaction.atomic():
        notify_many(
            Message(
                channel="sms",
                template="complaint_received",
                context={"reference": f"20261123-{i:04d}"},
                recipient=f"139{i:08d}",
                dedupe_key=f"received:{i}",
            )
            for i in range(250)
        )
    rows = Notification.objects.all()
    assert wait_for(lambda: not rows.exclude(status="sent").exists(), 60), (
        worker.output()[-3000:]
    )
    assert set(rows.values_list("attempts", flat=True)) == {1}
    # Three tasks of at most 100 rows each, in the worker's log.
    assert worker.output().count("citymgmt.notifications.deliver_many") >= 3
    # The worker's session stays open after its tasks: the next one reuses it.
    kept = worker_connections() - before
    assert len(kept) == 1, worker.output()[-3000:]

    after = queue_sms("13900000003")
    assert wait_for(lambda: status_of(after)[0] == "sent", 60), worker.output()[-3000:]
    assert worker_connections() - before == kept
