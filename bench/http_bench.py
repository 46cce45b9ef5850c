"""Measure CityDesk under gunicorn against the database bench/load_complaints.py made.

Run by hand, never from the test suite:

    .venv/bin/python bench/http_bench.py --database citydesk_bench

It migrates the database and collects static files with the production
settings, starts gunicorn (4 workers) on 127.0.0.1, and measures with a pool
of HTTP clients (http.client, one keep-alive connection per thread):

  (a) POST /api/v1/complaints/ (public filing, JSON, no photos): requests per
      second, p50 and p99, at concurrency 8;
  (b) GET /api/v1/complaints/?status=processing, the first page, as the
      dispatcher (session login through /admin/login/), p50 and p99;
  (c) the admin changelist /admin/complaints/complaint/ as the dispatcher and
      as a squad leader, with and without a status filter, p50 and p99.

Then it counts the SQL queries of each read once, through Django's test
client inside this machine's Python (the same code, the same database), with
two page sizes, and prints everything as a Markdown table. With
--compare-database it also counts against a second (smaller) database, which
shows whether the count depends on the table size.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PASSWORD = "citydesk-demo"  # noqa: S105 (the published demo password of seed_demo)
CATEGORIES = ["09006", "09005", "09009", "09010", "06028", "06010", "07001"]
COMMUNITIES = [f"37078100{s}00{n}" for s in (1, 2, 3, 4) for n in (1, 2, 3, 4)]

# The reads: (label, user, path). Status filters are the screens used most.
READS = [
    (
        "(b) list API, dispatcher, status=processing",
        "dispatcher",
        "/api/v1/complaints/?status=processing",
    ),
    ("list API, dispatcher, no filter", "dispatcher", "/api/v1/complaints/"),
    (
        "list API, leader, status=processing",
        "leader",
        "/api/v1/complaints/?status=processing",
    ),
    ("(c) changelist, dispatcher", "dispatcher", "/admin/complaints/complaint/"),
    (
        "(c) changelist, dispatcher, status=processing",
        "dispatcher",
        "/admin/complaints/complaint/?status__exact=processing",
    ),
    ("(c) changelist, leader", "leader", "/admin/complaints/complaint/"),
    (
        "(c) changelist, leader, status=processing",
        "leader",
        "/admin/complaints/complaint/?status__exact=processing",
    ),
]


def environment(args: argparse.Namespace, database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "citymgmt.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "0123456789" * 4,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CACHE_URL": "redis://127.0.0.1:6379/2",
        # Neither the intake limit nor DRF's throttles may stop the benchmark.
        "COMPLAINT_SUBMIT_RATE": "1000000/60",
        "API_ANON_RATE": "1000000/min",
        "API_USER_RATE": "1000000/min",
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        "LOG_LEVEL": "WARNING",
    }


# -- HTTP clients -------------------------------------------------------------


@dataclass
class Result:
    label: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    request: str = ""

    def percentile(self, q: float) -> float:
        values = sorted(self.latencies)
        if not values:
            return math.nan
        return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


class Client:
    """One keep-alive connection per thread, with the session's cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.local = threading.local()

    def connection(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.local.conn = conn
        return conn

    def request(
        self, method: str, path: str, body: bytes | None = None, headers=None
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            conn = self.connection()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, data, response

    def login(self, username: str) -> None:
        status, page, _ = self.request("GET", "/admin/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or match is None:
            sys.exit(f"no login form at /admin/login/ (HTTP {status})")
        form = urlencode(
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": match.group(1).decode(),
                "next": "/admin/",
            }
        ).encode()
        status, page, _ = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            sys.exit(f"{username} could not log in (HTTP {status}): {page[:300]!r}")


def measure(label: str, count: int, concurrency: int, call) -> Result:
    """Run call(i) count times on a pool; call returns an error text or None."""
    result = Result(label, concurrency)
    lock = threading.Lock()

    def one(i: int) -> None:
        started = time.perf_counter()
        error = call(i)
        elapsed = time.perf_counter() - started
        with lock:
            if error:
                result.errors.append(error)
            else:
                result.latencies.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(count)))
    result.seconds = time.perf_counter() - started
    return result


def submission(rng: random.Random, i: int) -> bytes:
    return json.dumps(
        {
            "category": rng.choice(CATEGORIES),
            "description": f"压测工单 {i}：西苑路人行道上有摊贩占道经营。",
            "address": f"青州市王府街道西苑路{i % 300 + 1}号附近",
            "community": rng.choice(COMMUNITIES),
            "phone": f"139{rng.randrange(100_000_000):08d}",
            "citizen_name": "压测",
            "consent": True,
        },
        ensure_ascii=False,
    ).encode()


def run_http(args: argparse.Namespace) -> list[Result]:
    port = args.port
    rng = random.Random(20261123)
    results = []
    public = Client(port)

    def post(i: int) -> str | None:
        body = submission(rng, i)
        status, data, _ = public.request(
            "POST", "/api/v1/complaints/", body, {"Content-Type": "application/json"}
        )
        return None if status == 201 else f"HTTP {status}: {data[:200]!r}"

    measure("warm-up", 40, args.concurrency, post)
    result = measure("(a) public filing", args.submissions, args.concurrency, post)
    result.request = "POST /api/v1/complaints/ (JSON, anonymous)"
    results.append(result)
    report_progress(result)

    clients = {}
    for username in ("dispatcher", "leader"):
        clients[username] = Client(port)
        clients[username].login(username)
    for label, username, path in READS:
        client = clients[username]

        def get(_i: int, client=client, path=path) -> str | None:
            status, data, _ = client.request("GET", path)
            return None if status == 200 else f"HTTP {status}: {data[:200]!r}"

        count = args.api_requests if path.startswith("/api/") else args.admin_requests
        measure("warm-up", 10, args.read_concurrency, get)
        result = measure(label, count, args.read_concurrency, get)
        result.request = f"GET {path} ({username})"
        results.append(result)
        report_progress(result)
    return results


def report_progress(result: Result) -> None:
    print(
        f"  {result.label}: {len(result.latencies)} ok, {len(result.errors)} errors, "
        f"p50 {result.percentile(0.5) * 1000:.0f} ms",
        file=sys.stderr,
        flush=True,
    )
    if result.errors:
        print(f"    first error: {result.errors[0]}", file=sys.stderr)


# -- gunicorn -----------------------------------------------------------------


def start_gunicorn(args: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(VENV / "gunicorn"),
            "citymgmt.wsgi:application",
            f"--workers={args.workers}",
            f"--bind=127.0.0.1:{args.port}",
            "--log-level=warning",
            "--timeout=120",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            conn.request("GET", "/api/v1/categories/")
            conn.getresponse().read()
            return process
        except OSError:
            if process.poll() is not None:
                sys.exit("gunicorn exited at start")
            time.sleep(0.5)
    stop(process)
    sys.exit("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# -- query counts (runs in a child process with the bench settings) --------------


def count_queries() -> None:
    """Print {label: {page size: [queries, SQL ms]}} as JSON, for each read."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    from complaints.models import Complaint

    users = get_user_model().objects
    clients = {}
    for username in ("dispatcher", "leader"):
        clients[username] = TestClient()
        clients[username].force_login(users.get(username=username))
    changelist = admin.site._registry[Complaint]
    out: dict[str, dict[str, list]] = {}
    for label, username, path in READS:
        for size in (10, 50, 200):
            if path.startswith("/api/"):
                sep = "&" if "?" in path else "?"
                url = f"{path}{sep}page_size={size}"
            else:
                url = path
                changelist.list_per_page = size
            clients[username].get(url)  # warm the caches (sessions, members)
            with CaptureQueriesContext(connection) as ctx:
                response = clients[username].get(url)
            if response.status_code != 200:
                print(f"{url}: HTTP {response.status_code}", file=sys.stderr)
            sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
            out.setdefault(label, {})[str(size)] = [len(ctx), round(sql_ms, 1)]
    print(json.dumps(out))


def queries_for(args: argparse.Namespace, database: str) -> dict:
    env = environment(args, database)
    done = subprocess.run(
        [str(VENV / "python"), __file__, "--count-queries"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    if done.stderr.strip():
        print(done.stderr.strip(), file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- report -------------------------------------------------------------------


def table(results: list[Result], counts: dict[str, dict], args) -> str:
    lines = [
        "| measurement | request | requests | concurrency | req/s | p50 ms | p99 ms "
        "| errors | queries (page 10 / 50 / 200) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        query = ""
        for database, per_read in counts.items():
            sizes = per_read.get(r.label, {})
            if sizes:
                numbers = " / ".join(str(sizes[s][0]) for s in ("10", "50", "200"))
                query += f"{numbers} ({database}) "
        ok = len(r.latencies)
        lines.append(
            f"| {r.label} | `{r.request}` | {ok + len(r.errors)} | {r.concurrency} "
            f"| {ok / r.seconds:.1f} | {r.percentile(0.5) * 1000:.0f} "
            f"| {r.percentile(0.99) * 1000:.0f} | {len(r.errors)} | {query.strip()} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="citydesk_bench")
    parser.add_argument(
        "--compare-database",
        help="also count queries against this (smaller) database",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--api-requests", type=int, default=200)
    parser.add_argument("--admin-requests", type=int, default=100)
    parser.add_argument(
        "--read-concurrency",
        type=int,
        default=1,
        help="clients for the reads (1: the latency one user sees)",
    )
    parser.add_argument("--count-queries", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_queries:
        count_queries()
        return

    env = environment(args, args.database)
    manage = [str(VENV / "python"), "manage.py"]
    # Production settings serve hashed names from STATIC_ROOT: collect them for
    # the run, and leave no stale copy behind for `make run` and the tests.
    static_root = ROOT / "staticfiles"
    collected = not static_root.exists()
    subprocess.run(
        [*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    counts = {args.database: queries_for(args, args.database)}
    if args.compare_database:
        counts[args.compare_database] = queries_for(args, args.compare_database)
    process = start_gunicorn(args, env)
    try:
        results = run_http(args)
    finally:
        stop(process)
        if collected:
            shutil.rmtree(static_root, ignore_errors=True)
    print(table(results, counts, args))
    for database, per_read in counts.items():
        print(f"\nSQL per request on {database} (queries, SQL ms) by page size:")
        for label, sizes in per_read.items():
            print(f"  {label}: {sizes}")


if __name__ == "__main__":
    main()
