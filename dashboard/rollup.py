"""The daily rollup of the KPI counts: rebuilt from the cases, kept up to date.

A year's tiles aggregate some 300,000 cases and their previous year's as
many again; summed from `DayFigures` they read a few thousand rows
(docs/benchmarks.md). The rows are only ever recounted from the complaint
rows with the same aggregates as the raw figures (`dashboard.counts`):

- `rollup_refresh` (the beat task `dashboard.refresh_rollup`, every minute)
  finds the cases with an event since it last looked — every workflow step,
  filing, rating and extension writes one — and recounts the days those
  cases were submitted on. It reads from `OVERLAP` before where it stopped,
  so a transaction that committed after the last run but wrote its event
  before it is still seen.
- `rollup_rebuild` (`dashboard.rebuild_rollup`, nightly, and
  `manage.py kpi_rollup --rebuild`) recounts every day: what changed a case
  without an event (a bulk backfill of due times, a data migration) is
  right again after it.

Each runs in one transaction holding the `RollupState` row, so two never
overlap; readers keep seeing the old rows until it commits. The figures
read from the rollup say `as_of` (the state's `refreshed_at`): how far
behind the cases they may be.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from citymgmt.workdays.calendar import local_day_bounds
from complaints.models import Complaint, ComplaintEvent
from dashboard.counts import case_counts
from dashboard.models import COUNT_FIELDS, DayFigures, RollupState

# How far before the last run's end the next one reads events again.
OVERLAP = timedelta(minutes=10)
# Days recounted by one statement at most (a range of submission times).
DAYS_PER_STATEMENT = 31
KEY_FIELDS = ["day", "squad_id", "street_id", "channel", "dispatched"]


@dataclass(frozen=True)
class RefreshReport:
    days: int
    rows: int
    as_of: datetime

    def as_dict(self) -> dict[str, object]:
        return {"days": self.days, "rows": self.rows, "as_of": self.as_of.isoformat()}


def _zone():
    return timezone.get_default_timezone()


def _locked_state() -> RollupState:
    RollupState.objects.get_or_create(pk=1)
    return RollupState.objects.select_for_update().get(pk=1)


def state() -> RollupState | None:
    """The rollup's state, or None when it was never built (read the cases then)."""
    found = RollupState.objects.filter(pk=1, refreshed_at__isnull=False).first()
    return found


def _counted(cases: QuerySet[Complaint]) -> QuerySet:
    """The rollup rows of these cases: their counts per day and key."""
    dispatched = ExpressionWrapper(
        Q(dispatched_at__isnull=False), output_field=BooleanField()
    )
    return (
        cases.annotate(
            day=TruncDate("submitted_at", tzinfo=_zone()), dispatched=dispatched
        )
        .values(*KEY_FIELDS)
        .annotate(**case_counts())
        .order_by()
    )


def _insert(cases: QuerySet[Complaint]) -> int:
    """INSERT … SELECT the rollup rows of these cases; how many were written."""
    query = _counted(cases).query
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    names = [str(alias) for _expression, _sql, alias in compiler.select]
    if sorted(names) != sorted(KEY_FIELDS + COUNT_FIELDS):
        raise RuntimeError(f"The rollup's columns do not match its query: {names}")
    column_of = {f.attname: str(f.column) for f in DayFigures._meta.concrete_fields}
    columns = [column_of[name] for name in names]
    table = DayFigures._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) {sql}",  # noqa: S608
            params,
        )
        return cursor.rowcount


def _runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) runs of at most DAYS_PER_STATEMENT."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs:
            first, last = runs[-1]
            if day == last + timedelta(days=1) and (day - first).days < (
                DAYS_PER_STATEMENT
            ):
                runs[-1] = (first, day)
                continue
        runs.append((day, day))
    return runs


def _recount(days: Iterable[date]) -> tuple[int, int]:
    counted = rows = 0
    for first, last in _runs(days):
        start, end = local_day_bounds(first, last)
        DayFigures.objects.filter(day__gte=first, day__lte=last).delete()
        rows += _insert(
            Complaint.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        )
        counted += (last - first).days + 1
    return counted, rows


def days_changed(*, since: datetime) -> list[date]:
    """The local submission days of the cases with an event at or after `since`."""
    touched = ComplaintEvent.objects.filter(created_at__gte=since).values(
        "complaint_id"
    )
    return sorted(
        Complaint.objects.filter(pk__in=Subquery(touched))
        .annotate(day=TruncDate("submitted_at", tzinfo=_zone()))
        .values_list("day", flat=True)
        .distinct()
    )


@transaction.atomic
def rollup_refresh(*, now: datetime | None = None) -> RefreshReport:
    """Recount the days of the cases that changed since the last refresh."""
    locked = _locked_state()
    now = now or timezone.now()
    if locked.refreshed_at is None:
        return _rebuild(locked, now)
    since = (locked.read_events_until or locked.refreshed_at) - OVERLAP
    days, rows = _recount(days_changed(since=since))
    locked.refreshed_at = locked.read_events_until = now
    locked.save(update_fields=["refreshed_at", "read_events_until"])
    return RefreshReport(days=days, rows=rows, as_of=now)


@transaction.atomic
def rollup_rebuild(*, now: datetime | None = None) -> RefreshReport:
    """Recount every day from the cases."""
    return _rebuild(_locked_state(), now or timezone.now())


def _rebuild(locked: RollupState, now: datetime) -> RefreshReport:
    DayFigures.objects.all().delete()
    rows = _insert(Complaint.objects.all())
    days = DayFigures.objects.values("day").distinct().count()
    locked.refreshed_at = locked.read_events_until = locked.rebuilt_at = now
    locked.save(update_fields=["refreshed_at", "read_events_until", "rebuilt_at"])
    return RefreshReport(days=days, rows=rows, as_of=now)
