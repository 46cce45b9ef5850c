"""How long each stage of a case took, in working time, stored on the case.

The dashboard's averages and medians of the time to accept and to dispose
(`dashboard.kpis`) are working hours: office periods of working days on the
calendar, holidays off, make-up Saturdays (调休) on. That arithmetic walks the
calendar day by day, so it cannot be an SQL expression over a million rows;
the services store the result on the case when the step happens, and SQL
aggregates the stored numbers (docs/decisions.md says why).

- `accept_working_seconds`: from submission to acceptance (受理).
- `dispose_working_seconds`: the working time the case spent with the
  handling unit before each disposal report (处置反馈), summed: from dispatch
  to the disposal, plus, after a rework (返工) or a citizen's reopening (重办),
  from that moment to the next disposal. A return (回退) to the desk starts it
  again for the next unit. It runs from where the disposal clock runs
  (`docs/deadlines.md`), so it and the on-time figures count the same time.

The live services call `accept_seconds` and `dispose_seconds`; the demo's
back-dating, the upgrade's data migration and the tests rebuild both numbers
from the event history with `from_history`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import models

from citymgmt.workdays.calendar import working_seconds_between
from complaints.models import Action, Complaint

DURATION_FIELDS = ["accept_working_seconds", "dispose_working_seconds"]
# Actions after which the unit's disposal time runs (docs/deadlines.md).
_DISPOSAL_STARTS = frozenset({Action.DISPATCH, Action.REWORK, Action.REOPEN})


def _seconds(start: datetime, end: datetime) -> int:
    return max(working_seconds_between(start, end), 0)


def accept_seconds(*, submitted_at: datetime, at: datetime) -> int:
    """Working seconds from submission to an acceptance at `at`."""
    return _seconds(submitted_at, at)


def dispose_seconds(complaint: Complaint, *, at: datetime) -> int:
    """The case's disposal working time after a disposal reported at `at`.

    Call before the disposal changes the case: the disposal clock's start
    (`stage_started_at`: the dispatch, rework or reopening) is still set.
    """
    start = complaint.stage_started_at or complaint.dispatched_at or at
    return (complaint.dispose_working_seconds or 0) + _seconds(start, at)


def from_history(
    events: Iterable[tuple[str, datetime]],
) -> dict[str, int | None]:
    """Both durations from a case's (action, time) events, oldest first."""
    submitted: datetime | None = None
    accept: int | None = None
    dispose: int | None = None
    started: datetime | None = None
    for action, at in events:
        if action == Action.SUBMIT:
            submitted = at
        elif action == Action.ACCEPT and submitted is not None:
            accept = _seconds(submitted, at)
        elif action in _DISPOSAL_STARTS:
            started = at
        elif action == Action.DISPOSE and started is not None:
            dispose = (dispose or 0) + _seconds(started, at)
            started = None
        elif action == Action.RETURN:
            dispose = started = None
    return {"accept_working_seconds": accept, "dispose_working_seconds": dispose}


def _plain(row: dict[str, Any]) -> dict[str, int | None] | None:
    """Both durations from the row alone, or None when only the events tell.

    Without a rework or a reopening the stage stamps are the history: the
    acceptance, and the one disposal since the latest dispatch (a return
    clears `dispatched_at`, a new dispatch sets it again).
    """
    if row["rework_count"] or row["reopen_count"]:
        return None
    accept = dispose = None
    if row["accepted_at"] is not None:
        accept = _seconds(row["submitted_at"], row["accepted_at"])
    if row["dispatched_at"] is not None and row["disposed_at"] is not None:
        dispose = _seconds(row["dispatched_at"], row["disposed_at"])
    return {"accept_working_seconds": accept, "dispose_working_seconds": dispose}


def backfill(apps: Any, schema_editor: Any = None, *, batch: int = 5000) -> int:
    """Store both durations on every case that has none (the upgrade's migration).

    Reads the cases in id order, a batch at a time; the events only of the
    cases reworked or reopened; writes each batch with one UPDATE … FROM
    (VALUES …). Returns how many cases it wrote.
    """
    model = apps.get_model("complaints", "Complaint")
    events = apps.get_model("complaints", "ComplaintEvent")
    table = model._meta.db_table
    columns = [
        "id",
        "submitted_at",
        "accepted_at",
        "dispatched_at",
        "disposed_at",
        "rework_count",
        "reopen_count",
    ]
    # By ranges of ids on the primary key: a plan that never depends on the
    # statistics of columns the migration has only just added.
    top = model.objects.aggregate(top=models.Max("id"))["top"] or 0
    written = 0
    last = 0
    while last < top:
        rows = list(
            model.objects.filter(
                id__gt=last,
                id__lte=last + batch,
                accepted_at__isnull=False,
                accept_working_seconds__isnull=True,
            ).values(*columns)
        )
        last += batch
        found: dict[int, dict[str, int | None]] = {}
        replayed = []
        for row in rows:
            plain = _plain(row)
            if plain is None:
                replayed.append(row["id"])
            else:
                found[row["id"]] = plain
        if replayed:
            history: dict[int, list[tuple[str, datetime]]] = {}
            trail = (
                events.objects.filter(complaint_id__in=replayed)
                .order_by("complaint_id", "created_at", "id")
                .values_list("complaint_id", "action", "created_at")
            )
            for complaint_id, action, at in trail:
                history.setdefault(complaint_id, []).append((action, at))
            for pk in replayed:
                found[pk] = from_history(history.get(pk, []))
        _write(model, table, found)
        written += len(found)
    return written


def _write(model: Any, table: str, found: dict[int, dict[str, int | None]]) -> None:
    if not found:
        return
    from django.db import connections, router

    alias = router.db_for_write(model)
    values = []
    params: list[int | None] = []
    for pk, durations in found.items():
        values.append("(%s, %s, %s)")
        params += [
            pk,
            durations["accept_working_seconds"],
            durations["dispose_working_seconds"],
        ]
    # Typed in the first row: PostgreSQL reads a VALUES column of NULLs as text.
    values[0] = "(%s, CAST(%s AS integer), CAST(%s AS integer))"
    # VALUES names its columns column1, column2 … in PostgreSQL and SQLite alike.
    sql = (
        f"UPDATE {table} SET accept_working_seconds = v.column2, "  # noqa: S608
        "dispose_working_seconds = v.column3 "
        f"FROM (VALUES {', '.join(values)}) AS v WHERE {table}.id = v.column1"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
