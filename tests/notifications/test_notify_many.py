"""notify_many: a batch of outbox rows in one INSERT, delivered in batches."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from citymgmt.notifications.models import Notification
from citymgmt.notifications.services import (
    Message,
    notification_deliver_many,
    notify_many,
)
from citymgmt.notifications.tasks import deliver_many

pytestmark = pytest.mark.django_db


def sms(number: int, *, key: bool = True) -> Message:
    return Message(
        channel="sms",
        template="complaint_received",
        context={"reference": f"20261123-{number:04d}"},
        recipient=f"139{number:08d}",
        dedupe_key=f"received:{number}" if key else None,
    )


def sms_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "citymgmt.sms"]


@pytest.mark.parametrize("count", [3, 60])
def test_a_batch_is_written_in_three_statements_whatever_its_size(
    count, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        # The keys already used, one INSERT, the ids to send.
        with django_assert_num_queries(3):
            written = notify_many([sms(i) for i in range(count)])
    assert written == count
    assert Notification.objects.filter(status="pending").count() == count
    # One publish after commit for the whole batch.
    assert len(callbacks) == 1


def test_a_key_seen_before_or_twice_in_the_batch_is_written_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks():
        assert notify_many([sms(1), sms(2)]) == 2
        assert notify_many([sms(2), sms(3), sms(3)]) == 1
    assert sorted(Notification.objects.values_list("dedupe_key", flat=True)) == [
        "received:1",
        "received:2",
        "received:3",
    ]


def test_a_batch_rolled_back_writes_and_sends_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify_many([sms(1), sms(2, key=False)])
            raise RuntimeError("the caller's work failed")
    assert not Notification.objects.exists()
    assert callbacks == []


def test_each_message_of_a_batch_is_sent_once_after_commit(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "log"
    caplog.set_level(logging.INFO, logger="citymgmt.sms")
    messages = [sms(i) for i in range(150)] + [
        sms(i, key=False) for i in range(150, 160)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            assert notify_many(messages) == 160
            assert not Notification.objects.exclude(status="pending").exists()

    rows = Notification.objects.all()
    assert set(rows.values_list("status", "attempts")) == {("sent", 1)}
    lines = sms_lines(caplog)
    assert len(lines) == 160
    assert all("139****" in line for line in lines)


def test_site_messages_are_in_the_bell_and_not_published(
    dispatcher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        notify_many(
            [
                Message(
                    channel="site",
                    template="deadline_overdue",
                    context={
                        "reference": "20261123-0042",
                        "stage": "dispose",
                        "due_at": "2026-11-23T15:30:00+08:00",
                    },
                    user=dispatcher,
                    dedupe_key="overdue:42",
                )
            ]
        )
    assert list(Notification.objects.values_list("status", flat=True)) == ["sent"]
    assert callbacks == []


def test_it_refuses_a_batch_with_a_message_it_cannot_write():
    with pytest.raises(ValueError, match="recipient"):
        notify_many([sms(1), Message(channel="sms", template="x", context={})])
    assert not Notification.objects.exists()


@pytest.mark.parametrize("count", [5, 80])
def test_a_batch_is_claimed_in_one_update_and_each_row_marked_sent_at_once(
    count, settings, caplog, django_assert_num_queries, no_worker
):
    settings.SMS_BACKEND = "log"
    caplog.set_level(logging.INFO, logger="citymgmt.sms")
    notify_many([sms(i) for i in range(count)])
    ids = list(Notification.objects.values_list("id", flat=True))

    # The claim, the claimed rows, then one UPDATE per row as it is sent.
    with django_assert_num_queries(2 + count):
        outcomes = notification_deliver_many(notification_ids=ids)

    assert outcomes == {"sent": count}
    rows = Notification.objects.all()
    assert set(rows.values_list("status", "attempts")) == {("sent", 1)}
    assert len(sms_lines(caplog)) == count


def test_a_batch_delivered_twice_sends_nothing_twice(settings, caplog, no_worker):
    settings.SMS_BACKEND = "log"
    caplog.set_level(logging.INFO, logger="citymgmt.sms")
    notify_many([sms(i) for i in range(10)])
    ids = list(Notification.objects.values_list("id", flat=True))

    assert deliver_many(ids) == {"sent": 10}
    assert deliver_many(ids) == {"skipped": 10}
    assert len(sms_lines(caplog)) == 10
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}
