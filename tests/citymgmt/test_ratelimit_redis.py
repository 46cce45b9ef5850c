"""On Redis, counting a request against a limit is one command, whatever the count."""

from __future__ import annotations

import shutil

import pytest
import redis
from django.core.cache import caches

from citymgmt import ratelimit
from citymgmt.env import read_cache
from tests.complaints.test_outages import OwnRedis
from tests.conftest import need


@pytest.fixture
def redis_cache(redis_url, settings, monkeypatch):
    """The default cache on a Redis of our own, so its command count is ours."""
    need(shutil.which("redis-server") is not None, "needs the redis-server binary")
    server = OwnRedis()
    monkeypatch.setenv("CACHE_URL", f"{server.url}/1")
    settings.CACHES = {"default": read_cache(timeout=settings.REDIS_TIMEOUT)}
    ratelimit.forget_local_counts()
    yield redis.Redis(port=server.port, db=1, socket_timeout=2)
    caches["default"].close()
    server.stop()
    ratelimit.forget_local_counts()


def _sent(client: redis.Redis) -> dict[str, int]:
    """The commands sent since the last reset, by name (a script's own calls too)."""
    stats = client.info("commandstats")
    return {
        name.removeprefix("cmdstat_"): entry["calls"]
        for name, entry in stats.items()
        if name != "cmdstat_config|resetstat"
    }


def test_a_hit_on_redis_is_one_command_and_the_window_expires(redis_cache):
    rate = (3, 60)
    ratelimit.hit("test-scope", "10.0.0.9", rate)  # connects
    redis_cache.config_resetstat()

    verdicts = [ratelimit.hit("test-scope", "10.0.0.1", rate) for _ in range(4)]

    # One EVAL a hit; the INCR in it, and the EXPIRE for the window's first.
    assert _sent(redis_cache) == {"eval": 4, "incr": 4, "expire": 1}
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    keys = redis_cache.keys("*ratelimit:test-scope:*")
    assert len(keys) == 2
    assert all(0 < redis_cache.ttl(key) <= 61 for key in keys)
