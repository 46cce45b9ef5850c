"""Claims and leases: a row is sent once, even when delivered twice or abandoned."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from citymgmt.notifications.models import Notification
from citymgmt.notifications.services import backoff, notify
from citymgmt.notifications.tasks import deliver, sweep
from tests.conftest import wait_for


def pending_sms(phone: str = "13912345678") -> Notification:
    return notify(
        channel="sms",
        template="complaint_disposed",
        context={"reference": "20261123-0042"},
        recipient=phone,
    )


def sms_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "citymgmt.sms"]


@pytest.mark.django_db
def test_delivering_the_same_row_twice_sends_it_once(no_worker, caplog):
    caplog.set_level(logging.INFO, logger="citymgmt.sms")
    row = pending_sms()

    assert deliver(row.pk) == "sent"
    assert deliver(row.pk) == "skipped"

    assert len(sms_lines(caplog)) == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_row_at_once_send_it_once(
    require_postgres, no_worker, gateway
):
    row = pending_sms()
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def work() -> None:
        try:
            start.wait(timeout=10)
            outcomes.append(deliver(row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["sent", "skipped", "skipped", "skipped"]
    assert gateway.per_id() == {row.pk: 1}


@pytest.mark.django_db
def test_the_sweep_takes_back_a_row_a_dead_worker_held_and_sends_it_once(
    caplog, settings, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="citymgmt.sms")
    with django_capture_on_commit_callbacks():  # its task is lost
        abandoned = pending_sms("13900000001")
        busy = pending_sms("13900000002")
    # Claimed by workers: one died 10 minutes ago, one is still sending.
    now = timezone.now()
    Notification.objects.filter(pk=abandoned.pk).update(
        status="sending", claimed_at=now - timedelta(seconds=600)
    )
    Notification.objects.filter(pk=busy.pk).update(
        status="sending", claimed_at=now - timedelta(seconds=10)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == 1
        assert sweep() == 0

    abandoned.refresh_from_db()
    busy.refresh_from_db()
    assert abandoned.status == Notification.Status.SENT
    assert busy.status == Notification.Status.SENDING
    lines = sms_lines(caplog)
    assert len(lines) == 1
    assert "139****0001" in lines[0]


@pytest.mark.django_db
def test_the_sweep_sends_rows_whose_task_never_ran(
    caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="citymgmt.sms")
    with django_capture_on_commit_callbacks():  # the broker lost them
        rows = [pending_sms(f"1390000000{i}") for i in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == 3

    assert {
        r.status for r in Notification.objects.filter(pk__in=[r.pk for r in rows])
    } == {"sent"}
    assert len(sms_lines(caplog)) == 3


def test_backoff_doubles_from_30_seconds_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in range(1, 9)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
    ]


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_writing_the_same_reminder_at_once_write_one_row(
    require_postgres, no_worker, dispatcher
):
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def write() -> None:
        try:
            with transaction.atomic():
                start.wait(timeout=10)
                outcomes.append(
                    notify(
                        channel="site",
                        template="deadline_overdue",
                        context={
                            "reference": "20261123-0042",
                            "stage": "dispose",
                            "due_at": "2026-11-24T15:30:00+08:00",
                        },
                        user=dispatcher,
                        dedupe_key="reminder:42:dispose:100",
                    )
                )
                time.sleep(0.3)  # both inserted before either commits
        except Exception as exc:  # reported by the assertions below
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(type(o).__name__ for o in outcomes) == ["NoneType", "Notification"]
    assert (
        Notification.objects.filter(dedupe_key="reminder:42:dispose:100").count() == 1
    )


@pytest.mark.django_db
def test_the_sweep_runs_every_minute_on_the_project_app():
    from django_celery_beat.models import PeriodicTask

    from citymgmt.celery import app

    schedule = PeriodicTask.objects.get(name="notifications: sweep")
    assert schedule.enabled
    assert schedule.task == "citymgmt.notifications.sweep"
    assert (schedule.interval.every, schedule.interval.period) == (1, "minutes")
    assert {"citymgmt.notifications.sweep", "citymgmt.notifications.deliver"} <= set(
        app.tasks
    )


class RowAtHandOff(logging.Handler):
    """Reads the outbox row at the moment the log SMS backend takes the message."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, int]] = []

    def emit(self, record: logging.LogRecord) -> None:
        row_id = record.args[0]  # "SMS #%s to %s …"
        row = Notification.objects.get(pk=row_id)
        self.seen.append((row.status, row.attempts))


@pytest.mark.django_db
def test_the_attempt_is_counted_before_the_sms_is_handed_over(no_worker):
    row = pending_sms()
    watcher = RowAtHandOff()
    sms_log = logging.getLogger("citymgmt.sms")
    sms_log.addHandler(watcher)
    sms_log.setLevel(logging.INFO)
    try:
        assert deliver(row.pk) == "sent"
    finally:
        sms_log.removeHandler(watcher)
        sms_log.setLevel(logging.NOTSET)

    # A worker dying at that moment leaves a row that already counts the try.
    assert watcher.seen == [("sending", 1)]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)


@pytest.mark.django_db
def test_the_log_backend_writes_the_delivery_key(no_worker, caplog):
    caplog.set_level(logging.INFO, logger="citymgmt.sms")
    row = pending_sms()

    deliver(row.pk)

    assert sms_lines(caplog) == [
        f"SMS #{row.pk} to 139****5678 (key {row.delivery_key}): {row.body}"
    ]


@pytest.mark.django_db
def test_a_take_back_counts_as_an_attempt_and_after_the_last_one_the_row_waits(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    caplog.set_level(logging.INFO, logger="citymgmt.sms")
    with django_capture_on_commit_callbacks():  # its task is lost
        row = pending_sms()
    # A worker claimed it (attempt 1) and died; the sweep takes it back.
    Notification.objects.filter(pk=row.pk).update(
        status="sending", attempts=1, claimed_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(sms_lines(caplog)) == 1

    # Another row whose second worker died too: no third try, a person decides.
    with django_capture_on_commit_callbacks():
        last = pending_sms("13900000009")
    Notification.objects.filter(pk=last.pk).update(
        status="sending", attempts=2, claimed_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == 0
    last.refresh_from_db()
    assert last.status == Notification.Status.FAILED
    assert last.attempts == 2
    assert last.claimed_at is None
    assert "Lease expired" in last.last_error
    assert len(sms_lines(caplog)) == 1


@pytest.mark.django_db
def test_an_email_carries_a_message_id_made_from_its_outbox_row(
    no_worker, settings, mailoutbox, dispatcher
):
    settings.DEFAULT_FROM_EMAIL = "CityDesk <citydesk@example.org>"
    row = notify(
        channel="email",
        template="deadline_overdue",
        context={
            "reference": "20261123-0042",
            "stage": "dispose",
            "due_at": "2026-11-24T15:30:00+08:00",
        },
        recipient="qian@example.org",
        user=dispatcher,
    )

    assert deliver(row.pk) == "sent"

    message = mailoutbox[0].message()
    assert message["Message-ID"] == f"<outbox-{row.pk}-" + (
        f"{row.created_at.astimezone(UTC):%Y%m%d%H%M%S%f}@example.org>"
    )
    assert message["Message-ID"] == f"<{row.delivery_key}@example.org>"


@pytest.mark.django_db(transaction=True)
def test_a_mail_is_marked_sent_before_the_smtp_session_says_goodbye(
    require_postgres, no_worker, mail_server, dispatcher
):
    mail_server.hold_quit = True
    row = notify(
        channel="email",
        template="deadline_overdue",
        context={
            "reference": "20261123-0042",
            "stage": "dispose",
            "due_at": "2026-11-24T15:30:00+08:00",
        },
        recipient="qian@example.org",
        user=dispatcher,
    )
    outcomes: list[str] = []

    def work() -> None:
        try:
            outcomes.append(deliver(row.pk))
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        # The server has the message and holds its answer to QUIT.
        assert wait_for(mail_server.quit_seen.is_set)
        assert len(mail_server.messages) == 1
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("sent", 1)
    finally:
        mail_server.release.set()
        worker.join(timeout=30)

    assert outcomes == ["sent"]
    assert mail_server.messages[0]["Message-ID"] == f"<{row.delivery_key}@example.org>"
    assert mail_server.messages[0]["To"] == "qian@example.org"
