"""Shared fixtures: a small unit tree, the staff personas, and the real services.

Also the helpers several packages use: Celery apps configured like the
project's, a local SMS gateway, waiting for a worker.

With REQUIRE_SERVICES=1 (set by .ci/run) a test that needs PostgreSQL or
Redis fails when the service is missing; without it, such a test skips with
the reason. REQUIRE_BROWSER=1 does the same for Chromium.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from celery import Celery
from django.core.cache import cache
from django.db import connection
from django.test import Client

from squads.models import Area, Member, Squad
from tests.squads.factories import (
    CommunityFactory,
    DistrictFactory,
    SquadFactory,
    StreetFactory,
    contact_card_publish,
    make_member,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Request headers that ask for an English answer.
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# A broker nobody listens on: publishing fails at once.
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


def _required(name: str) -> bool:
    return os.environ.get(name, "") == "1"


def need(condition: bool, reason: str, *, env: str = "REQUIRE_SERVICES") -> None:
    """Skip without the service, or fail when the environment requires it."""
    if condition:
        return
    if _required(env):
        pytest.fail(f"{reason} ({env}=1 forbids skipping)")
    pytest.skip(reason)


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _fresh_reference_data():
    """Reference data is kept per process; each test reads its own tables."""
    from citymgmt import refdata

    refdata.forget()
    yield
    refdata.forget()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """The working-day calendar is cached per process; tests start without it."""
    from citymgmt.workdays.calendar import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture(autouse=True)
def _fresh_pages():
    """Pages drawn once per language are drawn again in each test."""
    from citymgmt import pagecache

    pagecache.clear()
    yield
    pagecache.clear()


@pytest.fixture
def calendar_2026(db):
    """2025 and 2026 holidays and make-up days, as `load_holidays` loads them.

    They come from chinese-calendar through the service; the cached years are
    forgotten before and after, so rows rolled back with a test are not seen.
    """
    from citymgmt.workdays.calendar import clear_cache
    from citymgmt.workdays.services import calendar_load_year

    clear_cache()
    calendar_load_year(2025)
    calendar_load_year(2026)
    clear_cache()
    yield
    clear_cache()


@pytest.fixture(autouse=True)
def _reference_data(request) -> None:
    """Put back what migrations seed: a transactional test starts after a flush."""
    if not _transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from campaigns.metric_data import seed_metrics
    from complaints.category_data import seed_categories
    from complaints.deadline_rules_data import seed_deadline_rules
    from squads.roles import sync_role_groups

    seed_categories(apps)
    seed_deadline_rules(apps)
    seed_metrics(apps)
    sync_role_groups(apps)


@pytest.fixture
def empty_cache():
    """Rate limits and throttles count in the cache: start, and leave, it empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media_root(settings, tmp_path) -> None:
    """Uploaded files go to the test's own folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def require_postgres(db) -> None:
    need(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    need(url.startswith("redis://"), "needs Redis (set CELERY_BROKER_URL=redis://...)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        need(False, f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def redis_broker(redis_url, monkeypatch) -> str:
    """The test Redis, with each test app using the broker it is given."""
    # Celery prefers the environment's broker over an app's configuration.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    return redis_url


def project_app(**overrides) -> Celery:
    """A fresh Celery app configured like the project's, with some values changed."""
    fresh = Celery("citymgmt", set_as_current=False)
    fresh.config_from_object("django.conf:settings", namespace="CELERY")
    fresh.conf.update(overrides)
    return fresh


def outer_table(sql: str) -> str:
    """The table a statement reads FROM, outside its subqueries."""
    depth, outside = 0, []
    for char in sql:
        depth += char == "("
        if depth == 0:
            outside.append(char)
        depth -= char == ")"
    head = "".join(outside)
    return head.split(" FROM ", 1)[1].split()[0].strip('"') if " FROM " in head else ""


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> bool:
    """Poll condition until it holds or the seconds run out; its last answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def gateway(settings):
    """A local SMS gateway, and the settings that send through it."""
    from tests.notifications.gateway import Gateway

    stand_in = Gateway()
    server = stand_in.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = stand_in.url
    settings.SMS_GATEWAY_KEY = "test-key-123"
    settings.SMS_GATEWAY_TIMEOUT = 1
    yield stand_in
    stand_in.release.set()  # answer requests still held
    server.shutdown()
    server.server_close()


@dataclass
class Tree:
    district: Area
    street: Area
    other_street: Area
    brigade: Squad
    unit_a: Squad
    team_a1: Squad
    unit_b: Squad
    community_a: Area
    community_a1: Area
    community_b: Area


@pytest.fixture
def tree(db) -> Tree:
    """A brigade; squadron A with team A1, and squadron B; a community each."""
    district = DistrictFactory()
    street = StreetFactory(parent=district, code="370781001", name="王府街道")
    other_street = StreetFactory(parent=district, code="370781002", name="益都街道")
    brigade = SquadFactory(code="DD", name="青州市综合行政执法大队", area=district)
    unit_a = SquadFactory(
        code="ZD1",
        name="城区一中队",
        kind=Squad.Kind.SQUADRON,
        parent=brigade,
        area=street,
    )
    team_a1 = SquadFactory(
        code="ZD1-1",
        name="城区一中队一分队",
        kind=Squad.Kind.TEAM,
        parent=unit_a,
        area=street,
    )
    unit_b = SquadFactory(
        code="ZD2",
        name="城区二中队",
        kind=Squad.Kind.SQUADRON,
        parent=brigade,
        area=other_street,
    )
    community_a = CommunityFactory(
        parent=street, code="370781001001", name="西苑社区", covering_squad=unit_a
    )
    community_a1 = CommunityFactory(
        parent=street, code="370781001002", name="滨湖社区", covering_squad=team_a1
    )
    community_b = CommunityFactory(
        parent=other_street, code="370781002001", name="圣水社区", covering_squad=unit_b
    )
    return Tree(
        district,
        street,
        other_street,
        brigade,
        unit_a,
        team_a1,
        unit_b,
        community_a,
        community_a1,
        community_b,
    )


def _persona(username: str, role: str, squad: Squad | None, name: str, phone: str):
    return make_member(
        username=username, role=role, squad=squad, full_name=name, phone=phone
    ).user


@pytest.fixture
def squad_leader(tree: Tree):
    return _persona(
        "leader_a", Member.Role.SQUAD_LEADER, tree.unit_a, "孙队长", "13805360001"
    )


@pytest.fixture
def instructor(tree: Tree):
    return _persona(
        "instructor_a", Member.Role.INSTRUCTOR, tree.unit_a, "李指导员", "13805360002"
    )


@pytest.fixture
def other_squad_leader(tree: Tree):
    return _persona(
        "leader_b", Member.Role.SQUAD_LEADER, tree.unit_b, "王队长", "13805360003"
    )


@pytest.fixture
def officer(tree: Tree):
    return _persona(
        "officer_a", Member.Role.OFFICER, tree.unit_a, "赵队员", "13805360004"
    )


@pytest.fixture
def dispatcher(tree: Tree):
    return _persona("dispatcher", Member.Role.DISPATCHER, None, "钱受理", "13805360005")


@pytest.fixture
def supervisor(tree: Tree):
    return _persona("supervisor", Member.Role.SUPERVISOR, None, "周督查", "13805360006")


@pytest.fixture
def users(
    dispatcher, squad_leader, instructor, officer, supervisor, other_squad_leader
) -> dict:
    """The staff personas by role, for tests that hand a case from one to another."""
    return {
        "dispatcher": dispatcher,
        "squad_leader": squad_leader,
        "instructor": instructor,
        "officer": officer,
        "supervisor": supervisor,
        "other_squad_leader": other_squad_leader,
    }


@pytest.fixture
def citizen() -> Client:
    return Client()


@pytest.fixture
def client_for():
    def make(user) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def published_card(tree: Tree, squad_leader, instructor):
    return contact_card_publish(squad=tree.unit_a)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    found = shutil.which(CHROMIUM) or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    need(
        found is not None,
        f"needs Debian's chromium at {CHROMIUM}",
        env="REQUIRE_BROWSER",
    )
    return found  # type: ignore[return-value]


@pytest.fixture(scope="session")
def browser(chromium_path):
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # calls from the same thread are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=chromium_path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=1
    )
    page = context.new_page()
    yield page
    context.close()
