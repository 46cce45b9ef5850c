"""Writes to the outbox: queue a message, deliver it once, retry, mark as read."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from citymgmt.notifications import channels
from citymgmt.notifications.messages import render
from citymgmt.notifications.models import Notification

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
ERROR_MAX_CHARS = 2000
LEASE_EXPIRED = (
    "Lease expired: the worker did not report back within {seconds} s "
    "(it may have handed the message over before it stopped)."
)


def _enqueue_on_commit(notification_id: int) -> None:
    from citymgmt.notifications.tasks import enqueue

    transaction.on_commit(partial(enqueue, notification_id), robust=True)


def _plain(context: dict[str, Any]) -> dict[str, Any]:
    """The context as JSON can hold it (datetimes as ISO strings)."""
    import json

    return json.loads(json.dumps(context, cls=DjangoJSONEncoder))


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
    if channel not in Notification.Channel.values:
        raise ValueError(f"Unknown notification channel {channel!r}.")
    if channel == Notification.Channel.SITE and user is None:
        raise ValueError("A site notification needs a user.")
    if channel in (Notification.Channel.SMS, Notification.Channel.EMAIL):
        recipient = (recipient or "").strip()
        if not recipient:
            raise ValueError(f"A {channel} notification needs a recipient.")
    if dedupe_key is not None and not dedupe_key:
        raise ValueError("An empty dedupe_key is not a key.")
    subject, body = render(template, context, sms=channel == Notification.Channel.SMS)
    row = Notification(
        channel=channel,
        recipient=recipient,
        user=user,
        template=template,
        context=_plain(context),
        subject=subject,
        body=body,
        dedupe_key=dedupe_key,
    )
    if channel == Notification.Channel.SITE:
        # Nothing to send: the row is the message, shown in the staff bell.
        row.status = Notification.Status.SENT
        row.sent_at = row.created_at
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
    if row.status == Notification.Status.PENDING:
        _enqueue_on_commit(row.pk)
    return row


def notify_staff(
    *, user: Any, template: str, context: dict[str, Any], dedupe_key: str
) -> list[Notification]:
    """Tell a member of staff: under the bell, and by email when they have an
    address. Returns the rows written; a key seen before writes nothing."""
    rows = [
        notify(
            channel=Notification.Channel.SITE,
            template=template,
            context=context,
            user=user,
            dedupe_key=dedupe_key,
        )
    ]
    if user.email:
        rows.append(
            notify(
                channel=Notification.Channel.EMAIL,
                template=template,
                context=context,
                recipient=user.email,
                user=user,
                dedupe_key=f"{dedupe_key}:email",
            )
        )
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
    now = timezone.now()
    claimed = Notification.objects.filter(
        id=notification_id,
        status=Notification.Status.PENDING,
        next_attempt_at__lte=now,
    ).update(
        status=Notification.Status.SENDING,
        claimed_at=now,
        attempts=F("attempts") + 1,
    )
    if claimed != 1:
        return "skipped"
    row = Notification.objects.get(id=notification_id)
    mine = Notification.objects.filter(
        id=notification_id, status=Notification.Status.SENDING, claimed_at=now
    )
    with channels.connection_for(row) as connection:
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
