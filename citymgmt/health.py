"""Liveness of the two shared engines: the database and the Celery broker."""

from __future__ import annotations

from django.conf import settings
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


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks},
        status=200 if healthy else 503,
    )
