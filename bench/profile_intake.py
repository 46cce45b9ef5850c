"""Profile filing in-process: the public form POST and the API create.

Run by hand, never from the test suite, against a PostgreSQL database of its
own (it migrates it and adds one street, one community and one unit):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/citydesk_profile \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/9 \\
    CACHE_URL=redis://127.0.0.1:6379/9 \\
    .venv/bin/python bench/profile_intake.py --filings 200

It files `--filings` complaints through Django's test client on
/complaints/new/ and as many on POST /api/v1/complaints/ (no photos), after
ten of each to warm up, and prints for each path: the SQL queries per
filing, the median wall time per filing, and cProfile's top functions by
cumulative time (`--top`). `--sort tottime` sorts by own time instead;
`--no-profile` prints the median wall and process CPU ms per filing instead,
and the process's CPU over all the filings divided by their number (every
thread counted). `--batched MS` publishes the deliveries as a web process
does (`notifications.publisher`, gathering MS milliseconds); without it each
filing publishes its own after its commit. `--urlencoded` posts the form
as the bench-peer harness does instead of multipart.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DESCRIPTION = "每天放学时西苑小学东门有流动摊贩占道，孩子们只能走到机动车道上。"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--filings", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument(
        "--no-profile",
        action="store_true",
        help="time without cProfile: the median process CPU ms per filing",
    )
    parser.add_argument(
        "--urlencoded",
        action="store_true",
        help="post the form urlencoded, as the bench-peer harness does (a "
        "browser sends it multipart: the form takes photos)",
    )
    parser.add_argument(
        "--batched",
        type=int,
        default=0,
        metavar="MS",
        help="publish deliveries from the publisher thread, gathering MS ms",
    )
    args = parser.parse_args()

    # Filing is limited per address: lift the limits for the run.
    os.environ["COMPLAINT_SUBMIT_RATE"] = "1000000/600"
    os.environ["API_ANON_RATE"] = "1000000/min"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citymgmt.settings.local")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)

    from complaints.models import Category
    from squads.models import Area, Squad

    district, _ = Area.objects.get_or_create(
        code="379901", defaults={"name": "测速市", "level": Area.Level.DISTRICT}
    )
    street, _ = Area.objects.get_or_create(
        code="379901001",
        defaults={"name": "测速街道", "level": Area.Level.STREET, "parent": district},
    )
    unit, _ = Squad.objects.get_or_create(
        code="PROF1",
        defaults={
            "name": "测速中队",
            "kind": Squad.Kind.BRIGADE,
            "area": street,
            "duty_phone": "0536-3221234",
        },
    )
    community, _ = Area.objects.get_or_create(
        code="379901001001",
        defaults={
            "name": "测速社区",
            "level": Area.Level.COMMUNITY,
            "parent": street,
            "covering_squad": unit,
        },
    )
    category = Category.objects.get(code="09006")
    form = {
        "request_type": "complaint",
        "category": str(category.pk),
        "description": DESCRIPTION,
        "address": "西苑小学东门",
        "street": str(street.pk),
        "community": str(community.pk),
        "citizen_name": "张女士",
        "phone": "139 1234 5678",
        "consent": "on",
        "website": "",
    }
    api = {
        "category": category.code,
        "request_type": "complaint",
        "description": DESCRIPTION,
        "address": "西苑小学东门",
        "community": community.code,
        "citizen_name": "张女士",
        "phone": "13912345678",
        "consent": True,
    }
    client = Client()
    from citymgmt.notifications import publisher

    publisher.start(args.batched / 1000)

    def file_form() -> None:
        if args.urlencoded:
            response = client.post(
                "/complaints/new/",
                urlencode(form),
                content_type="application/x-www-form-urlencoded",
            )
        else:
            response = client.post("/complaints/new/", form)
        if response.status_code != 302:
            raise SystemExit(f"form POST answered {response.status_code}")

    def file_api() -> None:
        response = client.post(
            "/api/v1/complaints/", api, content_type="application/json"
        )
        if response.status_code != 201:
            raise SystemExit(f"API create answered {response.status_code}")

    for label, filing in (("form POST", file_form), ("API create", file_api)):
        for _ in range(10):
            filing()
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):  # type: ignore[no-untyped-def]
            executed.append(sql)
            return execute(sql, params, many, context)

        publisher.stop()
        publisher.start(args.batched / 1000)
        times = []
        cpu = []
        profile = cProfile.Profile()
        began_cpu = time.process_time()
        with connection.execute_wrapper(count):
            for _ in range(args.filings):
                start, start_cpu = time.perf_counter(), time.process_time()
                if not args.no_profile:
                    profile.enable()
                filing()
                if not args.no_profile:
                    profile.disable()
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
        publisher.stop()  # what the thread still holds, counted in the total
        total_cpu = (time.process_time() - began_cpu) * 1000 / args.filings
        if args.no_profile:
            print(f"## {label}: {args.filings} filings")
            print(f"SQL queries per filing: {len(executed) / args.filings:g}")
            print(f"median wall ms per filing: {statistics.median(times):.2f}")
            print(f"median CPU ms per filing: {statistics.median(cpu):.2f}")
            print(f"process CPU ms per filing, all threads: {total_cpu:.2f}")
            continue
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats(args.sort).print_stats(args.top)
        print(f"## {label}: {args.filings} filings")
        print(f"SQL queries per filing: {len(executed) / args.filings:g}")
        print(f"median ms per filing (profiled): {statistics.median(times):.1f}")
        print(out.getvalue())


if __name__ == "__main__":
    main()
