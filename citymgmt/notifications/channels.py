"""How a notification leaves: email, SMS through a pluggable backend, or the bell.

A backend raises TransientError when trying again later may work (a timeout,
a gateway error, an answer it cannot read) and PermanentError when it will
not (the gateway refused the number for good).

Delivery is at least once: a worker that dies after handing a message over
and before the row is marked sent leaves it to be sent again. Each channel
carries the row's delivery key so the receiver can drop the repeat: the
email's Message-ID, the HTTP gateway's Idempotency-Key header, the log line.
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parseaddr
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from citymgmt import phones

if TYPE_CHECKING:
    from citymgmt.notifications.models import Notification

logger = logging.getLogger(__name__)
sms_logger = logging.getLogger("citymgmt.sms")

ANSWER_LOG_CHARS = 500


class DeliveryError(Exception):
    pass


class TransientError(DeliveryError):
    """Not delivered this time; the row is tried again after a backoff."""


class PermanentError(DeliveryError):
    """Not deliverable; the row fails at once."""


def mask_recipient(value: str) -> str:
    """138****1234 for a phone, z***@example.org for an address."""
    value = value or ""
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    return phones.mask(value)


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str, notification_id: int, key: str) -> None: ...


class LogSmsBackend:
    """Writes each SMS to the log "citymgmt.sms" instead of sending it.

    The line names the delivery key, so a repeat after a dead worker can be
    told from a second message.
    """

    def send(self, *, to: str, text: str, notification_id: int, key: str) -> None:
        sms_logger.info(
            "SMS #%s to %s (key %s): %s",
            notification_id,
            mask_recipient(to),
            key,
            text,
        )


class HttpSmsBackend:
    """POSTs {to, text, id} as JSON to the gateway with an Idempotency-Key header.

    A worker killed after the gateway accepted a message but before the row
    was marked sent leaves the row in "sending"; the sweep takes it back after
    the lease and sends it again with the same key, which the gateway uses to
    drop the repeat.
    """

    def send(self, *, to: str, text: str, notification_id: int, key: str) -> None:
        payload = json.dumps(
            {"to": to, "text": text, "id": notification_id}, ensure_ascii=False
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is checked at start-up
            settings.SMS_GATEWAY_URL,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_KEY}",
                "Idempotency-Key": key,
            },
        )
        masked = mask_recipient(to)
        sms_logger.info(
            "SMS #%s to %s: POST %s", notification_id, masked, request.full_url
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.SMS_GATEWAY_TIMEOUT
            ) as response:
                status, raw = response.status, response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, (exc.read(64 * 1024) if exc.fp else b"")
        except OSError as exc:  # timeouts, refused connections, URLError
            sms_logger.warning(
                "SMS #%s to %s: no answer (%s)", notification_id, masked, exc
            )
            raise TransientError(f"SMS gateway unreachable: {exc}") from exc
        answer = raw.decode("utf-8", "replace")
        sms_logger.info(
            "SMS #%s to %s: HTTP %s %s",
            notification_id,
            masked,
            status,
            answer[:ANSWER_LOG_CHARS],
        )
        try:
            data = json.loads(answer)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise TransientError(f"SMS gateway answered HTTP {status} without JSON")
        if 200 <= status < 300 and data.get("ok") is True:
            return
        if 400 <= status < 500 and data.get("ok") is False and data.get("permanent"):
            raise PermanentError(
                f"SMS gateway refused the message: {data.get('error', status)}"
            )
        raise TransientError(f"SMS gateway answered HTTP {status}: {answer[:200]}")


SMS_BACKENDS: dict[str, type] = {"log": LogSmsBackend, "http": HttpSmsBackend}


def sms_backend() -> SmsBackend:
    return SMS_BACKENDS[settings.SMS_BACKEND]()


def message_id(notification: Notification) -> str:
    """The email's Message-ID: the row's delivery key at the sender's domain."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return f"<{notification.delivery_key}@{domain or 'localhost'}>"


@contextmanager
def connection_for(notification: Notification) -> Iterator[BaseEmailBackend | None]:
    """The mail connection send() uses, closed only when the caller is done.

    An SMTP session ends with QUIT, a round trip after the server has the
    message; closing after the row is marked sent keeps it out of the window
    in which a dying worker leaves a delivered message to be sent again.
    """
    if notification.channel != "email":
        yield None
        return
    connection = get_connection(fail_silently=False)
    try:
        yield connection
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("Mail connection not closed cleanly: %s", exc)


def send(
    notification: Notification, *, connection: BaseEmailBackend | None = None
) -> None:
    """Deliver one notification through its channel (mail through connection)."""
    channel = notification.channel
    if channel == "site":
        return
    if channel == "sms":
        sms_backend().send(
            to=notification.recipient,
            text=notification.body,
            notification_id=notification.pk,
            key=notification.delivery_key,
        )
        return
    if channel == "email":
        mail = EmailMessage(
            notification.subject,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient],
            headers={"Message-ID": message_id(notification)},
            connection=connection,
        )
        try:
            if connection is not None:
                # Opened here, a connection stays open after sending.
                connection.open()
            mail.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentError(f"Mail server refused the address: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientError(f"Mail not sent: {exc}") from exc
        return
    raise PermanentError(f"Unknown channel {channel!r}")
