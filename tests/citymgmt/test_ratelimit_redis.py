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
def cache_server(redis_url, settings, monkeypatch):
    """The default cache on a Redis of our own, so its commands are ours."""
    need(shutil.which("redis-server") is not None, "needs the redis-server binary")
    server = OwnRedis()
    monkeypatch.setenv("CACHE_URL", f"{server.url}/1")
    settings.CACHES = {"default": read_cache(timeout=settings.REDIS_TIMEOUT)}
    ratelimit.forget_local_counts()
    yield server
    caches["default"].close()
    server.stop()
    ratelimit.forget_local_counts()


@pytest.fixture
def redis_cache(cache_server):
    return redis.Redis(port=cache_server.port, db=1, socket_timeout=2)


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


def test_a_count_sent_ahead_shares_the_budget_and_gives_its_connection_back(
    redis_cache,
):
    rate = (3, 60)
    ratelimit.hit("test-scope", "10.0.0.9", rate)  # connects
    redis_cache.config_resetstat()

    sent = [ratelimit.counting("test-scope", "10.0.0.2", rate) for _ in range(2)]
    verdicts = [ratelimit.hit("test-scope", "10.0.0.2", rate)]
    verdicts += [count.verdict() for count in sent]
    with ratelimit.counting("test-scope", "10.0.0.2", rate) as count:
        pass
    verdicts.append(count.verdict())

    # Two counts in flight at once take a connection each (the pool's second
    # is new: HELLO and SELECT); the counting is one EVAL each.
    counted = {
        k: v for k, v in _sent(redis_cache).items() if k not in {"hello", "select"}
    }
    assert counted == {"eval": 4, "incr": 4, "expire": 1}
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert 0 < verdicts[-1].retry_after <= 61
    # Each connection went back to the pool once its answer was read: fifty
    # more counts use the ones it has.
    for _ in range(50):
        ratelimit.counting("test-scope", "10.0.0.3", (100, 60)).verdict()
    assert redis_cache.info("clients")["connected_clients"] <= 4


def test_a_block_that_fails_leaves_no_answer_for_the_next_count(redis_cache):
    with pytest.raises(ZeroDivisionError):
        with ratelimit.counting("test-scope", "10.0.0.4", (100, 60)):
            1 / 0  # noqa: B018

    # Had its connection gone back with the answer unread, the first of
    # these would read that answer (1: allowed) and the second this one's.
    verdicts = [ratelimit.hit("test-scope", "10.0.0.5", (1, 60)) for _ in range(3)]

    assert [v.allowed for v in verdicts] == [True, False, False]


def test_a_count_sent_to_a_stalled_redis_is_counted_in_this_process(cache_server):
    ratelimit.hit("test-scope", "10.0.0.9", (100, 60))  # connects
    cache_server.freeze()
    try:
        verdicts = [
            ratelimit.counting("test-scope", "10.0.0.6", (2, 60)).verdict()
            for _ in range(3)
        ]
    finally:
        cache_server.thaw()

    # The first waited for the answer up to the cache's timeout, then this
    # process counted it and the rest.
    assert [v.allowed for v in verdicts] == [True, True, False]
