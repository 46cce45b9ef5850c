"""Time the deadline sweep over a million open complaints on PostgreSQL.

Run by hand, never from the test suite:

    .venv/bin/python bench/sweep_bench.py --source citydesk_bench

1. Copies the loaded bench database (`bench/load_complaints.py`) to a
   scratch database (`CREATE DATABASE … TEMPLATE …`, default
   `citydesk_bench_sweep`), so the source keeps its statuses for the HTTP
   benchmark, and migrates the copy (the deadline columns, the partial
   indexes on next_check_at and current_due_at, the rules, the calendar
   tables).
2. Loads the 2025–2027 holidays (`manage.py load_holidays`) and turns every
   complaint into an open case being handled, with one SQL UPDATE: status
   processing, the default rule, a disposal clock started 0–3 days ago and
   due 2–7 days ahead, its next check hours or days ahead. The table now
   holds 1,000,000+ open complaints, none of them due.
3. Times `complaints.deadlines.sweep()` in this process, each pass as the
   Celery task runs it: with nothing due (the target: under 1 s), then with
   1,000 and 10,000 cases due (overdue a minute ago, so each sends one
   overdue notice to the dispatchers and the unit's leaders), `--runs`
   times each (the median is reported). Between runs
   the reminders and outbox rows written are deleted and the cases made not
   due again, so every run starts from the same table.

The outbox rows' delivery tasks go to an in-memory broker nobody reads: the
sweep is measured, not the SMS or email delivery (see notify_bench.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = ROOT / ".venv" / "bin" / "python"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="citydesk_bench")
    parser.add_argument("--database", default="citydesk_bench_sweep")
    parser.add_argument(
        "--reuse", action="store_true", help="keep an existing scratch copy"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5432")
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--due", default="1000,10000", help="cases due, per run")
    parser.add_argument("--repeat", type=int, default=5, help="runs when none due")
    parser.add_argument("--runs", type=int, default=3, help="runs per number due")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()

    url = f"postgres://{args.user}@{args.host}:{args.port}/{args.database}"
    started = time.monotonic()
    copied = copy_database(args)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "citymgmt.settings.local",
        "CELERY_BROKER_URL": args.broker,
        "LOG_LEVEL": "WARNING",
    }
    run(env, "migrate", "--noinput", "--verbosity=0")
    run(env, "load_holidays")
    print(f"copied and migrated in {time.monotonic() - started:.1f} s", flush=True)

    os.environ.update(env)
    import django

    django.setup()
    from celery import Celery
    from django.conf import settings
    from django.db import connection

    settings.NOTIFY_CELERY_APP = Celery("bench", broker="memory://")
    if copied or not args.reuse:
        prepared = time.monotonic()
        open_everything(connection)
        print(
            f"made every complaint an open case in {time.monotonic() - prepared:.1f} s",
            flush=True,
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM complaints_complaint WHERE status = 'processing'"
        )
        (open_cases,) = cursor.fetchone()
    print(f"{open_cases:,} open complaints", flush=True)

    rows = [("nothing due", 0, *time_sweeps(connection, 0, args.repeat))]
    for due in [int(n) for n in args.due.split(",") if n.strip()]:
        rows.append((f"{due:,} due", due, *time_sweeps(connection, due, args.runs)))

    print()
    print("| run | cases due | looked at | reminders | notifications | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, due, seconds, report in rows:
        print(
            f"| {label} | {due:,} | {report.looked_at:,} | "
            f"{sum(report.reminders.values()):,} | {report.notifications:,} | "
            f"{seconds} |"
        )
    explain(connection)


def copy_database(args: argparse.Namespace) -> bool:
    import psycopg2

    conn = psycopg2.connect(
        host=args.host, port=args.port, user=args.user, dbname="postgres"
    )
    conn.autocommit = True
    for name in (args.source, args.database):
        if not name.replace("_", "").isalnum():
            sys.exit(f"unusual database name {name!r}: letters, digits and _ only")
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.database])
        exists = cursor.fetchone() is not None
        if exists and args.reuse:
            print(f"reusing {args.database}")
            return False
        if exists:
            cursor.execute(f'DROP DATABASE "{args.database}" WITH (FORCE)')
        began = time.monotonic()
        cursor.execute(f'CREATE DATABASE "{args.database}" TEMPLATE "{args.source}"')
        print(
            f"copied {args.source} to {args.database} in "
            f"{time.monotonic() - began:.1f} s",
            flush=True,
        )
    conn.close()
    return True


def run(env: dict, *command: str) -> None:
    subprocess.run([str(PYTHON), "manage.py", *command], cwd=ROOT, env=env, check=True)


def open_everything(connection) -> None:
    """One UPDATE: every complaint is being handled, due days ahead, not due now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM complaints_deadlinerule "
            "WHERE category_id IS NULL AND priority = 'normal'"
        )
        (rule,) = cursor.fetchone()
        cursor.execute(
            """
            UPDATE complaints_complaint SET
                status = 'processing',
                duplicate_of_id = NULL,
                closed_at = NULL,
                deadline_rule_id = %s,
                stage_started_at = now() - (id %% 72) * interval '1 hour',
                dispose_due_at = now() + (48 + id %% 120) * interval '1 hour',
                current_due_at = now() + (48 + id %% 120) * interval '1 hour',
                next_check_at = now() + (1 + id %% 96) * interval '1 hour'
            """,
            [rule],
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE complaints_complaint")


def make_due(connection, count: int) -> None:
    """Make `count` cases overdue a minute ago, spread over the whole table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM complaints_complaint")
        (top,) = cursor.fetchone()
        step = max(top // count, 1)
        cursor.execute(
            """
            UPDATE complaints_complaint SET
                stage_started_at = now() - interval '30 days',
                current_due_at = now() - interval '1 minute',
                dispose_due_at = now() - interval '1 minute',
                next_check_at = now() - interval '1 minute'
            WHERE id IN (
                SELECT id FROM complaints_complaint WHERE id %% %s = 0
                ORDER BY id LIMIT %s)
            """,
            [step, count],
        )


def reset(connection) -> None:
    """Undo a run: forget its reminders and messages, nothing due again."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM complaints_reminder")
        cursor.execute("DELETE FROM notifications_notification")
        cursor.execute(
            """
            UPDATE complaints_complaint SET
                stage_started_at = now() - (id %% 72) * interval '1 hour',
                dispose_due_at = now() + (48 + id %% 120) * interval '1 hour',
                current_due_at = now() + (48 + id %% 120) * interval '1 hour',
                next_check_at = now() + (1 + id %% 96) * interval '1 hour'
            WHERE next_check_at IS NULL OR next_check_at < now() + interval '1 hour'
               OR current_due_at < now()
            """,
            [],
        )


def time_sweeps(connection, due: int, repeat: int):
    from complaints import deadlines

    timings = []
    report = None
    for _ in range(repeat):
        reset(connection)
        if due:
            make_due(connection, due)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE complaints_complaint")
        began = time.perf_counter()
        report = deadlines.sweep()
        timings.append(time.perf_counter() - began)
    reset(connection)
    best, median = min(timings), statistics.median(timings)
    print(
        f"  {due:>6,} due: best {best:.3f} s, median {median:.3f} s "
        f"({report.as_dict()})",
        flush=True,
    )
    return f"{median:.3f} (best {best:.3f})", report


def explain(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN ANALYZE SELECT next_check_at, id FROM complaints_complaint "
            "WHERE next_check_at <= now() ORDER BY next_check_at, id LIMIT 500"
        )
        print("\nThe sweep's query with nothing due:")
        for (line,) in cursor.fetchall():
            print(f"    {line}")


if __name__ == "__main__":
    main()
