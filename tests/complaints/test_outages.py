"""A citizen is never left hanging by Redis (issue 8, items 15 and 16).

Each test starts a Redis of its own on a free port, puts the cache and the
broker on it (as `.env.example` recommends: one Redis for both), then stops
it or freezes it (SIGSTOP: the port still accepts connections, nothing
answers). The shared Redis of the other tests is never touched.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis

from citymgmt import ratelimit
from citymgmt.env import read_cache
from citymgmt.notifications import tasks as notification_tasks
from citymgmt.notifications.models import Notification
from complaints.models import Complaint
from tests.complaints.factories import form_data
from tests.conftest import need, project_app

# Committed for real, so the outbox's publish after commit runs as in production.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("empty_cache", "media_root"),
]


class OwnRedis:
    """A throwaway redis-server: no persistence, stopped or frozen on demand."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(  # noqa: S603 - a fixed local binary
            [
                shutil.which("redis-server") or "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.thaw()
        self.process.terminate()
        self.process.wait(timeout=10)

    def queued(self, db: int, queue: str = "celery") -> int:
        return redis.Redis(port=self.port, db=db, socket_timeout=2).llen(queue)


@pytest.fixture
def own_redis(redis_broker, settings, monkeypatch):
    """The default cache (db 1) and the outbox's broker (db 0) on our own Redis.

    Needs the suite's Redis settings (redis_broker), so the cache and broker
    options are the ones a deployment on Redis gets.
    """
    need(shutil.which("redis-server") is not None, "needs the redis-server binary")
    server = OwnRedis()
    monkeypatch.setenv("CACHE_URL", f"{server.url}/1")
    settings.CACHES = {"default": read_cache(timeout=settings.REDIS_TIMEOUT)}
    app = project_app(broker_url=f"{server.url}/0")
    settings.NOTIFY_CELERY_APP = app
    ratelimit.forget_local_counts()
    yield server
    server.stop()
    app.close()
    ratelimit.forget_local_counts()


def api_payload() -> dict:
    return {
        "category": "09006",
        "description": "放学时间校门口有流动摊贩占道经营，影响学生通行。",
        "address": "西苑小学东门",
        "community": "370781001001",
        "phone": "13912345678",
        "consent": True,
    }


def file_and_follow(citizen, tree):
    """Post the form and open the receipt it leads to."""
    response = citizen.post("/complaints/new/", form_data(tree))
    assert response.status_code == 302
    assert response["Location"] == "/complaints/new/done/"
    return citizen.get(response["Location"])


def test_with_redis_down_a_complaint_is_filed_and_gets_its_receipt(
    citizen, tree, own_redis, caplog
):
    own_redis.stop()

    receipt = file_and_follow(citizen, tree)
    by_api = citizen.post(
        "/api/v1/complaints/", api_payload(), content_type="application/json"
    )

    complaint = Complaint.objects.order_by("id").first()
    assert receipt.status_code == 200
    assert complaint.reference in receipt.content.decode()
    assert "已收到" in receipt.content.decode()
    assert by_api.status_code == 201
    assert Complaint.objects.count() == 2
    # DRF's own throttle on the other public endpoints counts in-process too.
    assert citizen.get("/api/v1/categories/").status_code == 200
    assert "Rate limits count in this process" in caplog.text


def test_with_redis_down_the_limit_still_holds_in_the_process(
    citizen, tree, own_redis, settings
):
    count, _window = settings.COMPLAINT_SUBMIT_RATE
    settings.COMPLAINT_SUBMIT_RATE = (count, 86_400)
    own_redis.stop()
    for _ in range(count):
        assert citizen.post("/complaints/new/", form_data(tree)).status_code == 302

    response = citizen.post("/complaints/new/", form_data(tree))

    assert response.status_code == 429
    assert Complaint.objects.count() == count


def test_with_redis_down_tracking_still_works(citizen, tree, own_redis):
    file_and_follow(citizen, tree)
    complaint = Complaint.objects.get()
    own_redis.stop()
    stranger = type(citizen)()

    response = stranger.post(
        "/complaints/track/",
        {"reference": complaint.reference, "phone_last4": "5678"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    api = stranger.get(
        "/api/v1/complaints/track/",
        {"reference": complaint.reference, "phone_last4": "5678"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Progress" in html
    assert complaint.reference in html
    assert api.status_code == 200
    assert api.json()["reference"] == complaint.reference


def test_health_says_the_cache_is_down(citizen, own_redis):
    assert citizen.get("/health/").json()["cache"] == "ok"
    own_redis.stop()

    response = citizen.get("/health/")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["cache"].startswith("error")
    assert body["database"] == "ok"


def test_with_redis_frozen_a_complaint_gets_its_receipt_and_its_sms_later(
    citizen, tree, own_redis
):
    own_redis.freeze()

    receipt = file_and_follow(citizen, tree)

    complaint = Complaint.objects.get()
    assert receipt.status_code == 200
    assert complaint.reference in receipt.content.decode()
    # The SMS that says the case was received waits in the outbox ...
    sms = Notification.objects.get(channel=Notification.Channel.SMS)
    assert sms.status == Notification.Status.PENDING
    own_redis.thaw()
    assert own_redis.queued(db=0) == 0
    # ... and the periodic sweep queues it once Redis answers again.
    assert notification_tasks.sweep() == 1
    assert own_redis.queued(db=0) == 1


def test_with_redis_frozen_the_api_files_the_complaint(citizen, tree, own_redis):
    own_redis.freeze()

    response = citizen.post(
        "/api/v1/complaints/", api_payload(), content_type="application/json"
    )

    assert response.status_code == 201
    assert Complaint.objects.filter(reference=response.json()["reference"]).exists()
