"""Citizens get an SMS when their case moves, written with the move; none is lost."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from citymgmt.errors import DomainError
from citymgmt.notifications.models import Notification
from complaints.models import Complaint
from complaints.services import complaint_act
from tests.complaints.factories import PHONE, submit, walk_to
from tests.conftest import CLOSED_PORT_BROKER, project_app, wait_for


def sms(template: str | None = None):
    rows = Notification.objects.filter(channel="sms")
    return rows.filter(template=template) if template else rows


def templates() -> list[str]:
    return list(sms().order_by("id").values_list("template", flat=True))


def test_filing_queues_the_received_sms_with_the_reference(tree):
    complaint = submit(tree)

    row = sms("complaint_received").get()
    assert row.recipient == PHONE
    assert row.status == "pending"
    assert row.context == {"reference": complaint.reference}
    assert complaint.reference in row.body


def test_the_citizen_hears_of_dispatch_disposal_and_closing_and_nothing_else(
    tree, users
):
    complaint = submit(tree)
    walk_to(complaint, "closed", users)

    assert templates() == [
        "complaint_received",
        "complaint_dispatched",
        "complaint_disposed",
        "complaint_closed",
    ]
    dispatched = sms("complaint_dispatched").get()
    assert dispatched.context["unit"] == tree.unit_a.name
    assert tree.unit_a.name in dispatched.body
    closed = sms("complaint_closed").get()
    assert closed.context["days"] == 7
    assert all(row.recipient == PHONE for row in sms())


def test_a_rejection_gives_the_reason(tree, users):
    complaint = submit(tree)
    complaint_act(
        complaint=complaint,
        action="reject",
        by=users["dispatcher"],
        opinion="重复举报",
    )

    row = sms("complaint_rejected").get()
    assert row.context == {"reference": complaint.reference, "reason": "重复举报"}
    assert "重复举报" in row.body


def test_a_case_for_another_department_is_referred_not_just_rejected(tree, users):
    complaint = submit(tree)
    complaint_act(
        complaint=complaint,
        action="reject",
        by=users["dispatcher"],
        opinion="属于交警职责。",
        referral_to="公安交警大队",
    )

    assert not sms("complaint_rejected").exists()
    row = sms("complaint_referred").get()
    assert row.context["department"] == "公安交警大队"
    assert "公安交警大队" in row.body


def test_an_anonymous_citizen_who_left_a_phone_still_gets_the_sms(tree):
    submit(tree, is_anonymous=True, citizen_name="")
    assert sms("complaint_received").get().recipient == PHONE


def test_a_refused_move_sends_nothing(tree, users):
    complaint = walk_to(submit(tree), "processing", users)
    with pytest.raises(DomainError):
        # 占道经营 needs before and after photos.
        complaint_act(
            complaint=complaint,
            action="dispose",
            by=users["squad_leader"],
            method="service",
            result="已劝离。",
        )
    assert not sms("complaint_disposed").exists()
    assert Complaint.objects.get(pk=complaint.pk).status == "processing"


def test_the_sms_is_delivered_after_the_commit(
    tree, settings, django_capture_on_commit_callbacks
):
    # Eager: the delivery task runs in this process, through the log backend.
    settings.NOTIFY_CELERY_APP = project_app(task_always_eager=True)
    settings.SMS_BACKEND = "log"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        complaint = submit(tree)
        assert sms().get().status == "pending"  # nothing left before the commit

    assert len(callbacks) == 1
    row = sms().get()
    assert (row.status, row.attempts) == ("sent", 1)
    assert complaint.reference in row.body


# --- The broker down during 100 submissions ---------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_100_citizens_file_and_each_sms_goes_out_once(
    redis_url, monkeypatch, settings, tree, deadline_rules, gateway, citizen
):
    # Celery prefers the environment's broker over an app's configuration.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    # The gateway may take 2 s to answer here, not the shared fixture's 1 s.
    settings.SMS_GATEWAY_TIMEOUT = 2
    settings.COMPLAINT_SUBMIT_RATE = (1000, 600)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/min", "user": "1000/min"},
    }
    cache.clear()
    # The app the outbox publishes through points at a port nobody listens on.
    settings.NOTIFY_CELERY_APP = project_app(broker_url=CLOSED_PORT_BROKER)

    started = time.monotonic()
    answers = []
    for i in range(100):
        response = citizen.post(
            "/api/v1/complaints/",
            {
                "category": "09006",
                "request_type": "complaint",
                "description": "放学时间校门口有流动摊贩占道经营，影响学生通行。",
                "address": f"西苑小学东门{i}号",
                "community": tree.community_a.code,
                "citizen_name": "张女士",
                "phone": f"139{i:08d}",
                "is_anonymous": False,
                "consent": True,
            },
            content_type="application/json",
        )
        answers.append(response.status_code)
    cache.clear()

    assert answers == [201] * 100
    assert time.monotonic() - started < 120
    assert Complaint.objects.count() == 100
    rows = sms("complaint_received")
    assert rows.count() == 100
    assert set(rows.values_list("status", flat=True)) == {"pending"}
    assert set(rows.values_list("attempts", flat=True)) == {0}
    assert gateway.requests == []

    # The broker is back: the outbox sweep on a real worker sends every row once.
    app = project_app(broker_url=redis_url, worker_hijack_root_logger=False)
    app.control.purge()
    settings.NOTIFY_CELERY_APP = app
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        app.tasks["citymgmt.notifications.sweep"].delay()
        assert wait_for(lambda: not rows.exclude(status="sent").exists(), 60), list(
            rows.exclude(status="sent").values_list("status", "last_error")[:3]
        )
        # A second sweep finds nothing left to send.
        app.tasks["citymgmt.notifications.sweep"].delay()
        time.sleep(1)

    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert set(rows.values_list("attempts", flat=True)) == {1}
    per_id = gateway.per_id()
    assert len(per_id) == 100
    assert set(per_id.values()) == {1}
    references = set(Complaint.objects.values_list("reference", flat=True))
    assert {r.context["reference"] for r in rows} == references
