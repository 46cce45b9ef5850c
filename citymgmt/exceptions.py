"""The one place the REST API turns domain errors into HTTP answers.

A `citymgmt.errors.DomainError` keeps its own status (400 not allowed now or
bad input, 403 not your role, 404 not in your scope, 409 someone else was
first, 429 too many tries for now, with Retry-After) and its messages, per
field where it names one; a throttled request says when to try again.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from citymgmt.errors import DomainError, TooManyAttempts


def retry_message(wait: int) -> str:
    """Tell a throttled client when it may try again, in its language."""
    at = timezone.localtime(timezone.now() + timedelta(seconds=wait))
    return ngettext(
        "Too many requests from your address. Try again in %(wait)d second "
        "(after %(time)s).",
        "Too many requests from your address. Try again in %(wait)d seconds "
        "(after %(time)s).",
        wait,
    ) % {"wait": wait, "time": at.strftime("%H:%M:%S")}


def unreadable_body_message() -> str:
    return _(
        "The request body could not be read: it is not valid JSON or form data "
        "(NaN and Infinity are not JSON numbers). Nothing was changed; correct it "
        "and send it again."
    )


def domain_error_body(exc: DomainError) -> dict[str, Any]:
    """{"field": ["message"]} per field; {"detail": "message"} when none is named."""
    fields = {k: v for k, v in exc.errors.items() if k != NON_FIELD_ERRORS}
    general = exc.errors.get(NON_FIELD_ERRORS, [])
    if not fields:
        return {"detail": general[0] if general else exc.message}
    if general:
        fields[api_settings.NON_FIELD_ERRORS_KEY] = general
    return fields


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = DomainError.from_validation(exc)
    if isinstance(exc, DomainError):
        set_rollback()
        response = Response(
            {**domain_error_body(exc), **exc.extra}, status=exc.status_code
        )
        if isinstance(exc, TooManyAttempts):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, exceptions.ParseError):
        # DRF's own text quotes the parser ("JSON parse error - Expecting ...").
        exc = exceptions.ParseError(detail=unreadable_body_message())
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        wait = max(1, math.ceil(exc.wait))
        throttled = exceptions.Throttled(detail=retry_message(wait))
        throttled.wait = wait
        exc = throttled
    return drf_exception_handler(exc, context)
