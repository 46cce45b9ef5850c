"""Liveness of the shared engines: the database, the Celery broker and the cache.

The site keeps taking complaints with the cache or the broker down (limits
count in-process, the outbox sweep sends later), but an operator must know:
any check that fails makes the answer 503.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down" to an operator
        return f"error: {exc.__class__.__name__}"
    return "ok"


def broker_status() -> str:
    from citymgmt.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(
                max_retries=1, timeout=settings.HEALTH_BROKER_TIMEOUT
            )
            if conn.transport.driver_type == "redis":
                conn.default_channel.client.ping()
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


def cache_status() -> str:
    """Write and read back a key; in-process caches always answer."""
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        value = cache.get(key)
        cache.delete(key)
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok" if value == "ok" else "error: not stored"


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": database_status(),
        "broker": broker_status(),
        "cache": cache_status(),
    }
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks},
        status=200 if healthy else 503,
    )
