"""A queryset's SQL compiled once per process, run with each request's values.

Building a queryset with joins and subqueries and compiling it to SQL costs
more Python time than PostgreSQL spends answering it. A page that runs the
same query on every request with other values (an id, a user's unit ids)
can compile it once: `CompiledQuery.of` compiles a queryset built with
stand-in values (`stand_ins`: numbers no row or constant of ours has), and
`first` or `rows` runs that SQL with this request's values in their place
and builds what the queryset yields the way the ORM's iterables do: for a
model query `ModelIterable`'s instances (`Model.from_db`, the
`select_related` rows attached by Django's own populators, the annotations
set), for a `values_list()` query its tuples; the database converters
applied to both.

What the SQL must not depend on is the caller's to say: a key covers it (an
`IN` list's SQL depends on its length, not its values). Everything cached
comes from code and the schema, never from the rows.

On PostgreSQL, over a connection that outlives a request (`CONN_MAX_AGE`
other than 0, or `PREPARED_QUERIES = True`), the SQL is also prepared once
per connection (`PREPARE`) and each request runs `EXECUTE` with its values:
the server parses and plans it once instead of on every request (the case
page's query took 0.6 ms of planning for 0.1 ms of work). The statement
sent carries the SQL as a leading comment, so logs and the tests' captured
queries read what runs. The `PREPARE` itself goes to the raw cursor once per
connection and is not counted as one of a request's queries; a statement the
server refuses to prepare runs as plain SQL from then on, with a warning.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import (
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

# Below any id a sequence gives and any constant a query of ours holds, yet
# within a 32-bit integer column's range: Django turns a lookup on a value
# out of the column's range into an empty result, not SQL.
_STAND_IN_BASE = -2_093_718_400

logger = logging.getLogger(__name__)

# Per raw database connection, the names of the statements prepared on it;
# a new connection (after a close, or in another thread) starts empty.
_PREPARED: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
# Statements the server would not prepare (logged once), run as plain SQL.
_UNPREPARABLE: set[str] = set()
_PLACEHOLDER = re.compile("%(s|%)")


def stand_ins(count: int, *, offset: int = 0) -> list[int]:
    """`count` distinct numbers to build a queryset with in place of values."""
    return [_STAND_IN_BASE - offset - index for index in range(count)]


@dataclass(frozen=True)
class _Instances:
    """How a row of a model query becomes the instance `ModelIterable` builds."""

    model: type[Model]
    fields: tuple[int, int]
    init_list: tuple[str, ...]
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class CompiledQuery:
    """One queryset's SQL and what turns its rows into what it yields: model
    instances, or for a `values_list()` query its tuples."""

    sql: str
    # Per parameter: the index of the request's value it stands for, or None
    # for a constant of the query, kept in `constants`.
    slots: tuple[int | None, ...]
    constants: tuple[Any, ...]
    db: str
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    instances: _Instances | None

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
        select = compiler.select
        if compiler.has_composite_fields([s[0] for s in select]):
            raise ValueError("a query with composite fields is not compiled here")
        converters = compiler.get_converters(
            [s[0] for s in select[0 : compiler.col_count]]
        )
        return cls(
            sql=sql,
            slots=slots,
            constants=tuple(params),
            db=db,
            converters=tuple(
                (position, tuple(convs), expression)
                for position, (convs, expression) in converters.items()
            ),
            instances=_instances(queryset, compiler, db),
        )

    def params(self, values: Sequence[Any]) -> list[Any]:
        return [
            constant if slot is None else values[slot]
            for slot, constant in zip(self.slots, self.constants, strict=True)
        ]

    def rows(self, values: Sequence[Any]) -> list[Any]:
        """What the queryset yields when run with `values`."""
        connection = connections[self.db]
        with connection.cursor() as cursor:
            _run(cursor, connection, self.sql, self.params(values))
            found = cursor.fetchall()
        return [self._built(list(row), connection) for row in found]

    def first(self, values: Sequence[Any]) -> Any:
        """The first row's instance (or tuple) with `values`, or None."""
        connection = connections[self.db]
        with connection.cursor() as cursor:
            _run(cursor, connection, self.sql, self.params(values))
            found = cursor.fetchone()
        return None if found is None else self._built(list(found), connection)

    def _built(self, row: list[Any], connection: Any) -> Any:
        for position, convs, expression in self.converters:
            value = row[position]
            for converter in convs:
                value = converter(value, expression, connection)
            row[position] = value
        made = self.instances
        if made is None:
            return tuple(row)
        start, end = made.fields
        obj = made.model.from_db(self.db, made.init_list, row[start:end])
        for populator in made.populators:
            populator.populate(row, obj)
        for name, position in made.annotations:
            setattr(obj, name, row[position])
        return obj


def _prepares(connection: Any) -> bool:
    """Whether statements are prepared on this connection: PostgreSQL's, and
    kept beyond the request (else every request would prepare again)."""
    if connection.vendor != "postgresql":
        return False
    chosen = getattr(settings, "PREPARED_QUERIES", None)
    if chosen is not None:
        return bool(chosen)
    return connection.settings_dict.get("CONN_MAX_AGE", 0) != 0


@dataclass(frozen=True)
class _Prepared:
    name: str
    prepare: str  # PREPARE name AS <the SQL with $1, $2, ...>
    execute: str  # /* the SQL */ EXECUTE name (%s, ...)


_STATEMENTS: dict[str, _Prepared] = {}


def _statement(sql: str, count: int) -> _Prepared:
    known = _STATEMENTS.get(sql)
    if known is not None:
        return known
    name = "cd_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:20]
    numbers = iter(range(1, count + 1))
    body = _PLACEHOLDER.sub(
        lambda found: "%" if found.group(1) == "%" else f"${next(numbers)}", sql
    )
    comment = sql.replace("*/", "* /").replace("%", "%%")
    arguments = f" ({', '.join(['%s'] * count)})" if count else ""
    prepared = _STATEMENTS[sql] = _Prepared(
        name=name,
        prepare=f"PREPARE {name} AS {body}",
        execute=f"/* {comment} */ EXECUTE {name}{arguments}",
    )
    return prepared


def _prepared_on(connection: Any, statement: _Prepared) -> bool:
    """Prepare the statement on this connection unless it is; False when the
    server refuses (the caller then runs the plain SQL)."""
    raw = connection.connection
    names = _PREPARED.get(raw)
    if names is None:
        names = _PREPARED[raw] = set()
    if statement.name in names:
        return True
    # Straight to the driver: once per connection, not a request's query. In
    # a transaction, behind a savepoint, so a refusal does not abort it. Any
    # other failure (a broken connection) leaves as Django's error, marked on
    # the connection as a query's would be.
    guarded = connection.in_atomic_block
    with connection.wrap_database_errors, raw.cursor() as cursor:
        try:
            if guarded:
                cursor.execute("SAVEPOINT citydesk_prepare")
            cursor.execute(statement.prepare)
            if guarded:
                cursor.execute("RELEASE SAVEPOINT citydesk_prepare")
        except connection.Database.ProgrammingError:
            # The server cannot prepare this SQL (a parameter it cannot type).
            if guarded:
                cursor.execute("ROLLBACK TO SAVEPOINT citydesk_prepare")
            else:
                raw.rollback()
            logger.warning("not prepared, run as plain SQL: %s", statement.name)
            return False
    names.add(statement.name)
    return True


def _run(cursor: Any, connection: Any, sql: str, params: list[Any]) -> None:
    if _prepares(connection) and sql not in _UNPREPARABLE:
        statement = _statement(sql, len(params))
        if _prepared_on(connection, statement):
            cursor.execute(statement.execute, params)
            return
        _UNPREPARABLE.add(sql)
    cursor.execute(sql, params)


def _instances(queryset: QuerySet[Any], compiler: Any, db: str) -> _Instances | None:
    """For a model query, how its rows become instances; None for a
    `values_list()` query, whose rows are its tuples as selected."""
    iterable = queryset._iterable_class  # type: ignore[attr-defined]
    if iterable is ValuesListIterable:
        return None
    if iterable is not ModelIterable or queryset._known_related_objects:  # type: ignore[attr-defined]
        raise ValueError("only model and values_list() queries are compiled here")
    klass_info, select = compiler.klass_info, compiler.select
    first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1]
    return _Instances(
        model=klass_info["model"],
        fields=(first, last + 1),
        init_list=tuple(f[0].target.attname for f in select[first : last + 1]),
        # The stubs follow a later Django that added an argument.
        populators=tuple(get_related_populators(klass_info, select, db)),  # type: ignore[call-arg]
        annotations=tuple(compiler.annotation_col_map.items()),
    )


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
