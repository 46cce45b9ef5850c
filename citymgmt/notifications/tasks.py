"""Thin tasks: deliver one notification by id, and sweep for rows left behind."""

from __future__ import annotations

import logging

from celery import Celery, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.module_loading import import_string

from citymgmt.notifications import services

logger = logging.getLogger(__name__)

# The database going away is worth retrying the task; a failed send is not:
# the row keeps its own attempts and backoff, and the sweep brings it back.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    name="citymgmt.notifications.deliver",
    acks_late=True,
    soft_time_limit=30,
    time_limit=45,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=3,
)
def deliver(notification_id: int) -> str:
    """Send one notification if it is due and nobody else holds it."""
    return services.notification_deliver(notification_id=notification_id)


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
    ids = services.notifications_due(limit=limit)
    queued = 0
    for notification_id in ids:
        if not enqueue(notification_id):
            break  # the broker is down: the next sweep tries again
        queued += 1
    return queued


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
