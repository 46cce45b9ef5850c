"""The columns of an export: django-import-export resources read from value rows.

An app's resource declares its columns as import-export `Field`s: the
`attribute` is an ORM path (`category__name_zh`), `column_name` the header
(a lazy translation, read in the language of the export), and the widget
renders the value in its own type (numbers stay numbers, datetimes become
local times). A `render_<field>(value, row)` method replaces the widget
where a cell needs more: a label for a choice, a masked phone, a value
that depends on another one in the row (`row` maps every path to its value;
`extra_paths` adds paths no column shows).

Exports stream `queryset.values_list(*paths).iterator()` through
`dehydrate_row`, not model instances: measured in `docs/benchmarks.md`,
building a Complaint with its related rows for every row (import-export's
own `export()` path) costs more than the whole write. That path still gives
the same cells (`export_field` goes through `dehydrate_row`), so a
resource can be used by import-export as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.encoding import force_str
from import_export import resources, widgets
from import_export.fields import Field

Row = Mapping[str, Any]
CellMaker = Callable[[Any, Row], Any]

CHUNK_SIZE = 2000


class ExportResource(resources.ModelResource):
    """A resource whose rows come from `values_list` (see the module's docstring)."""

    # Paths a render method reads that no column shows.
    extra_paths: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, reveal_phones: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reveal_phones = reveal_phones
        self._makers: list[tuple[str, CellMaker]] | None = None

    def prepare(self, queryset: QuerySet) -> QuerySet:
        """Adjust the queryset before it is read (annotations, columns per row).

        Runs once per export, in its language; a resource that adds columns
        here (one per metric) adds them to `self.fields`.
        """
        return queryset

    def headers(self) -> list[str]:
        return self.get_export_headers()

    def paths(self) -> list[str]:
        """What to read per row: the key first, then every column's path."""
        attributes = [field.attribute for field in self.get_export_fields()]
        return list(dict.fromkeys(["pk", *attributes, *self.extra_paths]))

    def cell_makers(self) -> list[tuple[str, CellMaker]]:
        if self._makers is None:
            makers: list[tuple[str, CellMaker]] = []
            for field in self.get_export_fields():
                render = getattr(self, f"render_{self.get_field_name(field)}", None)
                makers.append((field.attribute, render or _widget_maker(field)))
            self._makers = makers
        return self._makers

    def dehydrate_row(self, row: Row) -> list[Any]:
        return [make(row[path], row) for path, make in self.cell_makers()]

    def stream(
        self, queryset: QuerySet, *, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[list[dict[str, Any]]]:
        """The rows as dicts of their paths, in batches, read with a server cursor."""
        paths = self.paths()
        batch: list[dict[str, Any]] = []
        rows = queryset.prefetch_related(None).values_list(*paths)
        for values in rows.iterator(chunk_size=chunk_size):
            batch.append(dict(zip(paths, values, strict=True)))
            if len(batch) >= chunk_size:
                yield batch
                batch = []
        if batch:
            yield batch

    # import-export's own path (an instance per row) gives the same cells.
    def export_field(self, field: Field, instance: Any, **kwargs: Any) -> Any:
        row = _InstanceRow(instance)
        render = getattr(self, f"render_{self.get_field_name(field)}", None)
        return (render or _widget_maker(field))(row[field.attribute], row)


def _widget_maker(field: Field) -> CellMaker:
    """The widget's own rendering in its native type (what import-export writes
    to xlsx), with the two commonest widgets done without their call chain."""
    widget = field.widget
    kind = type(widget)
    if kind is widgets.CharWidget and widget.coerce_to_string:

        def text(value: Any, row: Row) -> Any:
            if value is None:
                return ""
            return value if type(value) is str else force_str(value)

        return text
    if kind is widgets.DateTimeWidget:
        # DateTimeWidget.render(force_native_type=True): the local time, naive.
        zone = timezone.get_current_timezone() if settings.USE_TZ else None

        def moment(value: Any, row: Row) -> Any:
            if not value or not isinstance(value, datetime):
                return ""
            if zone is not None:
                value = value.astimezone(zone)
            return value.replace(tzinfo=None)

        return moment

    def make(value: Any, row: Row) -> Any:
        return widget.render(value, force_native_type=True)

    return make


class _InstanceRow(Mapping[str, Any]):
    """A model instance read like a value row: `row["category__name_zh"]`."""

    def __init__(self, instance: Any) -> None:
        self.instance = instance

    def __getitem__(self, path: str) -> Any:
        if path == "pk":
            return self.instance.pk
        return Field(attribute=path).get_value(self.instance)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0
