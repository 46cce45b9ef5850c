"""The Excel import of 10,000 tally rows: the preview and the confirmation.

Run by hand, never from the test suite:

    .venv/bin/python bench/import_tallies.py --rows 10000 --rounds 3

1. Creates (or reuses) the PostgreSQL database `citydesk_bench_import`,
   migrates it and loads the demo city (`seed_demo`).
2. Creates a running campaign of 2020 (the whole year) with seven metrics,
   `--units` of the demo's units taking part, three road segments each, through
   the services (`campaign_save`, `road_segment_save`, `campaign_start`).
3. Writes the file a clerk would fill in: a sheet per unit with the template's
   title row and header, `--rows` rows in all (unit × segment × day, no two
   alike), every metric filled in, a note on one row in ten.
4. Each round, with the campaign's tallies deleted first, through Django's test
   client signed in as the demo supervisor (the whole request: upload, reading
   with python-calamine, the dry run, the page of every row):
   - preview: POST the file to the import page → the preview (all new);
   - confirm: POST the token and fingerprint → every tally written;
   - again: the same file uploaded and confirmed (all unchanged, no writes).
   The median of the rounds is printed as a Markdown table, with the SQL
   queries each request made and the size of the preview page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

METRICS = [
    "ad_boards_removed",
    "posters_cleaned",
    "parking_notices",
    "vehicles_penalised",
    "evidence_held",
    "lines_painted",
    "officers_deployed",
]
START = dt.date(2020, 1, 1)
END = dt.date(2020, 12, 31)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--database", default="citydesk_bench_import")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5432")
    parser.add_argument("--user", default="postgres")
    args = parser.parse_args()

    create_database(args)
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{args.user}@{args.host}:{args.port}/{args.database}"
        ),
        "DJANGO_SETTINGS_MODULE": "citymgmt.settings.local",
        "DJANGO_DEBUG": "false",
        "TALLY_IMPORT_DIR": str(ROOT / "var" / "bench-imports"),
        "LOG_LEVEL": "WARNING",
    }
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "--verbosity=0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # The pages name static files; without collectstatic, the manifest
    # storage of the local settings has no names to give them.
    storages = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    override_settings(STORAGES=storages).enable()

    supervisor, campaign, units = build_campaign(args.units)
    data = workbook(campaign, units, args.rows)
    print(
        f"{args.rows:,} rows, {len(units)} units, {len(METRICS)} metrics, "
        f"file {len(data) / 1024:.0f} KiB"
    )
    timings: dict[str, list[float]] = {}
    queries: dict[str, int] = {}
    page_size = 0
    for round_number in range(1, args.rounds + 1):
        delete_tallies(campaign)
        for label, seconds, count, size in one_round(
            supervisor, campaign, data, args.rows
        ):
            timings.setdefault(label, []).append(seconds)
            queries[label] = count
            page_size = max(page_size, size)
        print(
            f"round {round_number}: "
            + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in timings.items())
        )
    print()
    print(f"| step ({args.rows:,} rows) | median s | rounds (s) | SQL queries |")
    print("|---|---:|---|---:|")
    for label, values in timings.items():
        rounds = " / ".join(f"{v:.2f}" for v in values)
        print(
            f"| {label} | {statistics.median(values):.2f} | {rounds} | "
            f"{queries[label]} |"
        )
    total = statistics.median(
        [a + b for a, b in zip(timings["preview"], timings["confirm"], strict=True)]
    )
    print()
    print(f"preview + confirm (median of the sums): {total:.2f} s")
    print(f"preview page: {page_size / 1024 / 1024:.1f} MiB of HTML")


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


def build_campaign(unit_count: int):
    from campaigns.models import Campaign, RoadSegment
    from campaigns.services import campaign_save, campaign_start, road_segment_save
    from squads.models import Area, Member, Squad

    supervisor = Member.objects.filter(role="supervisor", is_active=True).first()
    if supervisor is None:
        sys.exit("seed_demo left no supervisor")
    user = supervisor.user
    units = list(Squad.objects.exclude(parent=None).order_by("code")[:unit_count])
    streets = list(Area.objects.filter(level=Area.Level.STREET).order_by("code"))
    name = "基准测试：2020年度专项整治"
    Campaign.objects.filter(name=name).update(name=f"{name}（旧）")
    segments = []
    for n, unit in enumerate(units):
        for k in range(1, 4):
            existing = RoadSegment.objects.filter(
                squad=unit, name=f"基准路段{k}"
            ).first()
            segments.append(
                existing
                or road_segment_save(
                    by=user,
                    name=f"基准路段{k}",
                    street=streets[n % len(streets)],
                    squad=unit,
                )
            )
    campaign = campaign_save(
        by=user,
        name=name,
        kind="civilised_city",
        starts_on=START,
        ends_on=END,
        lead_squad=units[0].parent,
        squads=units,
        road_segments=segments,
        targets=dict.fromkeys(METRICS),
    )
    campaign_start(campaign=campaign, by=user)
    return user, campaign, units


def workbook(campaign, units, rows: int) -> bytes:
    """A sheet per unit, laid out as the template, `rows` distinct rows in all."""
    from openpyxl import Workbook

    from campaigns.imports.columns import sheet_columns
    from campaigns.selectors import campaign_metrics

    columns = sheet_columns(
        metrics=campaign_metrics(campaign=campaign), has_segments=True
    )
    book = Workbook(write_only=True)
    days = (END - START).days + 1
    per_unit = -(-rows // len(units))
    written = 0
    for unit in units:
        sheet = book.create_sheet(unit.name[:31])
        sheet.append([f"{campaign.name}　{unit.name}"])
        sheet.append([c.title for c in columns])
        for n in range(min(per_unit, rows - written)):
            day = START + dt.timedelta(days=n % days)
            segment = f"基准路段{n // days + 1}"
            figures = [(n * 7 + k) % 40 for k in range(len(METRICS))]
            figures[METRICS.index("lines_painted")] = (n % 50) / 2
            note = "夜查" if n % 10 == 0 else None
            sheet.append([day, unit.name, segment, *figures, note])
            written += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def delete_tallies(campaign) -> None:
    from campaigns.models import Tally, TallyValue

    TallyValue.objects.filter(tally__campaign=campaign).delete()
    Tally.objects.filter(campaign=campaign).delete()


def one_round(user, campaign, data: bytes, rows: int):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from campaigns.imports.views import import_view

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    try:
        url = reverse("admin:campaigns_campaign_import", args=[campaign.pk])
    except Exception:  # no CampaignAdmin in this tree: mount the tool alone
        url = mount(import_view, campaign)

    def timed(label, **post):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.post(url, post)
            seconds = time.perf_counter() - began
        if response.status_code not in (200, 302):
            sys.exit(f"{label}: HTTP {response.status_code}")
        return response, (label, seconds, len(queries), len(response.content))

    steps = []
    for prefix in ("", "again: "):
        preview, step = timed(
            f"{prefix}preview",
            file=SimpleUploadedFile("tallies.xlsx", data),
        )
        steps.append(step)
        page = preview.content.decode()
        hidden = dict(re.findall(r'name="(token|fingerprint)" value="([^"]+)"', page))
        listed = page.count('<tr class="cd-')
        if len(hidden) != 2 or listed != rows:
            sys.exit(f"the preview lists {listed} rows and offers no confirmation")
        done, step = timed(f"{prefix}confirm", **hidden)
        if done.status_code != 302:
            sys.exit("the confirmation was refused")
        steps.append(step)
    return steps


def mount(view, campaign) -> str:
    """Put the import tool where the campaign's admin page would (bench only)."""
    from django.contrib import admin
    from django.urls import clear_url_caches, path

    from citymgmt import urls

    route = "admin/campaigns/campaign/<int:campaign_id>/import/"
    if not any(str(p.pattern) == route for p in urls.urlpatterns):
        urls.urlpatterns.insert(0, path(route, admin.site.admin_view(view)))
        clear_url_caches()
    return f"/admin/campaigns/campaign/{campaign.pk}/import/"


if __name__ == "__main__":
    main()
