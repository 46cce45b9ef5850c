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
import json
import logging
import re
import secrets
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Model, QuerySet, signals
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


def run(cursor: Any, sql: str, params: list[Any]) -> None:
    """Run SQL on a Django cursor, prepared once per connection where
    statements are (`_prepares`), as the compiled queries run."""
    _run(cursor, cursor.db, sql, params)


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


# Rows written together (`rows_insert`): the statement per shape of the list.

# Stands for a day's number in rows written with it (`DayNumber`): random per
# process, so no typed text holds it, and as long as a four-digit reference
# (20261207-0042), so a text cut to a length is cut where it will be.
NUMBER_TOKEN = "#" + secrets.token_hex(6)


@dataclass(frozen=True)
class DayNumber:
    """The next number of a day, taken in the statement that writes the rows.

    `table` counts per day (a unique `day` column, the day's `last` number).
    The text made of the number is `prefix` and the number, at least `width`
    digits (20261207-0042); wherever a row's text, or a string inside its
    JSON (a key or a value), holds `token`, the statement puts that text in
    its place. The prefix is the caller's and needs no escaping in JSON
    (digits, a hyphen).
    """

    table: str
    day: date
    prefix: str
    width: int = 4
    token: str = NUMBER_TOKEN

    def text(self, number: int) -> str:
        return f"{self.prefix}{number:0{self.width}d}"


# The text made of the number in SQL, as `DayNumber.text` makes it: the
# prefix, then the number padded with zeros to the width (never cut).
_MADE = "%s || lpad(last::text, greatest(%s, length(last::text)), '0') AS made"


def _counter_upsert(
    table: str, quote: Callable[[str], str], returning: str = "last"
) -> str:
    """Add one to the day's number (the first of the day is 1) and return it.
    Its row stays locked until the transaction ends."""
    quoted = quote(table)
    return (
        f"INSERT INTO {quoted} (day, last) VALUES (%s, 1) "  # noqa: S608
        f"ON CONFLICT (day) DO UPDATE SET last = {quoted}.last + 1 "
        f"RETURNING {returning}"
    )


def day_number_next(*, table: str, day: date, using: str = "default") -> int:
    """The next number of the day in a counter table: one upsert that
    increments and returns it, so concurrent callers never share a number.
    The row stays locked until commit: take the number last."""
    connection = connections[using]
    with connection.cursor() as cursor:
        _run(
            cursor, connection, _counter_upsert(table, connection.ops.quote_name), [day]
        )
        (number,) = cursor.fetchone()
    return int(number)


def _is_json(field: Any) -> bool:
    return bool(field.get_internal_type() == "JSONField")


def _holds(value: Any, token: str) -> bool:
    if isinstance(value, str):
        return token in value
    if isinstance(value, dict):
        return any(_holds(k, token) or _holds(v, token) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds(item, token) for item in value)
    return False


def _filled(value: Any, token: str, made: str) -> Any:
    if isinstance(value, str):
        return value.replace(token, made)
    if isinstance(value, dict):
        return {
            _filled(key, token, made): _filled(item, token, made)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_filled(item, token, made) for item in value)
    return value


@dataclass(frozen=True)
class _Together:
    sql: str
    # Per row: its fields in column order, each with the earlier row it
    # refers to (its new id, read in the statement) or None (a value sent),
    # and whether the value sent holds the day number's token.
    rows: tuple[tuple[tuple[Any, int | None, bool], ...], ...]


_TOGETHER: dict[Any, _Together] = {}


def _links(rows: Sequence[Model]) -> list[dict[str, int]]:
    """Per row, its foreign keys that point at an earlier row of the list,
    by attname; an unsaved related object outside the list is refused as
    `save()` refuses it."""
    position = {id(row): index for index, row in enumerate(rows)}
    links: list[dict[str, int]] = []
    for index, row in enumerate(rows):
        if row.pk is not None:
            raise ValueError(f"{row!r} is saved already: only new rows go together.")
        linked: dict[str, int] = {}
        fields: list[Any] = list(row._meta.concrete_fields)
        for field in fields:
            if not field.is_relation or not field.is_cached(row):
                continue
            target = field.get_cached_value(row)
            if target is None:
                continue
            earlier = position.get(id(target))
            if earlier is not None and earlier < index:
                linked[field.attname] = earlier
            elif target.pk is None:
                raise ValueError(
                    f"{row!r} refers to an unsaved {target!r} that is not written "
                    "before it."
                )
            elif getattr(row, field.attname) in field.empty_values:
                setattr(row, field.attname, target.pk)
        links.append(linked)
    return links


def _column(field: Any) -> str:
    """A concrete field's column (the stubs allow None, for fields that have none)."""
    column: str = field.column
    return column


def _new_id(rows: Sequence[Model], earlier: int, quote: Callable[[str], str]) -> str:
    # Names from the models' options, quoted; every value is a parameter.
    column = quote(_column(rows[earlier]._meta.pk))
    return f"(SELECT {column} FROM r{earlier})"  # noqa: S608


def _together(
    db: str,
    rows: Sequence[Model],
    links: list[dict[str, int]],
    holders: frozenset[tuple[int, str]],
    numbered: DayNumber | None,
) -> _Together:
    key = (
        db,
        tuple(
            (type(row), tuple(sorted(linked.items())))
            for row, linked in zip(rows, links, strict=True)
        ),
        None if numbered is None else numbered.table,
        holders,
    )
    known = _TOGETHER.get(key)
    if known is not None:
        return known
    connection = connections[db]
    quote = connection.ops.quote_name
    parts, plan, ids = [], [], []
    if numbered is not None:
        # The day's number first: the rows read the text made of it.
        parts.append(f"n AS ({_counter_upsert(numbered.table, quote, _MADE)})")
    for index, (row, linked) in enumerate(zip(rows, links, strict=True)):
        meta = row._meta
        fields = [
            field
            for field in meta.local_concrete_fields
            if field is not meta.auto_field and not getattr(field, "generated", False)
        ]
        columns = ", ".join(quote(_column(field)) for field in fields)
        values = []
        for field in fields:
            if field.attname in linked:
                values.append(_new_id(rows, linked[field.attname], quote))
            elif (index, field.attname) in holders:
                made = "replace(%s, %s, (SELECT made FROM n))"
                if _is_json(field):
                    made = f"CAST({made} AS {field.db_type(connection)})"
                values.append(made)
            else:
                values.append("%s")
        parts.append(
            f"r{index} AS (INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
            f"VALUES ({', '.join(values)}) RETURNING {quote(_column(meta.pk))})"
        )
        plan.append(
            tuple(
                (
                    field,
                    linked.get(field.attname),
                    (index, field.attname) in holders,
                )
                for field in fields
            )
        )
        ids.append(f"r{index}.{quote(_column(meta.pk))}")
    names = [f"r{index}" for index in range(len(rows))]
    if numbered is not None:
        ids.append("n.made")
        names.append("n")
    together = _TOGETHER[key] = _Together(
        sql=f"WITH {', '.join(parts)} SELECT {', '.join(ids)} FROM {', '.join(names)}",  # noqa: S608
        rows=tuple(plan),
    )
    return together


def _heard(model: type[Model]) -> bool:
    """Whether the model's rows must go through `save()`: a receiver listens
    to its saves, its rows span tables (multi-table inheritance), or its
    insert does not return just a new id."""
    meta = model._meta
    return (
        bool(meta.parents)
        or signals.pre_save.has_listeners(model)
        or signals.post_save.has_listeners(model)
        or meta.auto_field is None
        or list(meta.db_returning_fields) != [meta.pk]
    )


def _holders(rows: Sequence[Model], token: str) -> frozenset[tuple[int, str]]:
    """The (row, attname) pairs whose value holds the token."""
    return frozenset(
        (index, field.attname)
        for index, row in enumerate(rows)
        for field in row._meta.local_concrete_fields
        if _holds(getattr(row, field.attname), token)
    )


def _fill(
    rows: Sequence[Model], holders: frozenset[tuple[int, str]], token: str, made: str
) -> None:
    for index, attname in holders:
        row = rows[index]
        setattr(row, attname, _filled(getattr(row, attname), token, made))


def rows_insert(
    rows: Sequence[Model],
    *,
    using: str = "default",
    numbered: DayNumber | None = None,
) -> str | None:
    """Insert new rows, in order, in one statement where the database can: a
    row's foreign key to an earlier row of the list takes that row's new id.

    On PostgreSQL the rows are one `WITH r0 AS (INSERT … RETURNING id), r1 AS
    (INSERT … VALUES (…, (SELECT id FROM r0), …) RETURNING id) SELECT r0.id,
    r1.id FROM r0, r1` statement, prepared once per
    connection where statements are: one round trip and one plan where a
    `save()` per row takes one of each per row. The statement is atomic on
    its own; the caller's transaction holds it with the rest of its writes.
    Each row comes back as `save()` leaves it: its id set, its foreign keys
    to the earlier rows set, `auto_now` fields filled, no longer `adding`.

    With `numbered`, the statement first takes the day's next number (`n AS
    (INSERT INTO counter … ON CONFLICT (day) DO UPDATE … RETURNING <the
    text>)`) and every value holding `numbered.token` gets the text in its
    place (`replace(%s, token, (SELECT made FROM n))`); the rows come back
    with it filled in and the text is returned. The counter's row is locked
    from then to the commit, so concurrent writers wait for this one only
    while its statement runs and it commits, not while it builds its rows.

    Elsewhere (SQLite has no INSERT inside WITH), and for a model whose
    saves something listens to (`pre_save`, `post_save`), whose rows span
    tables or whose insert returns more than its id, the number is taken
    and each row is saved in turn instead, all of them or none.
    """
    if not rows:
        return None
    links = _links(rows)
    holders = _holders(rows, numbered.token) if numbered is not None else frozenset()
    connection = connections[using]
    if connection.vendor != "postgresql" or any(_heard(type(row)) for row in rows):
        # All or none, as the one statement: in the caller's transaction, or
        # in one of their own outside any.
        with transaction.atomic(using=using, savepoint=False):
            text = None
            if numbered is not None:
                number = day_number_next(
                    table=numbered.table, day=numbered.day, using=using
                )
                text = numbered.text(number)
                _fill(rows, holders, numbered.token, text)
            for row in rows:
                row.save(using=using, force_insert=True)
        return text
    together = _together(using, rows, links, holders, numbered)
    params: list[Any] = []
    token = ""
    if numbered is not None:
        params += [numbered.day, numbered.prefix, numbered.width]
        token = numbered.token
    for row, fields in zip(rows, together.rows, strict=True):
        for field, earlier, holds in fields:
            if earlier is None:
                value = field.pre_save(row, True)
                if hasattr(value, "resolve_expression"):
                    raise ValueError(f"{field} holds an expression: save the row.")
                if holds and _is_json(field):
                    # As text: the statement replaces in it, then casts it.
                    params.append(json.dumps(value, cls=field.encoder))
                else:
                    params.append(field.get_db_prep_save(value, connection=connection))
                if holds:
                    params.append(token)
    with connection.cursor() as cursor:
        _run(cursor, connection, together.sql, params)
        made = cursor.fetchone()
    for row, pk in zip(rows, made[: len(rows)], strict=True):
        row.pk = pk
        row._state.adding = False
        row._state.db = using
    for row, linked in zip(rows, links, strict=True):
        for attname, earlier in linked.items():
            setattr(row, attname, rows[earlier].pk)
    if numbered is None:
        return None
    text = str(made[-1])
    _fill(rows, holders, numbered.token, text)
    return text
