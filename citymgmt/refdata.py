"""Reference data kept in each process: read once, read again after an edit.

Categories, areas and the routing table change when an admin edits them,
a few times a year, yet every filing reads them. `cached(name, load)` keeps
what `load()` returns in this process, tagged with a token kept in the
shared cache; `changed()` (called by the services that save such rows)
forgets this process's copies at once and gives the shared cache a new
token, now and again when the transaction commits, so every other process
reads the tables again on its next question.

A process reads the token at most once every `REFDATA_RECHECK_SECONDS`
(1 s): a filing then asks the shared cache nothing, and an edit made
through another process is seen within that second.

When the shared cache fails, the tables are read for each question, as if
nothing were cached: nothing is ever answered from a copy that might be
stale for longer than the outage; after a failure the shared cache is left
alone for `RATELIMIT_FALLBACK_SECONDS`, as the rate limits do.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from citymgmt.ratelimit import CACHE_ERRORS

T = TypeVar("T")

SHARED_KEY = "citydesk:refdata:token"

_lock = threading.Lock()
_copies: dict[str, tuple[str, Any]] = {}
_down_until = 0.0  # time.monotonic() until which the shared cache is not asked
_seen: tuple[str, float] | None = None  # the token last read, and when


def _cache_failed() -> None:
    global _down_until
    _down_until = time.monotonic() + settings.RATELIMIT_FALLBACK_SECONDS


def version() -> str | None:
    """The shared token of the reference data, made when missing; None when the
    shared cache fails. Pages drawn from reference data key on it too
    (`citymgmt.pagecache`)."""
    global _seen
    now = time.monotonic()
    if now < _down_until:
        return None
    seen = _seen
    if seen is not None and now - seen[1] < settings.REFDATA_RECHECK_SECONDS:
        return seen[0]
    try:
        token = cache.get(SHARED_KEY)
        if token is None:
            fresh = uuid.uuid4().hex
            cache.add(SHARED_KEY, fresh, timeout=None)
            token = cache.get(SHARED_KEY, fresh)
    except CACHE_ERRORS:
        _seen = None
        _cache_failed()
        return None
    _seen = (str(token), now)
    return str(token)


def cached(name: str, load: Callable[[], T]) -> T:
    """What load() returns, from this process's copy while the token holds."""
    token = version()
    if token is None:
        return load()
    with _lock:
        copy = _copies.get(name)
    if copy is not None and copy[0] == token:
        return copy[1]  # type: ignore[no-any-return]
    value = load()
    with _lock:
        _copies[name] = (token, value)
    return value


def renew() -> None:
    """A new version now: every process reads the tables again at its next question."""
    global _seen
    with _lock:
        _copies.clear()
    fresh = uuid.uuid4().hex
    try:
        cache.set(SHARED_KEY, fresh, timeout=None)
    except CACHE_ERRORS:
        _seen = None
        _cache_failed()  # every process reads the tables while it fails
        return
    _seen = (fresh, time.monotonic())


def changed() -> None:
    """Reference data was saved: every process reads it again.

    Now (this process, and others that look before the commit) and once
    the transaction commits (others that read the old rows meanwhile).
    """
    renew()
    transaction.on_commit(renew)


def forget() -> None:
    """Drop this process's copies and ask the shared cache again (tests)."""
    global _down_until, _seen
    _down_until = 0.0
    _seen = None
    with _lock:
        _copies.clear()
