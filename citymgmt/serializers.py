"""What every app's API serializers share: reading a request in part.

An input serializer reads a request (types, lengths, codes); a service
decides. When some fields cannot be read, the service can still check the
rest, so that one 400 answer lists every problem: `readable_values` gives
the values of the fields that could be read, `with_refusal` adds the
service's refusal to the serializer's errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import SkipField

from citymgmt.errors import DomainError


def readable_values(serializer: serializers.Serializer, data: Any) -> dict[str, Any]:
    """Each writable field's value that reads on its own (a failed field is left
    out), keyed by the field's source, as `validated_data` would hold it."""
    if not isinstance(data, Mapping):
        return {}
    values: dict[str, Any] = {}
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        check = getattr(serializer, f"validate_{name}", None)
        try:
            value = field.run_validation(field.get_value(data))
            values[field.source] = check(value) if check is not None else value
        except (serializers.ValidationError, DjangoValidationError, SkipField):
            continue
    return values


def with_refusal(
    errors: Mapping[str, Any], refusal: DomainError | None
) -> dict[str, Any]:
    """The serializer's errors and, after them, a service's refusal per field."""
    merged = {name: list(messages) for name, messages in errors.items()}
    for name, messages in (refusal.errors if refusal is not None else {}).items():
        merged.setdefault(name, []).extend(messages)
    return merged
