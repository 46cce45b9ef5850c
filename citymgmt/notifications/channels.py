"""How a notification leaves: email, SMS through a pluggable backend, or the bell.

A backend raises TransientError when trying again later may work (a timeout,
a gateway error, an answer it cannot read) and PermanentError when it will
not (the gateway refused the number for good).
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.mail import send_mail

from citymgmt import phones

if TYPE_CHECKING:
    from citymgmt.notifications.models import Notification

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
    def send(self, *, to: str, text: str, notification_id: int) -> None: ...


class LogSmsBackend:
    """Writes each SMS to the log "citymgmt.sms" instead of sending it."""

    def send(self, *, to: str, text: str, notification_id: int) -> None:
        sms_logger.info("SMS #%s to %s: %s", notification_id, mask_recipient(to), text)


class HttpSmsBackend:
    """POSTs {to, text, id} as JSON to the gateway; the id is an idempotency key.

    A worker killed after the gateway accepted a message but before the row
    was marked sent leaves the row in "sending"; the sweep takes it back after
    the lease and sends it again with the same id, which the gateway uses to
    drop the repeat.
    """

    def send(self, *, to: str, text: str, notification_id: int) -> None:
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


def send(notification: Notification) -> None:
    """Deliver one notification through its channel."""
    channel = notification.channel
    if channel == "site":
        return
    if channel == "sms":
        sms_backend().send(
            to=notification.recipient,
            text=notification.body,
            notification_id=notification.pk,
        )
        return
    if channel == "email":
        try:
            send_mail(
                notification.subject,
                notification.body,
                settings.DEFAULT_FROM_EMAIL,
                [notification.recipient],
                fail_silently=False,
            )
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentError(f"Mail server refused the address: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientError(f"Mail not sent: {exc}") from exc
        return
    raise PermanentError(f"Unknown channel {channel!r}")
