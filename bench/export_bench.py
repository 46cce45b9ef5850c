r"""Time exporting the complaints list to xlsx and CSV on PostgreSQL.

Run by hand, never from the test suite, against databases loaded by
`bench/load_complaints.py` (one with 100,000 complaints, one with 1,000,000):

    .venv/bin/python bench/load_complaints.py --rows 100000 \
        --database citydesk_exportbench100k
    .venv/bin/python bench/load_complaints.py --rows 1000000 \
        --database citydesk_exportbench
    .venv/bin/python bench/export_bench.py --format xlsx --runs 3 \
        --database citydesk_exportbench100k
    .venv/bin/python bench/export_bench.py --format csv --runs 1 \
        --database citydesk_exportbench

Each run is a fresh process (so its peak RSS is its own) that migrates
nothing and does what the worker does for a queued export: it creates the
`ExportJob` of the user's whole complaints list (`--user`, default the
demo supervisor: every complaint, full phones, so every case also gets its
`reveal_phone` event) and times `citymgmt.exports.services.export_write`,
the task's body: rebuilding the list's queryset through the admin, counting
it, streaming `values_list(...).iterator(chunk_size=2000)` through the
resource into the constant-memory writer, logging the reveals and the
progress per batch. The child reports the seconds and `ru_maxrss` (peak
resident memory of the whole process, Django included) before and after.

`--path instances` times import-export's own per-row path instead (a
model instance per row, `select_related` for the joined columns, the
resource's `export_resource(obj)`), into the same writer, for comparison.
`--writer xlsxwriter-api` writes the xlsx rows through xlsxwriter's own
cell calls (`write_string`, `write_number`, `write_datetime`) instead of
`StreamedWorksheet.append_row`, for comparison.
`--masked` runs as a bench-only user who sees every case but may not reveal
phones (masked numbers, no reveal events), to tell the cost of the events.
Files go to var/bench-exports/ and are deleted after each run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
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
    parser.add_argument("--database", default="citydesk_exportbench100k")
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--user", default="supervisor")
    parser.add_argument(
        "--masked",
        action="store_true",
        help="as a bureau-wide user without the reveal permission (phones masked, "
        "no reveal events)",
    )
    parser.add_argument("--query", default="", help="the list's query string")
    parser.add_argument("--path", choices=["values", "instances"], default="values")
    parser.add_argument(
        "--writer",
        choices=["ours", "xlsxwriter-api"],
        default="ours",
        help="xlsx rows by StreamedWorksheet.append_row, or xlsxwriter's cell API",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5432")
    parser.add_argument("--db-user", default="postgres")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{args.db_user}@{args.host}:{args.port}/{args.database}"
        ),
        "DJANGO_SETTINGS_MODULE": "citymgmt.settings.local",
        "EXPORT_ROOT": str(ROOT / "var" / "bench-exports"),
        "LOG_LEVEL": "WARNING",
    }
    print(machine(), flush=True)
    results = []
    for run in range(1, args.runs + 1):
        command = [str(PYTHON), __file__, "--child", *sys.argv[1:]]
        done = subprocess.run(
            command, cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(result)
        print(
            f"run {run}: {result['rows']:,} rows in {result['seconds']:.2f} s "
            f"({result['rows'] / result['seconds']:,.0f} rows/s), peak RSS "
            f"{result['peak_mb']:.0f} MB (after Django setup {result['setup_mb']:.0f}"
            f" MB), file {result['file_mb']:.1f} MB, {result['status']}",
            flush=True,
        )
    seconds = statistics.median(r["seconds"] for r in results)
    peak = statistics.median(r["peak_mb"] for r in results)
    print(
        f"median of {len(results)}: {seconds:.2f} s, peak RSS {peak:.0f} MB "
        f"({args.format}, {args.path}, {results[0]['rows']:,} rows)"
    )


def machine() -> str:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as info:
        total_kb = int(info.readline().split()[1])
    return (
        f"{model}, {os.cpu_count()} cores, {total_kb / 1024 / 1024:.0f} GB RAM, "
        f"Python {platform.python_version()}"
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import User

    from citymgmt.exports import services
    from citymgmt.exports.models import ExportJob

    setup = peak_mb()
    user = masked_user() if args.masked else User.objects.get(username=args.user)
    job = ExportJob.objects.create(
        requested_by=user,
        kind="complaints",
        query=args.query,
        format=args.format,
        is_async=True,
    )
    if args.writer == "xlsxwriter-api":
        use_cell_api()
    started = time.perf_counter()
    if args.path == "instances":
        rows, path = instances_path(job)
        status = "done"
    else:
        job = services.export_write(job_id=job.pk)
        rows, status = job.rows_written, job.status
        path = services.export_root() / job.file if job.file else None
    seconds = time.perf_counter() - started
    size = path.stat().st_size / 1024 / 1024 if path else 0.0
    if path:
        path.unlink()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": rows,
                "peak_mb": peak_mb(),
                "setup_mb": setup,
                "file_mb": size,
                "status": status,
            }
        )
    )


def use_cell_api() -> None:
    """Write xlsx rows through xlsxwriter's own cell calls (for comparison)."""
    from datetime import date, datetime
    from decimal import Decimal

    from citymgmt.exports import writers

    def write(self, cells) -> None:
        self.row += 1
        sheet = self.sheet
        for col, value in enumerate(cells):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(self.row, col, value)
            elif isinstance(value, datetime):
                sheet.write_datetime(self.row, col, value, self.api_datetime)
            elif isinstance(value, date):
                sheet.write_datetime(self.row, col, value, self.api_date)
            elif isinstance(value, bool):
                sheet.write_boolean(self.row, col, value)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(self.row, col, float(value))
            else:
                sheet.write_string(self.row, col, str(value))

    original = writers.XlsxSheet.__init__

    def init(self, path, *, title, headers) -> None:
        original(self, path, title=title, headers=headers)
        self.api_datetime = self.workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.api_date = self.workbook.add_format({"num_format": "yyyy-mm-dd"})

    writers.XlsxSheet.__init__ = init
    writers.XlsxSheet.write = write


def masked_user():
    """A dispatcher's scope (every unit) without the dispatcher's permissions.

    Bench-only: no role of the project sees every case without also being
    allowed to reveal phones; this isolates the cost of the reveal events.
    """
    from django.contrib.auth.models import User

    from squads.models import Member

    user, _ = User.objects.get_or_create(
        username="bench_export_masked", defaults={"is_staff": True}
    )
    Member.objects.get_or_create(
        user=user, defaults={"full_name": "导出测试", "role": "dispatcher"}
    )
    return user


def instances_path(job) -> tuple[int, Path]:
    """import-export's per-row path: a Complaint (and its joins) per row."""
    from django.utils import translation

    from citymgmt.exports import services
    from citymgmt.exports.lists import admin_list_queryset
    from citymgmt.exports.registry import KINDS
    from citymgmt.exports.writers import open_sheet

    spec = KINDS[job.kind]
    with translation.override(job.language):
        rows = admin_list_queryset(
            model=spec.model, user=job.requested_by, query=job.query
        ).select_related("category", "street", "community", "squad", "assignee")
        resource = spec.resource(reveal_phones=False)
        path = services.export_root() / f"instances-{job.pk}.{job.format}"
        path.parent.mkdir(parents=True, exist_ok=True)
        sheet = open_sheet(
            job.format, path, title=str(spec.label), headers=resource.headers()
        )
        count = 0
        for complaint in rows.iterator(chunk_size=2000):
            sheet.write(resource.export_resource(complaint))
            count += 1
        sheet.close()
    return count, path


if __name__ == "__main__":
    main()
