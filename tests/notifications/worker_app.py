"""The project's Celery app as a test's worker process runs it.

One change: after losing the broker, the worker waits 0.02 s between
reconnect attempts instead of 2 s growing to 30 s, so a test sees more than
a hundred attempts in seconds. How many attempts it makes before giving up
is still the project's setting (CELERY_BROKER_CONNECTION_MAX_RETRIES).

    python -m celery -A tests.notifications.worker_app worker --pool=solo
"""

from __future__ import annotations

from functools import partial

from celery.worker.consumer import Consumer

from citymgmt.celery import app

RECONNECT_SECONDS = 0.02


class QuickReconnectConsumer(Consumer):
    def ensure_connected(self, conn):
        conn.ensure_connection = partial(
            conn.ensure_connection,
            interval_start=RECONNECT_SECONDS,
            interval_step=0,
            interval_max=RECONNECT_SECONDS,
        )
        return super().ensure_connected(conn)


app.conf.worker_consumer = f"{__name__}:QuickReconnectConsumer"
