"""A web process publishes its deliveries in batches, off the request, and loses
nothing: messages committed together reach a real worker as one task, a broker
that is down leaves them to the sweep, an exiting process publishes what it
holds, and a forked child does not publish its parent's."""

from __future__ import annotations

import base64
import json
import logging
import time

import pytest
import redis
from django.db import transaction

from citymgmt.notifications import publisher
from citymgmt.notifications.models import Notification
from citymgmt.notifications.services import notify
from tests.citymgmt.test_settings import PRODUCTION, run
from tests.conftest import CLOSED_PORT_BROKER, project_app, wait_for
from tests.notifications.test_worker import redis_app, worker

pytestmark = pytest.mark.django_db(transaction=True)

DELIVER = "citymgmt.notifications.deliver"
DELIVER_MANY = "citymgmt.notifications.deliver_many"


def queued(broker_url: str) -> list[tuple[str, list]]:
    """The tasks waiting in the broker's default queue: (name, args) each."""
    client = redis.Redis.from_url(broker_url)
    tasks = []
    # Kombu pushes on the left and takes from the right: oldest last.
    for raw in reversed(client.lrange("celery", 0, -1)):
        message = json.loads(raw)
        args = json.loads(base64.b64decode(message["body"]))[0]
        tasks.append((message["headers"]["task"], args))
    return tasks


@pytest.fixture
def batching(settings):
    """Batch this process's publishes; publish what is left and stop at the end."""

    def start(linger: float) -> publisher.Publisher:
        publisher.start(linger)
        current = publisher.current()
        assert current is not None
        return current

    yield start
    publisher.stop()


def sms(number: int) -> Notification:
    with transaction.atomic():
        row = notify(
            channel="sms",
            template="complaint_received",
            context={"reference": f"20261207-{number:04d}"},
            recipient=f"139{number:08d}",
        )
    assert row is not None
    return row


def test_messages_committed_together_reach_a_real_worker_as_one_task(
    redis_broker, gateway, settings, batching
):
    app = redis_app(redis_broker)
    settings.NOTIFY_CELERY_APP = app
    batch = batching(2.0)

    rows = [sms(i) for i in range(1, 6)]
    # The commits published nothing themselves: the ids wait for the thread.
    assert queued(redis_broker) == []
    assert batch.pending == 5

    assert wait_for(lambda: batch.pending == 0 and queued(redis_broker), 20)
    assert queued(redis_broker) == [(DELIVER_MANY, [[row.pk for row in rows]])]

    with worker(app):
        assert wait_for(
            lambda: not Notification.objects.exclude(status="sent").exists(), 30
        ), list(Notification.objects.values_list("status", "last_error"))
        time.sleep(0.5)  # room for a second delivery, were there one
    assert gateway.per_id() == {row.pk: 1 for row in rows}


def test_a_lone_message_goes_out_as_a_single_delivery(redis_broker, settings, batching):
    settings.NOTIFY_CELERY_APP = redis_app(redis_broker)
    batching(0.05)
    row = sms(1)
    assert wait_for(lambda: queued(redis_broker) == [(DELIVER, [row.pk])], 20)


def test_with_the_broker_down_the_batch_waits_for_the_sweep_and_the_next_goes_out(
    redis_broker, gateway, settings, batching, caplog
):
    caplog.set_level(logging.WARNING, logger="citymgmt.notifications.tasks")
    settings.NOTIFY_CELERY_APP = project_app(broker_url=CLOSED_PORT_BROKER)
    batch = batching(0.1)
    lost = [sms(1), sms(2)]
    assert wait_for(lambda: "stay pending for the sweep" in caplog.text, 20)
    assert batch.pending == 0
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}

    # The broker is back: the same thread publishes the next message, and the
    # sweep queues the two the outage left behind, each sent once.
    app = redis_app(redis_broker)
    settings.NOTIFY_CELERY_APP = app
    with worker(app):
        later = sms(3)
        assert wait_for(lambda: Notification.objects.get(pk=later.pk).status == "sent")
        assert set(
            Notification.objects.filter(pk__in=[r.pk for r in lost]).values_list(
                "status", flat=True
            )
        ) == {"pending"}
        app.tasks["citymgmt.notifications.sweep"].delay()
        assert wait_for(
            lambda: not Notification.objects.exclude(status="sent").exists(), 30
        )
        time.sleep(0.5)
    assert gateway.per_id() == {lost[0].pk: 1, lost[1].pk: 1, later.pk: 1}


def test_stopping_publishes_what_waits_and_the_next_message_goes_inline(
    redis_broker, settings, batching
):
    settings.NOTIFY_CELERY_APP = redis_app(redis_broker)
    batch = batching(60)
    first = [sms(1), sms(2)]
    assert batch.pending == 2 and batch.running
    assert queued(redis_broker) == []

    publisher.stop()
    assert queued(redis_broker) == [(DELIVER_MANY, [[row.pk for row in first]])]
    assert wait_for(lambda: not batch.running, 10)
    # A request that still held the stopped publisher publishes at once.
    batch.submit([first[0].pk])
    later = sms(3)
    assert queued(redis_broker)[1:] == [
        (DELIVER, [first[0].pk]),
        (DELIVER, [later.pk]),
    ]


EXITS = (
    "import django; django.setup()\n"
    "from citymgmt.notifications import publisher\n"
    "publisher.start(60)\n"
    "publisher.publish([7, 8]); publisher.publish([9])\n"
    "import sys; sys.exit(0)\n"
)

FORKS = (
    "import os, django; django.setup()\n"
    "from citymgmt.notifications import publisher\n"
    "publisher.start(60)\n"
    "publisher.publish([7, 8])\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    child = publisher.current()\n"
    "    os._exit(0 if child.pending == 0 and child.linger == 60 else 3)\n"
    "_, status = os.waitpid(pid, 0)\n"
    "assert os.waitstatus_to_exitcode(status) == 0, status\n"
    "publisher.publish([9])\n"
    "publisher.stop()\n"
)


def _process(redis_broker: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "citymgmt.settings.test",
        "CELERY_BROKER_URL": redis_broker,
    }


def test_a_process_that_exits_publishes_what_it_holds(redis_broker):
    redis_app(redis_broker)  # an empty queue
    result = run(_process(redis_broker), "-c", EXITS)
    assert result.returncode == 0, result.stderr
    assert queued(redis_broker) == [(DELIVER_MANY, [[7, 8, 9]])]


def test_a_forked_child_leaves_its_parents_messages_to_the_parent(redis_broker):
    redis_app(redis_broker)
    result = run(_process(redis_broker), "-c", FORKS)
    assert result.returncode == 0, result.stderr
    assert queued(redis_broker) == [(DELIVER_MANY, [[7, 8, 9]])]


PROBE = (
    "import citymgmt.wsgi\n"
    "from citymgmt.notifications import publisher\n"
    "current = publisher.current()\n"
    "print(current and current.linger)\n"
)


@pytest.mark.parametrize(("setting", "linger"), [(None, "0.05"), ("0", "None")])
def test_the_web_process_batches_as_configured(setting, linger):
    env = {**PRODUCTION, "DJANGO_SECURE_SSL_REDIRECT": "false"}
    if setting is not None:
        env["NOTIFY_PUBLISH_LINGER_MS"] = setting
    result = run(env, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == linger
