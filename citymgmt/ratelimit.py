"""Per-address limits shared by the pages and the API, counted in the default cache.

Every limit keys on `client_ip`: the pages' limits through `hit`, the REST
API's throttles through the `AnonRateThrottle`/`UserRateThrottle` below.
Repeated failures on one key (wrong guesses at one reference) are counted by
`fail` and checked by `failures`, in a window that starts at the first one.

When the shared cache (Redis) fails or stalls, counting goes on in this
process for `RATELIMIT_FALLBACK_SECONDS` before the shared cache is tried
again: a request is never refused or delayed for a cache that is down, and
the limits still hold per process meanwhile.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from redis.exceptions import RedisError
from rest_framework import throttling

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What a shared cache raises when its server is down, refuses or stalls.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError)

_local = LocMemCache("citydesk-ratelimit", {"OPTIONS": {"MAX_ENTRIES": 20_000}})
_local_until = 0.0  # time.monotonic() until which counts stay in this process


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets


def client_ip(request: HttpRequest) -> str:
    """The address limits count against: the peer, or the hop our proxies saw.

    With TRUSTED_PROXY_COUNT = 0 the peer (REMOTE_ADDR) is the client. With
    N > 0 the last N hops are our own proxies, each appending the address it
    was reached from to X-Forwarded-For: the Nth entry from the right was
    written by the outermost of them and is the client; whatever is left of
    it came from the client and is ignored, so rotating it changes nothing.
    A shorter header (a request that did not pass all N proxies) gives its
    leftmost entry, the furthest hop one of them recorded; no header, or an
    entry that is not an IP address, gives the peer.
    """
    peer = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return peer
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    if not hops:
        return peer
    chosen = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(chosen))
    except ValueError:
        return peer


def _store() -> BaseCache:
    return _local if time.monotonic() < _local_until else caches[DEFAULT_CACHE_ALIAS]


def _count_here(exc: Exception) -> None:
    """The shared cache failed: count in this process for a while, and say so."""
    global _local_until
    seconds = settings.RATELIMIT_FALLBACK_SECONDS
    logger.warning(
        "Rate limits count in this process for %d s: the shared cache failed (%s: %s)",
        seconds,
        exc.__class__.__name__,
        exc,
    )
    _local_until = time.monotonic() + seconds


def _counted(operation: Callable[[BaseCache], T]) -> T:
    """Run a counting operation on the shared cache, or in this process if it fails."""
    store = _store()
    if store is _local:
        return operation(_local)
    try:
        return operation(store)
    except CACHE_ERRORS as exc:
        _count_here(exc)
        return operation(_local)


def forget_local_counts() -> None:
    """Use the shared cache again at once and drop the counts kept in this process."""
    global _local_until
    _local_until = 0.0
    _local.clear()


def _base_key(scope: str, key: str) -> str:
    """The cache key for what a client sent: a digest, whatever its length or bytes."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16)
    return f"ratelimit:{scope}:{digest.hexdigest()}"


# Count and, for the window's first request, set the expiry: one round trip.
_INCR_WITH_EXPIRY = """
local used = redis.call('INCR', KEYS[1])
if used == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return used
"""


def _count(store: BaseCache, cache_key: str, timeout: int) -> int:
    """Add one to the count under cache_key, which lives timeout seconds."""
    if isinstance(store, RedisCache):
        # One atomic script on Redis instead of ADD, then INCR.
        key = store.make_and_validate_key(cache_key)
        client = store._cache.get_client(key, write=True)
        return int(client.eval(_INCR_WITH_EXPIRY, 1, key, timeout))
    if store.add(cache_key, 1, timeout=timeout):
        return 1
    try:
        return store.incr(cache_key)
    except ValueError:  # expired between add and incr
        store.set(cache_key, 1, timeout=timeout)
        return 1


@dataclass(frozen=True)
class _Window:
    """The fixed window a request falls in: its counter's key and lifetime."""

    cache_key: str
    timeout: int
    retry_after: int
    count: int

    def verdict(self, used: int) -> Verdict:
        return Verdict(allowed=used <= self.count, retry_after=self.retry_after)


def _window(scope: str, key: str, rate: tuple[int, int]) -> _Window:
    count, window = rate
    now = time.time()
    bucket = int(now // window)
    return _Window(
        cache_key=f"{_base_key(scope, key)}:{bucket}",
        timeout=window + 1,
        retry_after=max(1, int((bucket + 1) * window - now) + 1),
        count=count,
    )


def _hit(store: BaseCache, scope: str, key: str, rate: tuple[int, int]) -> Verdict:
    window = _window(scope, key, rate)
    return window.verdict(_count(store, window.cache_key, window.timeout))


def hit(scope: str, key: str, rate: tuple[int, int]) -> Verdict:
    """Count one request for key; refuse once the window's count is used up."""
    return _counted(lambda store: _hit(store, scope, key, rate))


class Counting:
    """A `hit` whose count travels to Redis while the caller works on.

    `counting()` sends the count and returns at once; `verdict()` reads the
    answer (the first call waits for it). Meant for reading what was typed
    meanwhile, nothing that writes or costs much: the caller acts on the
    verdict before it files anything. Used as a context manager, leaving
    the block reads the answer, or on an error drops the connection, so a
    connection never goes back to the pool with an answer still on it.
    Where the count is not on Redis, or Redis fails, it counts as `hit`
    does (in this process, while the shared cache is down).
    """

    def __init__(self, scope: str, key: str, rate: tuple[int, int]) -> None:
        self._args = (scope, key, rate)
        self._verdict: Verdict | None = None
        self._connection: Any = None
        self._pool: Any = None
        store = _store()
        if not isinstance(store, RedisCache):
            self._verdict = hit(scope, key, rate)
            return
        self._window = window = _window(scope, key, rate)
        redis_key = store.make_and_validate_key(window.cache_key)
        pool = store._cache.get_client(redis_key, write=True).connection_pool
        try:
            connection = pool.get_connection()
        except CACHE_ERRORS as exc:
            self._verdict = self._fallen_back(exc)
            return
        self._pool, self._connection = pool, connection
        try:
            connection.send_command(
                "EVAL", _INCR_WITH_EXPIRY, 1, redis_key, window.timeout
            )
        except CACHE_ERRORS as exc:
            self._verdict = self._fallen_back(exc)

    def _let_go(self, *, broken: bool) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if broken:
            connection.disconnect()
        self._pool.release(connection)

    def _fallen_back(self, exc: Exception) -> Verdict:
        self._let_go(broken=True)
        _count_here(exc)
        return _hit(_local, *self._args)

    def verdict(self) -> Verdict:
        if self._verdict is None:
            if self._connection is None:
                raise RuntimeError("The count's answer was dropped on an error.")
            try:
                used = int(self._connection.read_response())
            except CACHE_ERRORS as exc:
                self._verdict = self._fallen_back(exc)
            else:
                self._let_go(broken=False)
                self._verdict = self._window.verdict(used)
        return self._verdict

    def __enter__(self) -> Counting:
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if error is None:
            self.verdict()
        else:
            self._let_go(broken=True)


def counting(scope: str, key: str, rate: tuple[int, int]) -> Counting:
    """Send one request's count for key now; read its verdict when needed."""
    return Counting(scope, key, rate)


def _failure_keys(scope: str, key: str) -> tuple[str, str]:
    base = _base_key(scope, key)
    return f"{base}:count", f"{base}:since"


def _left(since: Any, window: int, now: float) -> int:
    start = since if isinstance(since, int | float) else now
    return max(1, math.ceil(start + window - now))


def _failures(store: BaseCache, scope: str, key: str, rate: tuple[int, int]) -> Verdict:
    count, window = rate
    count_key, since_key = _failure_keys(scope, key)
    found = store.get_many([count_key, since_key])
    used = found.get(count_key) or 0
    return Verdict(
        allowed=used < count,
        retry_after=_left(found.get(since_key), window, time.time()),
    )


def failures(scope: str, key: str, rate: tuple[int, int]) -> Verdict:
    """Whether key may still be tried: not once `count` failures fell in its window."""
    return _counted(lambda store: _failures(store, scope, key, rate))


def _fail(store: BaseCache, scope: str, key: str, rate: tuple[int, int]) -> Verdict:
    count, window = rate
    count_key, since_key = _failure_keys(scope, key)
    now = time.time()
    # The window starts at the first failure and is not extended by later
    # ones: `count` failures at most per window, never two windows' worth
    # around a clock boundary.
    store.add(since_key, now, timeout=window)
    store.add(count_key, 0, timeout=window)
    try:
        used = store.incr(count_key)
    except ValueError:  # the window ended between add and incr
        store.set_many({count_key: 1, since_key: now}, timeout=window)
        used = 1
    return Verdict(
        allowed=used < count, retry_after=_left(store.get(since_key), window, now)
    )


def fail(scope: str, key: str, rate: tuple[int, int]) -> Verdict:
    """Count one failure for key; refused (allowed=False) once it used the last one."""
    return _counted(lambda store: _fail(store, scope, key, rate))


class _CountedThrottle(throttling.SimpleRateThrottle):
    """DRF's throttle keyed on `client_ip`, counting where `hit` counts.

    DRF's own keeps a list of every request's time in the window and writes
    it back on each request (a read and a write that grow with the rate);
    here a request is one `hit`: one atomic count per fixed window, as the
    pages count.
    """

    def get_ident(self, request: Any) -> str:
        return client_ip(request)

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        verdict = hit(f"api-{self.scope}", key, (self.num_requests, self.duration))
        self.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        return getattr(self, "retry_after", None)


class AnonRateThrottle(_CountedThrottle, throttling.AnonRateThrottle):
    """The anonymous API throttle (API_ANON_RATE), per client address."""


class UserRateThrottle(_CountedThrottle, throttling.UserRateThrottle):
    """The signed-in API throttle (API_USER_RATE), per user."""
