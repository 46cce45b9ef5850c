"""Outbox delivery throughput with the log SMS backend: in-process and on workers.

Run by hand, never from the test suite:

    .venv/bin/python bench/notify_bench.py --rows 5000

1. Creates (or reuses) the PostgreSQL database `citydesk_bench_notify` and
   migrates it.
2. Writes `--rows` pending SMS rows (the citizen's "received" message) with
   one bulk INSERT, as `notify` would have left them with the broker down.
3. **In-process**: calls `notification_deliver` for each id in turn — the
   claim (a conditional UPDATE), the log backend (one formatted log line to
   `var/bench-sms.log`), the UPDATE to sent — and reports rows per second.
4. **Real workers**: puts the rows back to pending, starts `celery worker`
   (prefork, `--concurrency` 1 and 2, Redis db 12 as the broker, the log
   backend at INFO into `var/bench-worker-N.log`), publishes one
   `citymgmt.notifications.deliver` task per row (`--batch 1`) or one
   `citymgmt.notifications.deliver_many` task per `--batch` rows (as
   `notify_many` and the outbox sweep publish them), and measures from the
   first publish until every row is sent; then checks that each row was
   sent once (status sent, attempts 1). A `celery worker` keeps its database
   connection between tasks for WORKER_DB_CONN_MAX_AGE seconds (300 by
   default; `--worker-conn-max-age 0` opens one per task, as before).
   `--conn-max-age N` adds `?conn_max_age=N` to the database URL.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = ROOT / ".venv" / "bin" / "python"
CELERY = ROOT / ".venv" / "bin" / "celery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--database", default="citydesk_bench_notify")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5432")
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--concurrency", default="1,2")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=0,
        help="CONN_MAX_AGE of the workers' database connections (default 0)",
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=100,
        help="rows per delivery task (1: one deliver task per row)",
    )
    parser.add_argument(
        "--worker-conn-max-age",
        default="",
        help="WORKER_DB_CONN_MAX_AGE for the workers (default: the settings')",
    )
    args = parser.parse_args()

    url = f"postgres://{args.user}@{args.host}:{args.port}/{args.database}"
    if args.conn_max_age:
        url += f"?conn_max_age={args.conn_max_age}"
    create_database(args)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "citymgmt.settings.local",
        "CELERY_BROKER_URL": args.broker,
        "SMS_BACKEND": "log",
        "LOG_LEVEL": "INFO",
        **(
            {"WORKER_DB_CONN_MAX_AGE": args.worker_conn_max_age}
            if args.worker_conn_max_age
            else {}
        ),
    }
    subprocess.run(
        [str(PYTHON), "manage.py", "migrate", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    os.environ.update(env)
    import django

    django.setup()
    sms_log = logging.getLogger("citymgmt.sms")
    sms_log.handlers = [logging.FileHandler(ROOT / "var" / "bench-sms.log")]
    sms_log.propagate = False
    sms_log.setLevel(logging.INFO)

    results = []
    ids = write_rows(args.rows)
    results.append((f"in-process, {args.batch} a call", *in_process(ids, args.batch)))
    for concurrency in [int(c) for c in args.concurrency.split(",") if c.strip()]:
        reset(ids)
        results.append(
            (
                f"celery worker, prefork, concurrency {concurrency}, "
                f"{args.batch} a task",
                *on_worker(ids, env, concurrency, args.broker, args.batch),
            )
        )

    print()
    print("| delivery | rows | seconds | rows/s | each sent once |")
    print("|---|---:|---:|---:|---|")
    for label, rows, seconds, once in results:
        print(
            f"| {label} | {rows:,} | {seconds:.1f} | {rows / seconds:,.0f} | "
            f"{'yes' if once else 'NO'} |"
        )


def create_database(args: argparse.Namespace) -> None:
    import psycopg2

    if not args.database.replace("_", "").isalnum():
        sys.exit(f"unusual database name {args.database!r}")
    conn = psycopg2.connect(
        host=args.host, port=args.port, user=args.user, dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.database])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{args.database}"')
    conn.close()


def write_rows(count: int) -> list[int]:
    from citymgmt.notifications.messages import render
    from citymgmt.notifications.models import Notification

    Notification.objects.all().delete()
    rows = []
    for i in range(count):
        context = {"reference": f"20261123-{i % 10000:04d}"}
        subject, body = render("complaint_received", context, sms=True)
        rows.append(
            Notification(
                channel="sms",
                recipient=f"139{i:08d}",
                template="complaint_received",
                context=context,
                subject=subject,
                body=body,
            )
        )
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    return [row.pk for row in created]


def reset(ids: list[int]) -> None:
    from citymgmt.notifications.models import Notification

    Notification.objects.filter(id__in=ids).update(
        status="pending", attempts=0, sent_at=None, claimed_at=None, last_error=""
    )


def sent_once(ids: list[int]) -> bool:
    from citymgmt.notifications.models import Notification

    rows = Notification.objects.filter(id__in=ids)
    return (
        rows.count() == len(ids)
        and not rows.exclude(status="sent").exists()
        and not rows.exclude(attempts=1).exists()
    )


def in_process(ids: list[int], batch: int) -> tuple[int, float, bool]:
    from collections import Counter

    from citymgmt.notifications.services import (
        notification_deliver,
        notification_deliver_many,
    )

    began = time.perf_counter()
    outcomes: Counter[str] = Counter()
    if batch == 1:
        outcomes.update(notification_deliver(notification_id=i) for i in ids)
    else:
        for start in range(0, len(ids), batch):
            outcomes += notification_deliver_many(
                notification_ids=ids[start : start + batch]
            )
    seconds = time.perf_counter() - began
    print(
        f"in-process: {len(ids):,} in {seconds:.1f} s ({outcomes['sent']:,} sent)",
        flush=True,
    )
    return len(ids), seconds, sent_once(ids)


def on_worker(
    ids: list[int], env: dict, concurrency: int, broker: str, batch: int
) -> tuple[int, float, bool]:
    from celery import Celery

    from citymgmt.notifications.models import Notification

    app = Celery("bench", broker=broker, set_as_current=False)
    app.conf.task_ignore_result = True
    app.control.purge()
    log = open(ROOT / "var" / f"bench-worker-{concurrency}.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "citymgmt",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(6)  # the worker's start-up is not delivery
        began = time.perf_counter()
        if batch == 1:
            for notification_id in ids:
                app.send_task("citymgmt.notifications.deliver", args=[notification_id])
        else:
            for start in range(0, len(ids), batch):
                app.send_task(
                    "citymgmt.notifications.deliver_many",
                    args=[ids[start : start + batch]],
                )
        published = time.perf_counter() - began
        pending = Notification.objects.filter(id__in=ids).exclude(status="sent")
        deadline = time.monotonic() + 600
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        seconds = time.perf_counter() - began
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        log.close()
    print(
        f"worker x{concurrency}: {len(ids):,} in {seconds:.1f} s "
        f"(publishing took {published:.1f} s)",
        flush=True,
    )
    return len(ids), seconds, sent_once(ids)


if __name__ == "__main__":
    main()
