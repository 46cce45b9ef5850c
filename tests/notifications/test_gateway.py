"""The HTTP SMS gateway: what it is sent, and what happens when it fails."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from citymgmt.notifications.models import Notification
from citymgmt.notifications.services import notify
from citymgmt.notifications.tasks import deliver

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def received(django_capture_on_commit_callbacks) -> Notification:
    with django_capture_on_commit_callbacks(execute=True):
        row = notify(
            channel="sms",
            template="complaint_received",
            context={"reference": "20261123-0042"},
            recipient=PHONE,
        )
    row.refresh_from_db()
    return row


def test_it_posts_the_number_the_text_and_the_id_with_the_key(
    gateway, django_capture_on_commit_callbacks
):
    row = received(django_capture_on_commit_callbacks)

    assert row.status == Notification.Status.SENT
    assert row.attempts == 1
    assert len(gateway.requests) == 1
    request = gateway.requests[0]
    assert request["path"] == "/sms/send"
    assert request["authorization"] == "Bearer test-key-123"
    assert request["json"] == {"to": PHONE, "text": row.body, "id": row.pk}
    assert request["idempotency_key"] == row.delivery_key
    assert row.delivery_key.startswith(f"outbox-{row.pk}-")


def test_a_retry_after_the_gateway_took_the_sms_but_timed_out_sends_no_second_sms(
    gateway, django_capture_on_commit_callbacks
):
    # The gateway sends the SMS but answers after the backend stopped waiting.
    gateway.mode = "slow"
    row = received(django_capture_on_commit_callbacks)
    assert row.status == Notification.Status.PENDING

    gateway.mode = "ok"
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
        assert deliver(row.pk) == "sent"

    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.attempts == 2
    assert gateway.per_id() == {row.pk: 2}
    assert [(sms["to"], sms["key"]) for sms in gateway.sent] == [
        (PHONE, row.delivery_key)
    ]


@pytest.mark.parametrize("mode", ["error", "garbage", "slow"])
def test_a_failing_gateway_leaves_the_row_pending_for_a_later_try(
    gateway, django_capture_on_commit_callbacks, mode
):
    gateway.mode = mode
    row = received(django_capture_on_commit_callbacks)

    assert row.status == Notification.Status.PENDING
    assert row.attempts == 1
    assert row.sent_at is None
    assert row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=20)
    # Not due yet: a second delivery does nothing.
    assert deliver(row.pk) == "skipped"
    assert len(gateway.requests) == 1


def test_a_permanent_refusal_fails_the_row_at_once(
    gateway, django_capture_on_commit_callbacks
):
    gateway.mode = "refused"
    row = received(django_capture_on_commit_callbacks)

    assert row.status == Notification.Status.FAILED
    assert "invalid number" in row.last_error
    assert len(gateway.requests) == 1


def test_retries_back_off_then_stop_and_a_person_can_retry_from_the_admin(
    gateway, django_capture_on_commit_callbacks, settings, supervisor, client_for
):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    gateway.mode = "error"
    row = received(django_capture_on_commit_callbacks)
    waits = []
    for _ in range(2):
        waits.append(row.next_attempt_at - timezone.now())
        with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
            deliver(row.pk)
        row.refresh_from_db()

    assert row.status == Notification.Status.FAILED
    assert row.attempts == 3
    assert len(gateway.requests) == 3
    assert waits[1] > waits[0]  # exponential backoff

    admin = client_for(supervisor)
    page = admin.get(
        "/admin/notifications/notification/?status__exact=failed",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    assert f'value="{row.pk}"' in page.text
    assert "139****5678" in page.text
    assert PHONE not in page.text

    gateway.mode = "ok"
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin.post(
            "/admin/notifications/notification/",
            {"action": "retry_now", "_selected_action": [row.pk]},
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )
    assert "1 notification queued for delivery." in answer.text
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert len(gateway.requests) == 4
    assert gateway.per_id()[row.pk] == 4
