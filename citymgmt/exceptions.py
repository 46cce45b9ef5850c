"""The one place the REST API turns domain errors into HTTP answers.

A workflow refusal keeps its own status (400 not allowed now, 403 not your
role, 409 someone else was first) and its message; a Django ValidationError
from a service becomes a 400 with a message per field; a throttled request
says when to try again.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from complaints.workflow import WorkflowError


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


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, WorkflowError):
        set_rollback()
        body: dict[str, Any] = (
            {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
        )
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = as_serializer_error(exc)
        if NON_FIELD_ERRORS in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        wait = max(1, math.ceil(exc.wait))
        exc = exceptions.Throttled(detail=retry_message(wait))
        exc.wait = wait
    return drf_exception_handler(exc, context)
