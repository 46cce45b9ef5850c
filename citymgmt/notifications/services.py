"""Writes to the outbox: queue a message, deliver it once, retry, mark as read."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from citymgmt.notifications import channels
from citymgmt.notifications.messages import render
from citymgmt.notifications.models import Notification

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
ERROR_MAX_CHARS = 2000
# Ids per delivery task: a batch is claimed with one UPDATE and each row is
# marked sent as soon as its channel has it; the task's time limit stays far
# below the lease, so nothing a batch claimed is taken back while it runs.
DELIVER_BATCH = 100
# Rows per INSERT (and dedupe keys per look-up) in notify_many.
WRITE_BATCH = 1000
LEASE_EXPIRED = (
    "Lease expired: the worker did not report back within {seconds} s "
    "(it may have handed the message over before it stopped)."
)


def _enqueue_on_commit(notification_id: int) -> None:
    _enqueue_many_on_commit([notification_id])


def _enqueue_many_on_commit(ids: list[int]) -> None:
    """After the commit, queue the rows' delivery: inline, or in this process's
    next batch where the process batches its publishes (notifications.publisher)."""
    from citymgmt.notifications.publisher import publish

    if ids:
        transaction.on_commit(partial(publish, ids), robust=True)


def _plain(context: dict[str, Any]) -> dict[str, Any]:
    """The context as JSON can hold it (datetimes as ISO strings)."""
    return json.loads(json.dumps(context, cls=DjangoJSONEncoder))


@dataclass(frozen=True)
class Message:
    """One message for notify_many: what notify takes, as a value."""

    channel: str
    template: str
    context: dict[str, Any] = field(hash=False, compare=False)
    recipient: str = ""
    user: Any = None
    dedupe_key: str | None = None


def _outbox_row(
    message: Message, *, rendered: dict[tuple[str, int, bool], tuple[str, str, dict]]
) -> Notification:
    """Check a message and render it into an unsaved outbox row.

    `rendered` keeps each (template, context, sms) rendered once per call: a
    reminder to ten people renders its text once.
    """
    channel = message.channel
    if channel not in Notification.Channel.values:
        raise ValueError(f"Unknown notification channel {channel!r}.")
    if channel == Notification.Channel.SITE and message.user is None:
        raise ValueError("A site notification needs a user.")
    recipient = message.recipient
    if channel in (Notification.Channel.SMS, Notification.Channel.EMAIL):
        recipient = (recipient or "").strip()
        if not recipient:
            raise ValueError(f"A {channel} notification needs a recipient.")
    if message.dedupe_key is not None and not message.dedupe_key:
        raise ValueError("An empty dedupe_key is not a key.")
    sms = channel == Notification.Channel.SMS
    once = (message.template, id(message.context), sms)
    if once not in rendered:
        subject, body = render(message.template, message.context, sms=sms)
        rendered[once] = (subject, body, _plain(message.context))
    subject, body, plain = rendered[once]
    row = Notification(
        channel=channel,
        recipient=recipient,
        user=message.user,
        template=message.template,
        context=plain,
        subject=subject,
        body=body,
        dedupe_key=message.dedupe_key,
    )
    if channel == Notification.Channel.SITE:
        # Nothing to send: the row is the message, shown in the staff bell.
        row.status = Notification.Status.SENT
        row.sent_at = row.created_at
    return row


def notify_row(
    *,
    channel: str,
    template: str,
    context: dict[str, Any],
    recipient: str = "",
    user: Any = None,
    dedupe_key: str | None = None,
) -> Notification:
    """The outbox row `notify` writes, checked and rendered but unsaved.

    A service that writes an unkeyed row together with its own rows
    (`citymgmt.compiled.rows_insert`) hands it to `send_on_commit` after the
    write; a keyed row goes through `notify`, which deals with a repeat.
    """
    return _outbox_row(
        Message(
            channel=channel,
            template=template,
            context=context,
            recipient=recipient,
            user=user,
            dedupe_key=dedupe_key,
        ),
        rendered={},
    )


def send_on_commit(rows: Iterable[Notification]) -> None:
    """Send the written rows that wait to be sent once the transaction commits."""
    _enqueue_many_on_commit(
        [row.pk for row in rows if row.status == Notification.Status.PENDING]
    )


def notify(
    *,
    channel: str,
    template: str,
    context: dict[str, Any],
    recipient: str = "",
    user: Any = None,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Write a message to the outbox in the caller's transaction; send it on commit.

    With a dedupe_key, a second call with the same key writes nothing and
    returns None, also when two transactions race (the key is unique).
    """
    row = notify_row(
        channel=channel,
        template=template,
        context=context,
        recipient=recipient,
        user=user,
        dedupe_key=dedupe_key,
    )
    if dedupe_key is None:
        row.save()
    else:
        if Notification.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        try:
            # A savepoint: on PostgreSQL a racing insert with the same key waits
            # for the other transaction and fails here only if that one commits.
            with transaction.atomic():
                row.save()
        except IntegrityError:
            if Notification.objects.filter(dedupe_key=dedupe_key).exists():
                return None
            raise
    send_on_commit([row])
    return row


def notify_many(messages: Iterable[Message]) -> int:
    """Write many messages to the outbox in the caller's transaction; send on commit.

    The bulk form of notify: one look-up of the dedupe keys already used and
    one INSERT (… ON CONFLICT DO NOTHING on the key) per WRITE_BATCH
    messages, and one publish per DELIVER_BATCH rows to send after commit —
    the number of statements does not grow with the messages in a batch. A
    key seen before (or twice in the call) writes nothing; when a racing
    transaction inserts the same key first, the insert waits for it and
    skips the row. Returns the rows written.
    """
    rendered: dict[tuple[str, int, bool], tuple[str, str, dict]] = {}
    keyed: dict[str, Notification] = {}
    unkeyed: list[Notification] = []
    for message in messages:
        row = _outbox_row(message, rendered=rendered)
        if row.dedupe_key is None:
            unkeyed.append(row)
        else:
            keyed.setdefault(row.dedupe_key, row)
    written = 0
    pending: list[int] = []
    if unkeyed:
        Notification.objects.bulk_create(unkeyed, batch_size=WRITE_BATCH)
        written += len(unkeyed)
        pending += [
            row.pk for row in unkeyed if row.status == Notification.Status.PENDING
        ]
    rows = list(keyed.values())
    for start in range(0, len(rows), WRITE_BATCH):
        chunk = rows[start : start + WRITE_BATCH]
        keys = [row.dedupe_key for row in chunk]
        seen = set(
            Notification.objects.filter(dedupe_key__in=keys).values_list(
                "dedupe_key", flat=True
            )
        )
        new = [row for row in chunk if row.dedupe_key not in seen]
        if not new:
            continue
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        written += len(new)
        to_send = [
            row.dedupe_key for row in new if row.status == Notification.Status.PENDING
        ]
        if to_send:
            pending += Notification.objects.filter(
                dedupe_key__in=to_send, status=Notification.Status.PENDING
            ).values_list("id", flat=True)
    _enqueue_many_on_commit(sorted(pending))
    return written


def staff_messages(
    *, user: Any, template: str, context: dict[str, Any], dedupe_key: str
) -> list[Message]:
    """What telling a member of staff writes: the bell, and email when they
    have an address."""
    messages = [
        Message(
            channel=Notification.Channel.SITE,
            template=template,
            context=context,
            user=user,
            dedupe_key=dedupe_key,
        )
    ]
    if user.email:
        messages.append(
            Message(
                channel=Notification.Channel.EMAIL,
                template=template,
                context=context,
                recipient=user.email,
                user=user,
                dedupe_key=f"{dedupe_key}:email",
            )
        )
    return messages


def notify_staff(
    *, user: Any, template: str, context: dict[str, Any], dedupe_key: str
) -> list[Notification]:
    """Tell a member of staff: under the bell, and by email when they have an
    address. Returns the rows written; a key seen before writes nothing."""
    rows = [
        notify(
            channel=message.channel,
            template=message.template,
            context=message.context,
            recipient=message.recipient,
            user=message.user,
            dedupe_key=message.dedupe_key,
        )
        for message in staff_messages(
            user=user, template=template, context=context, dedupe_key=dedupe_key
        )
    ]
    return [row for row in rows if row is not None]


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: 30 s, 60 s, 120 s … at most 1 h."""
    seconds = BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


def notification_deliver(*, notification_id: int) -> str:
    """Claim a due pending row, hand it to its channel, and record how it went.

    The claim counts the attempt before the hand-off, so a worker that dies
    while sending still leaves it counted; the row is marked sent by one
    update as soon as the channel returns. Returns the outcome: "sent",
    "retry", "failed" or "skipped" (not due, or another worker holds it).
    """
    outcomes = notification_deliver_many(notification_ids=[notification_id])
    return next(iter(outcomes))


def notification_deliver_many(*, notification_ids: Sequence[int]) -> Counter[str]:
    """Deliver a batch of rows as notification_deliver does each: once each.

    One conditional UPDATE claims every due pending row of the batch (and
    counts its attempt) and one SELECT reads the claimed rows; then each row
    goes to its channel and is marked sent (or put back for a retry) by its
    own UPDATE as soon as the channel returns, so a worker dying mid-batch
    repeats at most the message it was handing over. Rows it never reached
    (the task's time limit, the database gone) are put back without the
    attempt. Returns how many rows ended each way ("sent", "retry",
    "failed", "skipped").
    """
    ids = sorted(set(notification_ids))
    now = timezone.now()
    claimed = Notification.objects.filter(
        id__in=ids,
        status=Notification.Status.PENDING,
        next_attempt_at__lte=now,
    ).update(
        status=Notification.Status.SENDING,
        claimed_at=now,
        attempts=F("attempts") + 1,
    )
    outcomes: Counter[str] = Counter()
    if len(ids) > claimed:
        outcomes["skipped"] = len(ids) - claimed
    if not claimed:
        return outcomes
    rows = list(
        Notification.objects.filter(
            id__in=ids, status=Notification.Status.SENDING, claimed_at=now
        ).order_by("channel", "id")
    )
    done = 0
    try:
        _outcomes_without_waiting_for_the_disk(True)
        for channel_rows in _by_channel(rows):
            with channels.connection_for(channel_rows[0]) as connection:
                for row in channel_rows:
                    outcomes[
                        _hand_over(row, claimed_at=now, connection=connection)
                    ] += 1
                    done += 1
    finally:
        _outcomes_without_waiting_for_the_disk(False)
        if done < len(rows):
            # Never handed over (the one being sent when it stopped may have
            # been, and stays for the lease): back in line, attempt uncounted.
            Notification.objects.filter(
                id__in=[row.pk for row in rows[done + 1 :]],
                status=Notification.Status.SENDING,
                claimed_at=now,
            ).update(
                status=Notification.Status.PENDING,
                claimed_at=None,
                attempts=F("attempts") - 1,
            )
    return outcomes


def _outcomes_without_waiting_for_the_disk(on: bool) -> None:
    """While a batch's outcomes are recorded, commit without waiting for the disk.

    On PostgreSQL with synchronous_commit off an UPDATE is committed and
    visible to every session at once and reaches the disk within a fraction
    of a second; only a crash of the database server itself in that moment
    can lose it, and then the lease brings the row back and it goes out
    again with the same delivery key, as after a worker that died. The claim,
    which counts the attempts, is made before and still waits for the disk.
    Inside a caller's transaction (a test's) its own commit decides.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SET synchronous_commit TO OFF" if on else "RESET synchronous_commit"
        )


def _by_channel(rows: list[Notification]) -> list[list[Notification]]:
    """Rows grouped by channel (they come ordered by it): one mail connection
    for a batch's emails."""
    groups: dict[str, list[Notification]] = {}
    for row in rows:
        groups.setdefault(row.channel, []).append(row)
    return list(groups.values())


def _hand_over(row: Notification, *, claimed_at: Any, connection: Any) -> str:
    """Send one claimed row and record how it went, in one UPDATE."""
    mine = Notification.objects.filter(
        id=row.pk, status=Notification.Status.SENDING, claimed_at=claimed_at
    )
    try:
        channels.send(row, connection=connection)
    except channels.PermanentError as exc:
        mine.update(
            status=Notification.Status.FAILED,
            last_error=str(exc)[:ERROR_MAX_CHARS],
        )
        logger.warning("Notification %s failed for good: %s", row.pk, exc)
        return "failed"
    except Exception as exc:
        # Anything else (a timeout, a bad answer, an SMTP error, a bug in
        # a backend) is worth another try later; the attempts bound it.
        if isinstance(exc, channels.TransientError):
            logger.warning("Notification %s not delivered: %s", row.pk, exc)
        else:
            logger.exception("Notification %s not delivered", row.pk)
        error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS]
        if row.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            mine.update(status=Notification.Status.FAILED, last_error=error)
            return "failed"
        mine.update(
            status=Notification.Status.PENDING,
            next_attempt_at=timezone.now() + backoff(row.attempts),
            last_error=error,
        )
        return "retry"
    # The channel has the message: record it before anything else (even
    # closing the mail connection), so a worker dying now repeats nothing.
    marked = mine.update(status=Notification.Status.SENT, sent_at=timezone.now())
    if marked != 1:
        # The lease ran out while sending and the sweep took the row back.
        logger.warning("Notification %s was sent after its lease expired", row.pk)
    return "sent"


def notifications_due(*, limit: int = 1000) -> list[int]:
    """Take back rows stuck in sending past the lease; return ids due for delivery.

    A row taken back keeps the attempt its claim counted: its worker died, or
    hung, maybe after handing the message over. Once that makes
    NOTIFY_MAX_ATTEMPTS, the row fails and waits for a person.
    """
    now = timezone.now()
    expired = now - timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)
    stuck = list(
        Notification.objects.filter(
            status=Notification.Status.SENDING, claimed_at__lt=expired
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    if stuck:
        lapsed = Notification.objects.filter(
            id__in=stuck, status=Notification.Status.SENDING, claimed_at__lt=expired
        )
        error = LEASE_EXPIRED.format(seconds=settings.NOTIFY_LEASE_SECONDS)
        given_up = lapsed.filter(attempts__gte=settings.NOTIFY_MAX_ATTEMPTS).update(
            status=Notification.Status.FAILED, claimed_at=None, last_error=error
        )
        reclaimed = lapsed.update(
            status=Notification.Status.PENDING, claimed_at=None, last_error=error
        )
        logger.warning(
            "Took back %s notifications stuck in sending; %s of them failed after "
            "their last attempt",
            reclaimed + given_up,
            given_up,
        )
    return list(
        Notification.objects.filter(
            status=Notification.Status.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


@transaction.atomic
def notification_retry(*, ids: Iterable[int]) -> int:
    """Put failed or pending rows back in line for delivery now."""
    ids = list(ids)
    now = timezone.now()
    count = Notification.objects.filter(
        id__in=ids,
        status__in=[Notification.Status.FAILED, Notification.Status.PENDING],
    ).update(
        status=Notification.Status.PENDING,
        attempts=0,
        next_attempt_at=now,
        claimed_at=None,
    )
    for notification_id in ids:
        _enqueue_on_commit(notification_id)
    return count


def notification_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own unread site notifications as read (all, or those ids)."""
    rows = Notification.objects.filter(
        user=user, channel=Notification.Channel.SITE, read_at__isnull=True
    )
    if ids is not None:
        rows = rows.filter(id__in=list(ids))
    return rows.update(read_at=timezone.now())
