"""Time the dashboard's JSON (/api/v1/stats/…) over a million complaints.

Run by hand, never from the test suite, against a database loaded by
`bench/load_complaints.py`:

    .venv/bin/python bench/load_complaints.py --rows 1000000 \
        --database citydesk_kpibench --drop
    .venv/bin/python bench/kpi_bench.py --database citydesk_kpibench

1. Migrates the database (the stored working durations, the dashboard's
   indexes and rollup table) and rebuilds the daily rollup
   (`manage.py kpi_rollup --rebuild`, timed), then VACUUM ANALYZE, as
   autovacuum would on a live system.
2. In this process (Django's test client: the whole stack from the URL
   resolver and DRF to the JSON bytes, no HTTP socket), signed in as the
   supervisor and as the leader of JD-1, requests each statistics endpoint
   for a month (`period=last_month`: a whole month of cases) and for a year
   (`period=year`: 1 January to today), `--runs` times after two warm-up
   requests, and reports the median (p50) and the 90th percentile, and the
   SQL queries each request ran.
3. With `--cases` the same requests count from the cases alone, as if the
   rollup had never been built (the plain indexed aggregates).

Throttles are raised so the runs are not refused (API_USER_RATE).
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

ENDPOINTS = [
    "kpis",
    "daily",
    "units",
    "categories",
    "methods",
    "heat",
    "table?by=unit",
    "table?by=category",
    "vendors",
    "campaigns",
]
# What the dashboard page asks for when it opens: the tiles and five charts.
PAGE = ["kpis", "daily", "units", "categories", "methods", "heat"]
PERIODS = [("month", "last_month"), ("year", "year")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="citydesk_kpibench")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5432")
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--cases", action="store_true", help="count from the cases, not the rollup"
    )
    parser.add_argument(
        "--no-rebuild", action="store_true", help="keep the rollup as it is"
    )
    parser.add_argument("--as", dest="logins", default="supervisor,leader")
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{args.user}@{args.host}:{args.port}/{args.database}"
        ),
        "DJANGO_SETTINGS_MODULE": "citymgmt.settings.local",
        "DJANGO_DEBUG": "false",
        "API_USER_RATE": "1000000/min",
        "LOG_LEVEL": "WARNING",
    }
    run(env, "migrate", "--noinput", "--verbosity=0")
    if not args.no_rebuild:
        began = time.monotonic()
        run(env, "kpi_rollup", "--rebuild")
        print(f"rebuilt the rollup in {time.monotonic() - began:.1f} s", flush=True)

    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    # Without collectstatic: error pages would look for a manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    with connection.cursor() as cursor:
        for table in ("complaints_complaint", "dashboard_dayfigures"):
            cursor.execute(f"VACUUM ANALYZE {table}")  # noqa: S608 (fixed names)
        cursor.execute("SELECT count(*) FROM complaints_complaint")
        (total,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM dashboard_dayfigures")
        (rollup_rows,) = cursor.fetchone()
    print(f"{total:,} complaints; the rollup holds {rollup_rows:,} rows", flush=True)
    if args.cases:
        from dashboard import rollup

        rollup.state = lambda: None  # every count from the cases
        print("counting from the cases (the rollup is not read)", flush=True)

    users = get_user_model().objects
    results = []
    for login in args.logins.split(","):
        user = users.get(username=login.strip())
        for label, period in PERIODS:
            for endpoint in ENDPOINTS:
                timed = measure(user, endpoint, period, args.runs)
                results.append((login, label, endpoint, *timed))
                print(_line(results[-1]), flush=True)

    print()
    print("| as | period | endpoint | p50 ms | p90 ms | SQL queries | bytes |")
    print("|---|---|---|---:|---:|---:|---:|")
    for row in results:
        print(_line(row))
    print()
    print("The dashboard page (tiles and five charts, one after the other):")
    for login in args.logins.split(","):
        for label, _period in PERIODS:
            page = [
                r for r in results if r[0] == login and r[1] == label and r[2] in PAGE
            ]
            print(
                f"- {login}, {label}: sum of the p50s "
                f"{sum(r[3] for r in page):.0f} ms, {sum(r[5] for r in page)} queries"
            )


def _line(row) -> str:
    login, label, endpoint, p50, p90, queries, size = row
    return (
        f"| {login} | {label} | `{endpoint}` | {p50:.0f} | {p90:.0f} "
        f"| {queries} | {size:,} |"
    )


def measure(user, endpoint: str, period: str, runs: int):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    path, _, query = endpoint.partition("?")
    url = f"/api/v1/stats/{path}/?period={period}" + (f"&{query}" if query else "")
    for _ in range(2):
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{url}: {response.status_code} {response.content[:300]!r}")
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    timings.sort()
    p90 = timings[min(len(timings) - 1, int(len(timings) * 0.9))]
    return (
        statistics.median(timings),
        p90,
        len(captured.captured_queries),
        len(response.content),
    )


def run(env: dict, *command: str) -> None:
    subprocess.run([str(PYTHON), "manage.py", *command], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
