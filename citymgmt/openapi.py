"""The OpenAPI document: every operation's error answers, in the one error format.

`citymgmt.exceptions` answers every refusal in one JSON shape; this schema
class documents it once, as the `Error` component, and adds to each
operation the error answers it can really give: 400 always (bad input, or a
NUL byte in the address, refused by `citymgmt.middleware`), 401 and 403 when
it needs a signed-in member of staff, 404 when a path names an object or a
page is chosen, 413 when it takes a body, 429 when it is throttled. An
operation that says more (a 409, its own description) keeps what it says.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from citymgmt.phones import MOBILE_PATTERN

MESSAGES = {"type": "array", "items": {"type": "string"}}

# The shape of citymgmt.exceptions: a "detail" message when no input is named,
# else messages per input field (a list's items per position), plus whatever
# a refusal adds for the client to act on.
ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "A refusal, in the request's language. `detail` when no input is named "
        "(not signed in, not allowed, not found, throttled); otherwise the "
        "messages per input field, with `non_field_errors` for the request as "
        "a whole. Some refusals add more for the client to act on."
    ),
    "properties": {
        "detail": {"type": "string", "description": "The message."},
        "non_field_errors": {
            **MESSAGES,
            "description": "Messages about the request as a whole.",
        },
    },
    "additionalProperties": {
        "description": (
            "Messages for the input field of this name; for a list (photos), "
            "the messages per position."
        ),
        "anyOf": [MESSAGES, {"type": "object", "additionalProperties": MESSAGES}],
    },
}

DESCRIPTIONS = {
    "400": "The input cannot be used: a message per field, or `detail`.",
    "401": "Not signed in: send `Authorization: Token …` or a session cookie.",
    "403": "Your role or unit may not do this.",
    "404": "Not found, or not in your scope.",
    "409": "Someone else changed it first.",
    "413": "The body is over the size limit: `detail` says the limit.",
    "429": "Too many requests: `detail` and the Retry-After header say when to retry.",
}


@extend_schema_field(
    {
        "type": "string",
        "pattern": MOBILE_PATTERN,
        "example": "13812345678",
        "description": (
            "An 11-digit mainland mobile number in ASCII digits. Spaces, +86 and "
            "full-width digits are read too."
        ),
    }
)
class MobileSerializerField(serializers.CharField):
    """A mobile number as typed; the service checks it (`phones.validate_mobile`)."""


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[0-9]{4}$",
        "example": "5678",
        "description": "The last 4 digits (ASCII) of the mobile number filed with.",
    }
)
class PhoneLast4SerializerField(serializers.CharField):
    """The last four digits of a mobile number, which tracking asks for."""


@extend_schema_field(
    {
        "type": "boolean",
        "enum": [True],
        "description": "Must be true: the person agrees to the personal-data notice.",
    }
)
class ConsentSerializerField(serializers.BooleanField):
    """A consent box; only true lets the request through (the service decides)."""


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with each operation's error answers documented."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        error = self._error_component().ref
        for code in self._error_codes(responses):
            answer = responses.setdefault(code, {"description": DESCRIPTIONS[code]})
            answer.setdefault("content", {"application/json": {"schema": error}})
        return responses

    def _error_codes(self, documented: dict[str, Any]) -> list[str]:
        codes = {"400"} | {code for code in documented if code in DESCRIPTIONS}
        permissions = self.view.get_permissions()
        if not all(isinstance(permission, AllowAny) for permission in permissions):
            codes |= {"401", "403"}
        if self.path_regex and "(?P<" in self.path_regex:
            codes.add("404")
        if self.method == "GET" and self._get_paginator() is not None:
            codes.add("404")  # a page or cursor that does not exist
        if self.method in ("POST", "PUT", "PATCH"):
            codes.add("413")  # refused on Content-Length by citymgmt.middleware
        if self.view.get_throttles():
            codes.add("429")
        return sorted(codes)

    def _error_component(self) -> ResolvedComponent:
        component = ResolvedComponent(
            name="Error",
            type=ResolvedComponent.SCHEMA,
            object="Error",
            schema=ERROR_SCHEMA,
        )
        self.registry.register_on_missing(component)
        return component
