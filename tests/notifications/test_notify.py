"""notify writes an outbox row with the caller's work and sends it after commit."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from citymgmt.notifications.models import Notification
from citymgmt.notifications.services import notification_mark_read, notify

PHONE = "13812345678"


def received(**overrides):
    values = {
        "channel": "sms",
        "template": "complaint_received",
        "context": {"reference": "20261123-0042"},
        "recipient": PHONE,
    }
    values.update(overrides)
    return notify(**values)


@pytest.mark.django_db
def test_it_writes_nothing_when_the_callers_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                received()
                raise RuntimeError("the caller's work failed")
    assert not Notification.objects.exists()
    assert callbacks == []


@pytest.mark.django_db
def test_it_sends_an_sms_through_the_log_after_commit(
    django_capture_on_commit_callbacks, caplog, settings
):
    settings.SMS_BACKEND = "log"
    caplog.set_level(logging.INFO, logger="citymgmt.sms")
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            row = received()
            assert Notification.objects.get().status == "pending"
    row.refresh_from_db()
    assert row.status == "sent"
    assert row.sent_at is not None
    assert row.attempts == 1
    lines = [r.getMessage() for r in caplog.records if r.name == "citymgmt.sms"]
    assert len(lines) == 1
    assert row.body in lines[0]
    assert "138****5678" in lines[0]
    assert PHONE not in lines[0]


@pytest.mark.django_db
def test_a_second_notify_with_the_same_key_writes_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = received(dedupe_key="reminder:1:dispose:80")
        second = received(dedupe_key="reminder:1:dispose:80")
    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_a_site_notification_is_in_the_bell_at_once(
    dispatcher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        row = notify(
            channel="site",
            template="deadline_overdue",
            context={
                "reference": "20261123-0042",
                "stage": "dispose",
                "due_at": "2026-11-23T15:30:00+08:00",
            },
            user=dispatcher,
        )
    assert row.status == "sent"
    assert callbacks == []
    assert notification_mark_read(user=dispatcher) == 1
    assert notification_mark_read(user=dispatcher) == 0


@pytest.mark.django_db
def test_it_refuses_a_message_without_its_context():
    with pytest.raises(ValueError, match="reference"):
        received(context={})
    with pytest.raises(ValueError, match="user"):
        notify(channel="site", template="complaint_received", context={})


@pytest.mark.django_db
def test_an_email_goes_through_djangos_mail_backend(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        row = notify(
            channel="email",
            template="deadline_reminder",
            context={
                "reference": "20261123-0042",
                "stage": "dispose",
                "percent": 80,
                "due_at": "2026-11-24T15:30:00+08:00",
            },
            recipient="leader@example.org",
        )
    row.refresh_from_db()
    assert row.status == "sent"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["leader@example.org"]
    assert mailoutbox[0].subject == row.subject
    assert "20261123-0042" in mailoutbox[0].body
