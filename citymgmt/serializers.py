"""What every app's API serializers share: reading a request in part.

An input serializer reads a request (types, lengths, codes); a service
decides. When some fields cannot be read, the service can still check the
rest, so that one 400 answer lists every problem: `readable_values` gives
the values of the fields that could be read, `with_refusal` adds the
service's refusal to the serializer's errors.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models.manager import BaseManager
from rest_framework import serializers
from rest_framework.fields import SkipField, is_simple_callable

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


_RELATED = (serializers.RelatedField, serializers.ManyRelatedField)
# Fields that hold fields of their own, bound to them: copied whole.
_NESTING = (
    serializers.BaseSerializer,
    serializers.ListField,
    serializers.DictField,
    serializers.ManyRelatedField,
)


class Input(serializers.Serializer):
    """An input serializer whose fields are copied, not rebuilt, per request.

    DRF deep-copies every declared field for each serializer it makes, which
    runs each field's `__init__` again and copies a related field's queryset.
    A flat field keeps nothing of a request on itself but what `bind` sets
    (its name and parent), so each instance gets a shallow copy of it to bind;
    a field with children of its own (a list, a nested serializer, a
    `many=True` related field) is still copied whole.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            name: copy.deepcopy(field)
            if isinstance(field, _NESTING)
            else copy.copy(field)
            for name, field in self._declared_fields.items()
        }


class Rows(serializers.ListSerializer):
    """A list written row by row as its child serializer writes one, without
    DRF's per-cell attribute look-up.

    `Field.get_attribute` asks `inspect.signature` of every method it meets
    on the way to a value (a `get_FOO_display` source), once per cell; a page
    of 50 rows of 10 fields paid it 50 times a request. Here each field's path
    to its value is worked out once per list, the values are read with plain
    attribute access, and each field's own `to_representation` writes them, so
    a row is the dictionary the child would give. A field this does not read
    the same way (a related field, a missing attribute) goes through DRF.
    """

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        child = self.child
        fields = list(child._readable_fields)
        own_writer = serializers.Serializer.to_representation
        if type(child).to_representation is not own_writer or any(
            isinstance(field, _RELATED) for field in fields
        ):
            return super().to_representation(data)  # type: ignore[no-any-return]
        items = data.all() if isinstance(data, BaseManager) else data
        readers = [(field.field_name, field, _Reader(field)) for field in fields]
        rows = []
        for item in items:
            row: dict[str, Any] = {}
            for name, field, reader in readers:
                try:
                    value = reader.read(item)
                except SkipField:
                    continue
                row[name] = None if value is None else field.to_representation(value)
            rows.append(row)
        return rows


class _Reader:
    """One field's way to its value on an object, as `Field.get_attribute`
    walks it; whether a callable on the way is called is decided once."""

    def __init__(self, field: serializers.Field) -> None:
        self.field = field
        self.attrs = [] if field.source == "*" else list(field.source_attrs)
        self.calls: dict[tuple[type, str], bool] = {}

    def read(self, instance: Any) -> Any:
        value = instance
        for attr in self.attrs:
            kind = type(value)
            try:
                value = getattr(value, attr)
            except ObjectDoesNotExist:
                return None
            except AttributeError:
                return self.field.get_attribute(instance)
            key = (kind, attr)
            call = self.calls.get(key)
            if call is None:
                call = self.calls[key] = callable(value) and is_simple_callable(value)
            if call:
                value = value()
        return value
