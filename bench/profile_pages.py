"""Profile the read pages in this process: CPU ms per request and SQL queries.

Run by hand, never from the test suite, against a database that
bench/load_complaints.py made:

    .venv/bin/python bench/profile_pages.py --database citydesk_bench
    .venv/bin/python bench/profile_pages.py --database citydesk_bench \
        --profile "case detail" --top 30

It loads the production settings (as bench/http_bench.py does), logs the
demo users in through Django's test client and, for each page, requests it
--warmup times, then --requests times, and prints the median process CPU ms
per request and the number of SQL queries of one request:

  - the home page and the public form GET, anonymous;
  - the staff case detail (the admin change page of the case with the most
    events) and the admin changelist, as the dispatcher;
  - the admin changelist as the demo unit leader (its unit's cases, by due time).

With --profile LABEL it runs that page under cProfile and prints the --top
functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database: str, cache_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "citymgmt.settings.production",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "0123456789" * 4,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            # Connections kept as under gunicorn (and the peer harness): the
            # compiled queries are then prepared once per connection.
            "DATABASE_URL": (
                f"postgres://postgres@127.0.0.1:5432/{database}?conn_max_age=60"
            ),
            "CACHE_URL": cache_url,
            "LOG_LEVEL": "WARNING",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)


def pages() -> list[tuple[str, str | None, str]]:
    from django.db.models import Count

    from complaints.models import Complaint

    busiest = (
        Complaint.objects.annotate(n=Count("events"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return [
        ("home page", None, "/"),
        ("public form GET", None, "/complaints/new/"),
        (
            "case detail",
            "dispatcher",
            f"/admin/complaints/complaint/{busiest}/change/",
        ),
        ("changelist", "dispatcher", "/admin/complaints/complaint/"),
        ("changelist (leader)", "leader", "/admin/complaints/complaint/"),
        ("staff list API", "dispatcher", "/api/v1/complaints/?status=processing"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="citydesk_bench")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--profile", default="", help="a page label to profile")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="a pstats key")
    args = parser.parse_args()
    configure(args.database, args.cache_url)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    # Django clears connection.queries when a request starts: count through
    # an execute wrapper instead.
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    clients: dict[str | None, Client] = {None: Client()}
    rows = []
    for label, username, path in pages():
        if username not in clients:
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            clients[username] = client
        client = clients[username]
        for _ in range(args.warmup):
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"{label}: HTTP {response.status_code} at {path}")
        queries.clear()
        with connection.execute_wrapper(count):
            client.get(path)
        if args.profile == label:
            profiler = cProfile.Profile()
            profiler.enable()
        spent = []
        for _ in range(args.requests):
            started = time.process_time()
            client.get(path)
            spent.append((time.process_time() - started) * 1000)
        if args.profile == label:
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats(args.sort)
            stats.print_stats(args.top)
        rows.append((label, statistics.median(spent), len(queries)))

    print("| page | CPU ms per request (median) | SQL queries |")
    print("|---|---|---|")
    for label, ms, count in rows:
        print(f"| {label} | {ms:.2f} | {count} |")


if __name__ == "__main__":
    main()
