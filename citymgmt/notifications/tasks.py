"""Thin tasks: deliver notifications by id (one, or a batch), and sweep for rows
left behind."""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.module_loading import import_string

from citymgmt.notifications import services

logger = logging.getLogger(__name__)

# The database going away is worth retrying the task; a failed send is not:
# the row keeps its own attempts and backoff, and the sweep brings it back.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
# One delivery, or a batch of them: the same limits and retries.
DELIVERY_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "soft_time_limit": 30,
    "time_limit": 45,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "max_retries": 3,
}


@shared_task(name="citymgmt.notifications.deliver", **DELIVERY_OPTIONS)
def deliver(notification_id: int) -> str:
    """Send one notification if it is due and nobody else holds it."""
    return services.notification_deliver(notification_id=notification_id)


@shared_task(name="citymgmt.notifications.deliver_many", **DELIVERY_OPTIONS)
def deliver_many(notification_ids: list[int]) -> dict[str, int]:
    """Send a batch of notifications, each if it is due and nobody else holds it."""
    return dict(services.notification_deliver_many(notification_ids=notification_ids))


@shared_task(
    name="citymgmt.notifications.sweep",
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=1,
)
def sweep(limit: int = 1000) -> int:
    """Queue every notification that is due, taking back ones a dead worker held."""
    return enqueue_many(services.notifications_due(limit=limit))


def celery_app() -> Celery:
    """The app notifications are published through (settings.NOTIFY_CELERY_APP).

    A dotted path (the project's app by default) or an app itself; read at
    each call, so a test can publish through an app of its own.
    """
    app = settings.NOTIFY_CELERY_APP
    return import_string(app) if isinstance(app, str) else app


def enqueue(notification_id: int) -> bool:
    """Queue the delivery; a broker that is down only leaves the row to the sweep."""
    try:
        celery_app().tasks[deliver.name].apply_async(args=[notification_id])
    except Exception as exc:
        # Whatever the transport raises (kombu, redis-py, socket errors): the
        # caller's work is committed and must not fail for a missing queue.
        logger.warning(
            "Notification %s stays pending for the sweep: broker unavailable (%s)",
            notification_id,
            exc,
        )
        return False
    return True


def enqueue_many(notification_ids: list[int]) -> int:
    """Queue the delivery of many rows, DELIVER_BATCH ids per task; return the
    rows queued. A broker that is down leaves the rest to the sweep."""
    queued = 0
    task = celery_app().tasks[deliver_many.name]
    size = services.DELIVER_BATCH
    for start in range(0, len(notification_ids), size):
        batch = list(notification_ids[start : start + size])
        try:
            task.apply_async(args=[batch])
        except Exception as exc:
            # As in enqueue: the caller's work is committed; the sweep retries.
            logger.warning(
                "%s notifications stay pending for the sweep: broker unavailable (%s)",
                len(notification_ids) - queued,
                exc,
            )
            break
        queued += len(batch)
    return queued
