"""The median as an SQL aggregate: PostgreSQL's percentile_cont, SQLite's stand-in.

PostgreSQL computes `percentile_cont(0.5) WITHIN GROUP (ORDER BY x)` itself,
with the FILTER clause like any aggregate. SQLite has no percentile function:
`DashboardConfig.ready()` registers `kpi_median`, an aggregate written in
Python that collects the group's values and interpolates between the middle
two the way percentile_cont does, so the same query runs on the embedded
database (the demo) and gives the same numbers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, FloatField


class Median(Aggregate):
    """The median of the non-null values (interpolated, like percentile_cont)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    output_field = FloatField()
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        stand_in = self.copy()
        stand_in.function = "KPI_MEDIAN"
        stand_in.template = "%(function)s(%(expressions)s)"
        return super(Median, stand_in).as_sql(compiler, connection, **extra_context)


class SQLiteMedian:
    """`kpi_median(x)` for SQLite (sqlite3.Connection.create_aggregate)."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        if not self.values:
            return None
        ordered = sorted(self.values)
        middle, odd = divmod(len(ordered), 2)
        if odd:
            return float(ordered[middle])
        return (ordered[middle - 1] + ordered[middle]) / 2


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give each new SQLite connection the median (the connection_created signal)."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("KPI_MEDIAN", 1, SQLiteMedian)
