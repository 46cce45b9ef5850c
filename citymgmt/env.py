"""Read settings from the environment, naming the variable when a value is bad."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}
BROKER_SCHEMES = {"filesystem", "redis", "rediss", "memory"}


def _fail(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"Environment variable {name} is malformed ({value!r}): expected {expected}."
    )


def read_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def read_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise _fail(name, raw, "one of 1/0, true/false, yes/no, on/off")


def read_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise _fail(name, raw, "a whole number") from None
    if value < minimum:
        raise _fail(name, raw, f"a whole number not below {minimum}")
    return value


def read_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def read_database(name: str = "DATABASE_URL", default: str = "") -> dict[str, Any]:
    """Parse a database URL, refusing anything that is not a usable address."""
    raw = os.environ.get(name, "").strip() or default
    parts = urlsplit(raw)
    if parts.scheme not in DATABASE_SCHEMES:
        raise _fail(name, raw, "sqlite:///path or postgres://user@host:port/name")
    if parts.scheme != "sqlite":
        try:
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            raise _fail(name, raw, "a numeric port") from None
        if not parts.hostname or parts.path.strip("/") == "":
            raise _fail(
                name, raw, "postgres://user@host:port/name with a host and a name"
            )
    try:
        config = env.db_url_config(raw)
    except Exception as exc:  # django-environ raises assorted errors
        raise _fail(name, raw, f"a database URL ({exc})") from None
    config.setdefault("OPTIONS", {})
    if config["ENGINE"].endswith("postgresql"):
        config["OPTIONS"].setdefault("connect_timeout", 5)
    return config


def read_broker(name: str = "CELERY_BROKER_URL", default: str = "filesystem://") -> str:
    raw = os.environ.get(name, "").strip() or default
    parts = urlsplit(raw)
    if parts.scheme not in BROKER_SCHEMES:
        raise _fail(name, raw, "filesystem:// or redis://host:port/db")
    if parts.scheme.startswith("redis"):
        try:
            parts.port  # noqa: B018
        except ValueError:
            raise _fail(name, raw, "a numeric port") from None
        if not parts.hostname:
            raise _fail(name, raw, "redis://host:port/db with a host")
    return raw


def read_email(
    name: str = "EMAIL_URL", default: str = "consolemail://"
) -> dict[str, Any]:
    raw = os.environ.get(name, "").strip() or default
    try:
        return env.email_url_config(raw)
    except Exception:
        raise _fail(
            name, raw, "smtp://user:password@host:port or consolemail://"
        ) from None


def read_rate(name: str, default: str) -> tuple[int, int]:
    """A rate limit as "count/seconds", e.g. 5/600 for five per ten minutes."""
    raw = os.environ.get(name, "").strip() or default
    count, _, seconds = raw.partition("/")
    if not (
        count.isdigit() and seconds.isdigit() and int(count) > 0 and int(seconds) > 0
    ):
        raise _fail(name, raw, "count/seconds, e.g. 5/600")
    return int(count), int(seconds)


def read_proxy_count(name: str = "TRUSTED_PROXY_COUNT") -> int:
    """How many proxies of ours are in front; refuses the variable it replaces.

    USE_X_FORWARDED_FOR trusted the leftmost X-Forwarded-For entry, which the
    client writes: no value of it maps safely to a count, so start-up stops
    and says what to set instead.
    """
    if os.environ.get("USE_X_FORWARDED_FOR", "").strip():
        raise ImproperlyConfigured(
            "Environment variable USE_X_FORWARDED_FOR is no longer read: remove it "
            f"and set {name} to the number of proxies in front of the web "
            "process (1 behind one TLS proxy, 0 when clients connect directly)."
        )
    count = read_int(name, 0, minimum=0)
    if count > 5:
        raise _fail(name, str(count), "a whole number from 0 to 5")
    return count


def read_cache(
    name: str = "CACHE_URL", default: str = "locmem://", *, timeout: int = 2
) -> dict[str, Any]:
    """The default cache: in-process by default, Redis when servers share it.

    Redis gets connect and socket timeouts (seconds), so a stalled server
    costs a request at most that long instead of hanging it.
    """
    raw = os.environ.get(name, "").strip() or default
    parts = urlsplit(raw)
    if parts.scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "citydesk",
        }
    if parts.scheme in {"redis", "rediss"} and parts.hostname:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": raw,
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    raise _fail(name, raw, "locmem:// or redis://host:port/db")


def _clock_seconds(text: str, *, allow_midnight_end: bool = False) -> int | None:
    hours, sep, minutes = text.strip().partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        return None
    value = int(hours) * 3600 + int(minutes) * 60
    if int(minutes) > 59 or value > 24 * 3600:
        return None
    if value == 24 * 3600 and not allow_midnight_end:
        return None
    return value


def read_periods(name: str, default: str) -> list[tuple[str, str]]:
    """Office periods as "HH:MM-HH:MM,HH:MM-HH:MM", ascending and not overlapping."""
    raw = os.environ.get(name, "").strip() or default
    expected = "HH:MM-HH:MM periods in order, e.g. 08:30-12:00,13:30-17:30"
    periods: list[tuple[str, str]] = []
    previous_end = -1
    for chunk in raw.split(","):
        start_text, sep, end_text = chunk.strip().partition("-")
        start = _clock_seconds(start_text)
        end = _clock_seconds(end_text, allow_midnight_end=True)
        if not sep or start is None or end is None or start >= end:
            raise _fail(name, raw, expected)
        if start < previous_end:
            raise _fail(name, raw, expected + " that do not overlap")
        previous_end = end
        periods.append((start_text.strip(), end_text.strip()))
    return periods


def read_choice(name: str, default: str, choices: set[str]) -> str:
    raw = os.environ.get(name, "").strip() or default
    if raw not in choices:
        raise _fail(name, raw, "one of " + ", ".join(sorted(choices)))
    return raw


def read_http_url(name: str, *, required: bool) -> str:
    """An http(s) address with a host; required ones must be set."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        if required:
            raise _fail(name, raw, "an http:// or https:// address")
        return ""
    parts = urlsplit(raw)
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise _fail(name, raw, "a numeric port") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _fail(name, raw, "an http:// or https:// address with a host")
    return raw
