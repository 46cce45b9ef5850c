"""What every app's API serializers share: reading a request in part.

An input serializer reads a request (types, lengths, codes); a service
decides. When some fields cannot be read, the service can still check the
rest, so that one 400 answer lists every problem: `PartialSerializer`
keeps the values it could read, `with_refusal` adds the service's refusal
to the serializer's errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import SkipField, get_error_detail

from citymgmt.errors import DomainError


class PartialSerializer(serializers.Serializer):
    """A serializer that keeps in `parsed` the fields it could read.

    DRF drops every value once one field fails. This is DRF's own loop of
    `Serializer.to_internal_value`, which also remembers what it read.
    """

    parsed: dict[str, Any]

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        self.parsed = {}
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)
        errors: dict[str, Any] = {}
        for field in self._writable_fields:
            validate_method = getattr(self, "validate_" + field.field_name, None)
            try:
                value = field.run_validation(field.get_value(data))
                if validate_method is not None:
                    value = validate_method(value)
            except serializers.ValidationError as exc:
                errors[field.field_name] = exc.detail
            except DjangoValidationError as exc:
                errors[field.field_name] = get_error_detail(exc)
            except SkipField:
                pass
            else:
                self.set_value(self.parsed, field.source_attrs, value)
        if errors:
            raise serializers.ValidationError(errors)
        return self.parsed


def with_refusal(
    errors: Mapping[str, Any], refusal: DomainError | None
) -> dict[str, Any]:
    """The serializer's errors and, after them, a service's refusal per field."""
    merged = {name: list(messages) for name, messages in errors.items()}
    for name, messages in (refusal.errors if refusal is not None else {}).items():
        merged.setdefault(name, []).extend(messages)
    return merged
