"""A queryset's SQL compiled once per process, run with each request's values.

Building a queryset with joins and subqueries and compiling it to SQL costs
more Python time than PostgreSQL spends answering it. A page that runs the
same query on every request with other values (an id, a user's unit ids)
can compile it once: `CompiledQuery.of` compiles a queryset built with
stand-in values (`stand_ins`: numbers no row or constant of ours has), and
`first` runs that SQL with this request's values in their place and builds
the model instance the way the ORM's `ModelIterable` does (`Model.from_db`,
the `select_related` rows attached by Django's own populators, the
annotations set, the database converters applied).

What the SQL must not depend on is the caller's to say: a key covers it (an
`IN` list's SQL depends on its length, not its values). Everything cached
comes from code and the schema, never from the rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# Below any id a sequence gives and any constant a query of ours holds, yet
# within a 32-bit integer column's range: Django turns a lookup on a value
# out of the column's range into an empty result, not SQL.
_STAND_IN_BASE = -2_093_718_400


def stand_ins(count: int, *, offset: int = 0) -> list[int]:
    """`count` distinct numbers to build a queryset with in place of values."""
    return [_STAND_IN_BASE - offset - index for index in range(count)]


@dataclass(frozen=True)
class CompiledQuery:
    """One queryset's SQL and what turns its row into a model instance."""

    sql: str
    # Per parameter: the index of the request's value it stands for, or None
    # for a constant of the query, kept in `constants`.
    slots: tuple[int | None, ...]
    constants: tuple[Any, ...]
    model: type[Model]
    db: str
    fields: tuple[int, int]
    init_list: tuple[str, ...]
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]

    @classmethod
    def of(cls, queryset: QuerySet[Any], placeholders: Sequence[int]) -> CompiledQuery:
        """Compile `queryset`, built with `placeholders` where values go."""
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        index = {value: position for position, value in enumerate(placeholders)}
        slots = tuple(
            index.get(param) if type(param) is int else None for param in params
        )
        if sorted(slot for slot in slots if slot is not None) != sorted(index.values()):
            raise ValueError("each stand-in value must appear once in the SQL")
        klass_info, select = compiler.klass_info, compiler.select
        if klass_info is None or compiler.has_composite_fields([s[0] for s in select]):
            raise ValueError("only a plain model query can be compiled")
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1]
        converters = compiler.get_converters(
            [s[0] for s in select[0 : compiler.col_count]]
        )
        return cls(
            sql=sql,
            slots=slots,
            constants=tuple(params),
            model=klass_info["model"],
            db=db,
            fields=(first, last + 1),
            init_list=tuple(f[0].target.attname for f in select[first : last + 1]),
            # The stubs follow a later Django that added an argument.
            populators=tuple(get_related_populators(klass_info, select, db)),  # type: ignore[call-arg]
            annotations=tuple(compiler.annotation_col_map.items()),
            converters=tuple(
                (position, tuple(convs), expression)
                for position, (convs, expression) in converters.items()
            ),
        )

    def params(self, values: Sequence[Any]) -> list[Any]:
        return [
            constant if slot is None else values[slot]
            for slot, constant in zip(self.slots, self.constants, strict=True)
        ]

    def first(self, values: Sequence[Any]) -> Any:
        """The instance of the query's first row with `values`, or None."""
        connection = connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params(values))
            found = cursor.fetchone()
        if found is None:
            return None
        row = list(found)
        for position, convs, expression in self.converters:
            value = row[position]
            for converter in convs:
                value = converter(value, expression, connection)
            row[position] = value
        start, end = self.fields
        obj = self.model.from_db(self.db, self.init_list, row[start:end])
        for populator in self.populators:
            populator.populate(row, obj)
        for name, position in self.annotations:
            setattr(obj, name, row[position])
        return obj


class CompiledQueries:
    """Compiled queries by key, each compiled on first use.

    Kept per thread: a converter may be bound to the connection (its
    operations) that compiled it, and each thread has its own connection.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def get(self, key: Any, build: Callable[[], CompiledQuery]) -> CompiledQuery:
        known: dict[Any, CompiledQuery] = getattr(self._local, "queries", None) or {}
        self._local.queries = known
        compiled = known.get(key)
        if compiled is None:
            compiled = known[key] = build()
        return compiled

    def __len__(self) -> int:
        return len(getattr(self._local, "queries", None) or {})

    def clear(self) -> None:
        self._local.queries = {}
