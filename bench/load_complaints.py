"""Load a PostgreSQL database with the demo city and N complaints with their events.

Run by hand, never from the test suite:

    .venv/bin/python bench/load_complaints.py --rows 1000000 --database citydesk_bench

It creates (or reuses) the database, migrates it, runs `seed_demo` (the demo
city and its 200 demo complaints), then streams N complaints over about
three years and their events (the same steps the workflow service writes)
into PostgreSQL with COPY, in chunks. Each case's working durations (to
accept, to dispose) are worked out from its steps on the database's
working-day calendar, as the services store them
(complaints.deadlines.durations).
Secondary indexes are dropped for the load and rebuilt once at the end,
inside the same transaction (DDL is transactional: a failed load leaves the
database as it was). Foreign-key triggers are skipped for the session
(`session_replication_role = replica`, which needs a superuser); CHECK and
UNIQUE constraints are still enforced.
Finally VACUUM ANALYZE, as autovacuum would do on a live system.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg2
from psycopg2.extras import execute_values

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
LOCAL = ZoneInfo("Asia/Shanghai")
SEED = 20261123

# The workflow's target status for each action (complaints.workflow.TRANSITIONS).
TARGET = {
    "submit": "submitted",
    "accept": "registered",
    "dispatch": "dispatched",
    "sign": "processing",
    "assign": None,
    "dispose": "disposed",
    "verify": "closed",
    "rework": "processing",
    "reject": "rejected",
    "merge": "duplicate",
    "cancel": "cancelled",
    "rate": None,
}
NOT_PUBLIC = {"assign", "return"}
# Delay before each action in seconds: (shortest, longest).
DELAY = {
    "accept": (600, 4 * 3600),
    "dispatch": (300, 2 * 3600),
    "sign": (900, 6 * 3600),
    "assign": (120, 1800),
    "dispose": (3 * 3600, 5 * 86400),
    "verify": (2 * 3600, 2 * 86400),
    "rework": (2 * 3600, 86400),
    "reject": (1200, 4 * 3600),
    "merge": (1800, 6 * 3600),
    "cancel": (3600, 2 * 86400),
    "rate": (3600, 3 * 86400),
}
# Submissions per hour of the day (relative).
HOURS = [1, 1, 0, 0, 0, 1, 3, 6, 9, 10, 10, 8, 6, 7, 8, 9, 9, 10, 9, 8, 7, 5, 3, 2]
CHANNELS = [
    ("web", 40),
    ("hotline_12345", 30),
    ("phone", 10),
    ("walk_in", 5),
    ("patrol", 10),
    ("open311", 5),
]
CATEGORY_WEIGHTS = {
    "09006": 14,
    "09009": 10,
    "09005": 8,
    "09010": 7,
    "06028": 7,
    "06010": 6,
    "06029": 5,
    "09001": 5,
    "07001": 5,
    "06036": 5,
    "06042": 4,
    "08001": 4,
}  # every other category: 1
REQUEST_TYPES = [
    ("complaint", 70),
    ("report", 15),
    ("help", 7),
    ("inquiry", 4),
    ("suggestion", 4),
]
DESCRIPTIONS = [
    "{road}{n}号附近有摊贩在人行道上摆摊，行人只能走机动车道。",
    "{road}{n}号的饭店把桌椅摆到店外人行道上经营，晚上很晚才收。",
    "{road}公交站附近电动车乱停，把站台都堵住了。",
    "{road}{n}号楼下人行道上长期停着私家车，盲道被占。",
    "{road}{n}号商铺门口用大喇叭循环播放广告，影响居民休息。",
    "每晚{road}路边有露天烧烤，烟熏得楼上住户不敢开窗。",
    "{road}{n}号附近绿化带里堆着生活垃圾，好几天没人清理。",
    "{road}一带的电线杆和墙面被贴满了小广告。",
    "{road}附近工地晚上十点以后还在施工，噪音很大。",
    "渣土车在{road}上行驶没有密闭，沿路撒漏泥土。",
]
ROADS = ["范公亭路", "云门山路", "海岱路", "驼山路", "昭德路", "北关路", "西苑路"]
RESOLUTIONS = {
    "service": "队员到场宣传劝导，当事人已自行整改，现场恢复正常。",
    "management": "已下达责令限期整改通知书，当事人整改完毕，队员复查合格。",
    "enforcement": "经劝导拒不整改，依法立案查处，现场已清理。",
}
NAMES = ["王先生", "李女士", "张先生", "刘女士", "陈先生", "杨女士", "赵先生"]
PREFIXES = ["138", "139", "135", "150", "158", "186", "187", "199"]


@dataclass
class City:
    categories: list[tuple[int, str, str, str]]  # id, code, referral, priority
    weights: list[int]
    communities: list[tuple[int, int, int, str]]  # id, street, squad, name
    crew: dict[int, dict[str, tuple[int, int]]]  # squad -> role -> (member, user)
    squads: dict[int, tuple[str, str]]  # id -> code, name
    dispatcher: int
    supervisor: int


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", default="citydesk_bench")
    parser.add_argument("--drop", action="store_true", help="drop it first")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5432")
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--chunk", type=int, default=100_000)
    args = parser.parse_args()

    started = time.monotonic()
    prepare_database(args)
    url = f"postgres://{args.user}@{args.host}:{args.port}/{args.database}"
    manage(url, "migrate", "--noinput", "--verbosity=0")
    manage(url, "seed_demo")
    setup_django(url)
    print(f"migrated and seeded in {time.monotonic() - started:.1f} s", flush=True)

    loaded = time.monotonic()
    conn = psycopg2.connect(
        host=args.host, port=args.port, user=args.user, dbname=args.database
    )
    complaints, events = load(conn, args)
    load_seconds = time.monotonic() - loaded
    conn.autocommit = True
    vacuumed = time.monotonic()
    with conn.cursor() as cursor:
        for table in ("complaints_complaint", "complaints_complaintevent"):
            cursor.execute(f"VACUUM ANALYZE {table}")  # noqa: S608 (fixed names)
        cursor.execute("SELECT count(*) FROM complaints_complaint")
        (total,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM complaints_complaintevent")
        (total_events,) = cursor.fetchone()
    conn.close()
    print(
        f"loaded {complaints:,} complaints and {events:,} events in "
        f"{load_seconds:.1f} s (COPY and index builds); VACUUM ANALYZE "
        f"{time.monotonic() - vacuumed:.1f} s; total {time.monotonic() - started:.1f} s"
    )
    print(f"the database now holds {total:,} complaints and {total_events:,} events")


def prepare_database(args: argparse.Namespace) -> None:
    conn = psycopg2.connect(
        host=args.host, port=args.port, user=args.user, dbname="postgres"
    )
    conn.autocommit = True
    name = args.database
    if not name.replace("_", "").isalnum():
        sys.exit(f"unusual database name {name!r}: letters, digits and _ only")
    with conn.cursor() as cursor:
        if args.drop:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
        else:
            print(f"reusing database {name}")
    conn.close()


def setup_django(url: str) -> None:
    """Django in this process, on the bench database: its working-day calendar."""
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="citymgmt.settings.local",
        MEDIA_ROOT=str(ROOT / "var" / "bench-media"),
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(url: str, *command: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "citymgmt.settings.local",
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
    }
    subprocess.run([str(PYTHON), "manage.py", *command], cwd=ROOT, env=env, check=True)


def read_city(cursor) -> City:
    cursor.execute(
        "SELECT id, code, referral_to, default_priority FROM complaints_category "
        "WHERE is_active ORDER BY code"
    )
    categories = cursor.fetchall()
    weights = [
        CATEGORY_WEIGHTS.get(code, 2 if referral else 1)
        for _id, code, referral, _p in categories
    ]
    cursor.execute(
        "SELECT id, parent_id, covering_squad_id, name FROM squads_area "
        "WHERE level = 'community' AND covering_squad_id IS NOT NULL ORDER BY code"
    )
    communities = cursor.fetchall()
    cursor.execute(
        "SELECT id, user_id, squad_id, role FROM squads_member "
        "WHERE is_active ORDER BY id"
    )
    crew: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    desk: dict[str, int] = {}
    for member_id, user_id, squad_id, role in cursor.fetchall():
        if squad_id is None:
            desk.setdefault(role, user_id)
        else:
            crew[squad_id].setdefault(role, (member_id, user_id))
    cursor.execute("SELECT id, code, name FROM squads_squad")
    squads = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
    if not categories or not communities or "dispatcher" not in desk:
        sys.exit("the demo city is missing: did seed_demo run?")
    return City(
        categories,
        weights,
        communities,
        crew,
        squads,
        desk["dispatcher"],
        desk.get("supervisor", desk["dispatcher"]),
    )


def load(conn, args: argparse.Namespace) -> tuple[int, int]:
    """COPY the complaints and events in one transaction; return the counts."""
    rng = random.Random(SEED)
    with conn.cursor() as cursor:
        city = read_city(cursor)
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SELECT COALESCE(max(id), 0) FROM complaints_complaint")
        (last_id,) = cursor.fetchone()
        cursor.execute("SELECT day, last FROM complaints_dailysequence")
        sequences: dict[date, int] = dict(cursor.fetchall())
        indexes = drop_indexes(cursor)
        generator = Generator(rng, city, last_id, sequences, args)
        complaints = events = 0
        for chunk, (rows, trail) in enumerate(generator.chunks(), start=1):
            cursor.copy_expert(
                f"COPY complaints_complaint ({', '.join(COMPLAINT_COLUMNS)}) "
                "FROM STDIN",
                rows,
            )
            cursor.copy_expert(
                f"COPY complaints_complaintevent ({', '.join(EVENT_COLUMNS)}) "
                "FROM STDIN",
                trail,
            )
            complaints += generator.last_chunk_rows
            events += generator.last_chunk_events
            print(
                f"  chunk {chunk}: {complaints:,} complaints, {events:,} events",
                flush=True,
            )
        rebuilt = time.monotonic()
        for statement in indexes:
            cursor.execute(statement)
        print(
            f"  rebuilt {len(indexes)} indexes in {time.monotonic() - rebuilt:.1f} s",
            flush=True,
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('complaints_complaint', 'id'), "
            "(SELECT max(id) FROM complaints_complaint))"
        )
        execute_values(
            cursor,
            "INSERT INTO complaints_dailysequence (day, last) VALUES %s "
            "ON CONFLICT (day) DO UPDATE SET last = GREATEST("
            "complaints_dailysequence.last, EXCLUDED.last)",
            sorted(generator.sequences.items()),
        )
    conn.commit()
    return complaints, events


def drop_indexes(cursor) -> list[str]:
    """Drop the indexes that back no constraint; return how to rebuild them."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public'
          AND i.tablename IN ('complaints_complaint', 'complaints_complaintevent')
          AND NOT EXISTS (
              SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        ORDER BY i.indexname
        """
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


COMPLAINT_COLUMNS = [
    "id",
    "reference",
    "channel",
    "request_type",
    "description",
    "address",
    "latitude",
    "longitude",
    "citizen_name",
    "phone",
    "is_anonymous",
    "consent_at",
    "status",
    "priority",
    "referral_to",
    "resolution",
    "method",
    "satisfaction",
    "rework_count",
    "reopen_count",
    "extension_count",
    "tracking_failures",
    "submitted_at",
    "accepted_at",
    "dispatched_at",
    "signed_at",
    "disposed_at",
    "closed_at",
    "rated_at",
    "updated_at",
    "assignee_id",
    "category_id",
    "community_id",
    "created_by_id",
    "duplicate_of_id",
    "squad_id",
    "street_id",
    "accept_working_seconds",
    "dispose_working_seconds",
]
EVENT_COLUMNS = [
    "complaint_id",
    "action",
    "from_status",
    "to_status",
    "role",
    "opinion",
    "is_public",
    "payload",
    "created_at",
    "actor_id",
]
NULL = "\\N"


CHANNEL_NAMES = [c for c, _w in CHANNELS]
REQUEST_TYPE_NAMES = [r for r, _w in REQUEST_TYPES]


def cumulative(weights: list[int]) -> list[int]:
    total, result = 0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


def stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


class Generator:
    """Complaints in submission order, with the events their workflow wrote."""

    def __init__(self, rng, city: City, last_id: int, sequences, args) -> None:
        self.rng = rng
        self.city = city
        self.next_id = last_id + 1
        self.sequences = sequences
        self.rows = args.rows
        self.chunk = args.chunk
        self.now = time.time()
        self.days = max(1, round(args.years * 365))
        self.last_in_community: dict[int, tuple[int, float, str]] = {}
        self.category_weights = cumulative(city.weights)
        self.channel_weights = cumulative([w for _c, w in CHANNELS])
        self.request_weights = cumulative([w for _r, w in REQUEST_TYPES])
        self.last_chunk_rows = 0
        self.last_chunk_events = 0
        self.dispatch_payload = {
            squad: json.dumps(
                {"squad": {"code": code, "name": name}}, ensure_ascii=False
            )
            for squad, (code, name) in city.squads.items()
        }
        self.texts = [
            text.format(road=road, n=n)
            for text in DESCRIPTIONS
            for road in ROADS
            for n in range(1, 300, 7)
        ]

    def submission_times(self):
        """Every submission second, oldest first, about evenly over the days."""
        rng = self.rng
        today = datetime.fromtimestamp(self.now, LOCAL).date()
        per_day = Counter(rng.randrange(self.days) for _ in range(self.rows))
        hours = list(range(24))
        for back in range(self.days - 1, -1, -1):
            day = today - timedelta(days=back)
            midnight = datetime(day.year, day.month, day.day, tzinfo=LOCAL).timestamp()
            count = per_day.get(back, 0)
            chosen = rng.choices(hours, weights=HOURS, k=count)
            raw = (midnight + h * 3600 + rng.random() * 3600 for h in chosen)
            # Today's cases come from earlier today, never from the future.
            elapsed = self.now - midnight
            times = sorted(
                at if at < self.now else midnight + rng.random() * elapsed for at in raw
            )
            for at in times:
                yield day, at

    def chunks(self):
        rows, trail = io.StringIO(), io.StringIO()
        n = events = 0
        for day, at in self.submission_times():
            events += self.complaint(day, at, rows, trail)
            n += 1
            if n == self.chunk:
                yield self.flush(rows, trail, n, events)
                rows, trail = io.StringIO(), io.StringIO()
                n = events = 0
        if n:
            yield self.flush(rows, trail, n, events)

    @staticmethod
    def durations(steps: list[tuple[str, float]]) -> tuple[str, str]:
        """The case's working seconds to accept and to dispose, as COPY text."""
        from complaints.deadlines.durations import from_history

        found = from_history(
            (action, datetime.fromtimestamp(at, UTC)) for action, at in steps
        )
        return tuple(  # type: ignore[return-value]
            NULL if found[name] is None else str(found[name])
            for name in ("accept_working_seconds", "dispose_working_seconds")
        )

    def flush(self, rows, trail, n, events):
        rows.seek(0)
        trail.seek(0)
        self.last_chunk_rows, self.last_chunk_events = n, events
        return rows, trail

    def complaint(self, day: date, submitted: float, rows, trail) -> int:
        rng = self.rng
        city = self.city
        pk = self.next_id
        self.next_id += 1
        number = self.sequences.get(day, 0) + 1
        self.sequences[day] = number
        reference = f"{day:%Y%m%d}-{number:04d}"
        category_id, code, referral, priority = rng.choices(
            city.categories, cum_weights=self.category_weights
        )[0]
        community, street, squad, community_name = rng.choice(city.communities)
        crew = city.crew.get(squad, {})
        leader = crew.get("squad_leader") or crew.get("instructor")
        officer = crew.get("officer")
        channel = rng.choices(CHANNEL_NAMES, cum_weights=self.channel_weights)[0]
        request_type = rng.choices(
            REQUEST_TYPE_NAMES, cum_weights=self.request_weights
        )[0]

        # The path the case takes; the clock cuts it where "now" is.
        roll = rng.random()
        duplicate_of = self.last_in_community.get(community)
        if referral and roll < 0.8:
            plan = ["reject"]
        elif roll < 0.05 and duplicate_of and duplicate_of[1] > submitted - 72 * 3600:
            plan = ["merge"]
        elif roll < 0.06:
            plan = ["accept", "cancel"] if roll < 0.055 else ["cancel"]
        else:
            plan = ["accept", "dispatch", "sign"]
            if officer and rng.random() < 0.6:
                plan.append("assign")
            plan.append("dispose")
            if rng.random() < 0.03:
                plan += ["rework", "dispose"]
            plan.append("verify")
            if rng.random() < 0.6:
                plan.append("rate")
            if rng.random() < 0.01:  # a case that got stuck: still open today
                plan = plan[: rng.randint(1, len(plan) - 1)]
        if plan != ["merge"]:
            self.last_in_community[community] = (pk, submitted, reference)

        status = "submitted"
        times: dict[str, float] = {}
        steps: list[tuple[str, float]] = [("submit", submitted)]
        at = submitted
        for action in plan:
            low, high = DELAY[action]
            at += low + rng.random() * (high - low)
            if at > self.now:
                break
            steps.append((action, at))
            times[action] = at
            status = TARGET[action] or status

        method = resolution = satisfaction = ""
        assignee = created_by = duplicate = NULL
        if "dispose" in times:
            method = rng.choices(
                ["service", "management", "enforcement"], [55, 35, 10]
            )[0]
            resolution = RESOLUTIONS[method]
        if "rate" in times:
            satisfaction = "satisfied" if rng.random() < 0.8 else "basically"
        if "assign" in times and officer:
            assignee = str(officer[0])
        if status == "duplicate":
            duplicate = str(duplicate_of[0])
        if channel in ("hotline_12345", "phone", "walk_in"):
            created_by = str(city.dispatcher)
        elif channel == "patrol" and officer:
            created_by = str(officer[1])
        rework = 1 if "rework" in times else 0
        closing = next(
            (times[a] for a in ("verify", "reject", "merge", "cancel") if a in times),
            None,
        )
        latitude = longitude = NULL
        if channel == "web" and rng.random() < 0.5:
            latitude = f"{36.65 + rng.random() * 0.08:.6f}"
            longitude = f"{118.42 + rng.random() * 0.1:.6f}"
        anonymous = rng.random() < 0.1
        road = rng.choice(ROADS)

        def ts(action: str) -> str:
            return stamp(times[action]) if action in times else NULL

        submitted_at = stamp(submitted)
        rows.write(
            "\t".join(
                (
                    str(pk),
                    reference,
                    channel,
                    request_type,
                    rng.choice(self.texts),
                    f"青州市{community_name}{road}{rng.randint(1, 300)}号附近",
                    latitude,
                    longitude,
                    "" if anonymous else rng.choice(NAMES),
                    f"{rng.choice(PREFIXES)}{rng.randrange(100_000_000):08d}",
                    "t" if anonymous else "f",
                    submitted_at,
                    status,
                    priority,
                    referral if status == "rejected" else "",
                    resolution,
                    method,
                    satisfaction,
                    str(rework),
                    "0",
                    "0",
                    "0",
                    submitted_at,
                    ts("accept"),
                    ts("dispatch"),
                    ts("sign"),
                    stamp(times["dispose"])
                    if "dispose" in times and status != "processing"
                    else NULL,
                    stamp(closing) if closing else NULL,
                    ts("rate"),
                    stamp(steps[-1][1]),
                    assignee,
                    str(category_id),
                    str(community),
                    created_by,
                    duplicate,
                    str(squad),
                    str(street),
                    *self.durations(steps),
                )
            )
        )
        rows.write("\n")

        # The events, as complaints.services writes them.
        current = ""
        submit_role = {
            "hotline_12345": "dispatcher",
            "phone": "dispatcher",
            "walk_in": "dispatcher",
        }.get(channel, "officer" if created_by != NULL else "citizen")
        for action, moment in steps:
            target = TARGET[action] or current
            actor, role, opinion, payload = NULL, "citizen", "", "{}"
            if action == "submit":
                role = submit_role
                actor = created_by
                payload = f'{{"channel": "{channel}"}}'
            elif action in ("sign", "assign", "dispose") and leader:
                member = officer if action == "dispose" and assignee != NULL else leader
                actor, role = (
                    str(member[1]),
                    ("officer" if member is officer else "squad_leader"),
                )
                if action == "dispose":
                    opinion, payload = resolution, f'{{"method": "{method}"}}'
                elif action == "assign":
                    payload = '{"assignee": "demo"}'
            elif action == "cancel":
                actor, role, opinion = (
                    str(city.supervisor),
                    "supervisor",
                    "市民撤回诉求。",
                )
            elif action == "rate":
                payload = f'{{"satisfaction": "{satisfaction}"}}'
            else:
                actor, role = str(city.dispatcher), "dispatcher"
                if action == "dispatch":
                    payload = self.dispatch_payload[squad]
                elif action == "reject":
                    opinion = "不属城管职责，已告知市民办理渠道。"
                    payload = json.dumps({"referral_to": referral}, ensure_ascii=False)
                elif action == "rework":
                    opinion = "核查未整改到位，请继续处置。"
                elif action == "merge":
                    opinion = "与较早的工单为同一问题，合并处理。"
                    payload = f'{{"duplicate_of": "{duplicate_of[2]}"}}'
            trail.write(
                f"{pk}\t{action}\t{current}\t{target}\t{role}\t{opinion}\t"
                f"{'f' if action in NOT_PUBLIC else 't'}\t{payload}\t"
                f"{stamp(moment)}\t{actor}\n"
            )
            current = target
        return len(steps)


if __name__ == "__main__":
    main()
