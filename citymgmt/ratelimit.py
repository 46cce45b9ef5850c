"""A fixed-window rate limit kept in the default cache (Redis when shared)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets


def client_ip(request: HttpRequest) -> str:
    if settings.USE_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, key: str, rate: tuple[int, int]) -> Verdict:
    """Count one request for key; refuse once the window's count is used up."""
    count, window = rate
    now = time.time()
    bucket = int(now // window)
    cache_key = f"ratelimit:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 1):
        used = 1
    else:
        try:
            used = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 1)
            used = 1
    retry_after = max(1, int((bucket + 1) * window - now) + 1)
    return Verdict(allowed=used <= count, retry_after=retry_after)
