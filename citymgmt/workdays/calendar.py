"""Working-time arithmetic on the bureau's calendar.

A working day is Monday to Friday, except the days the calendar table marks
as public holidays, plus the Saturdays and Sundays it marks as make-up
working days (调休). Working time is the time inside the office periods
(settings.WORKDAY_PERIODS, default 08:30–12:00 and 13:30–17:30) of working
days, in the bureau's time zone (settings.TIME_ZONE, Asia/Shanghai).

Periods are half-open for a start ([08:30, 12:00): at 12:00 the morning is
over) and closed for an end: 3.5 working hours from 08:30 end at 12:00, not
at 13:30, so a deadline reads "by 12:00".

Each year of the table is read once and kept in the process for
settings.WORKDAY_CACHE_SECONDS (60 s), so other processes see an admin's
edit within a minute; `clear_cache()` (called by the services that write the
table) makes this process see it at once. A year with no rows at all falls
back to Monday to Friday and logs a warning once per year per process.
"""

from __future__ import annotations

import logging
import threading
import time as monotonic_clock
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

logger = logging.getLogger(__name__)

HOLIDAY = "holiday"
MAKEUP_WORKDAY = "makeup_workday"
DAY = 24 * 3600
# No office ever stays closed this long; past it the calendar is broken.
MAX_CLOSED_DAYS = 3660
_MICRO = 1_000_000


@dataclass(frozen=True)
class _Year:
    days: dict[date, str]
    present: bool
    loaded_at: float
    version: int


_lock = threading.Lock()
_years: dict[int, _Year] = {}
_version = 0
_warned: set[int] = set()
_Periods = tuple[tuple[int, int], ...]
_periods_parsed: tuple[tuple[tuple[str, ...], ...], _Periods] | None = None


def clear_cache() -> None:
    """Forget every cached year, so the next question reads the table again.

    A year that is still missing afterwards is warned about again.
    """
    global _version
    with _lock:
        _version += 1
        _years.clear()
        _warned.clear()


def _load_year(year: int) -> _Year:
    from citymgmt.workdays.models import CalendarDay

    now = monotonic_clock.monotonic()
    cached = _years.get(year)
    ttl = getattr(settings, "WORKDAY_CACHE_SECONDS", 60)
    if (
        cached is not None
        and cached.version == _version
        and now - cached.loaded_at < ttl
    ):
        return cached
    version = _version
    rows = CalendarDay.objects.filter(
        date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)
    ).values_list("date", "kind")
    days = dict(rows)
    entry = _Year(days=days, present=bool(days), loaded_at=now, version=version)
    with _lock:
        # A clear_cache() while reading means the rows may be stale: keep them
        # for this answer only.
        if version == _version:
            _years[year] = entry
            if entry.present:
                _warned.discard(year)
    return entry


def _kind(day: date) -> str | None:
    entry = _load_year(day.year)
    if not entry.present and day.year not in _warned:
        _warned.add(day.year)
        logger.warning(
            "The calendar has no holidays or make-up days for %s: working days in "
            "%s are counted Monday to Friday. Run `manage.py load_holidays --year "
            "%s` if chinese-calendar knows the year, or enter the State Council's "
            "schedule in the admin.",
            day.year,
            day.year,
            day.year,
        )
    return entry.days.get(day)


def is_working_day(day: date) -> bool:
    """Whether the office is open on this day at all."""
    if isinstance(day, datetime):
        day = _local(day).date()
    kind = _kind(day)
    if kind == HOLIDAY:
        return False
    if kind == MAKEUP_WORKDAY:
        return True
    return day.weekday() < 5


def missing_years(years: Iterable[int]) -> list[int]:
    """The years among these that have no rows in the calendar table."""
    return sorted({year for year in years if not _load_year(year).present})


def _periods() -> _Periods:
    """Office periods as (start, end) seconds after midnight, ascending."""
    global _periods_parsed
    configured = tuple(tuple(p) for p in settings.WORKDAY_PERIODS)
    if _periods_parsed is not None and _periods_parsed[0] == configured:
        return _periods_parsed[1]
    parsed = []
    for start, end in configured:
        try:
            parsed.append((_seconds(start), _seconds(end)))
        except ValueError:
            raise ImproperlyConfigured(
                f"WORKDAY_PERIODS has a malformed period {start!r}-{end!r}: "
                "expected HH:MM times."
            ) from None
    if (
        not parsed
        or any(s >= e for s, e in parsed)
        or any(parsed[i][1] > parsed[i + 1][0] for i in range(len(parsed) - 1))
    ):
        raise ImproperlyConfigured(
            "WORKDAY_PERIODS must list at least one period, each ending after it "
            f"starts, in order and not overlapping; got {configured!r}."
        )
    result = tuple(parsed)
    _periods_parsed = (configured, result)
    return result


def _seconds(text: str) -> int:
    hours, _, minutes = text.partition(":")
    value = int(hours) * 3600 + int(minutes) * 60
    if not 0 <= value <= DAY or not 0 <= int(minutes) < 60:
        raise ValueError(text)
    return value


def hours_per_working_day() -> float:
    """Working hours in one working day: 7.5 with the default office hours."""
    return sum(end - start for start, end in _periods()) / 3600


def _zone() -> tzinfo:
    return timezone.get_default_timezone()


def local_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[first, last] as aware moments: local midnight of `first` to the
    midnight after `last` (a period of whole local days)."""
    zone = _zone()
    return (
        datetime.combine(first, time(), tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time(), tzinfo=zone),
    )


def _local(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        raise ValueError(
            f"Working-time arithmetic needs an aware datetime, got {moment!r}."
        )
    return moment.astimezone(_zone())


def _at(day: date, seconds: int, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone) + timedelta(seconds=seconds)


def _micros_of_day(moment: datetime) -> int:
    return (
        moment.hour * 3600 + moment.minute * 60 + moment.second
    ) * _MICRO + moment.microsecond


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` of working time after `start`.

    Counting starts at `start` when it lies inside an office period of a
    working day, otherwise at the start of the next office period. So 0 hours
    returns `start` itself when the office is open then, and the moment it
    next opens when it is closed. A result may be the end of a period (12:00,
    17:30): the time runs out as the office closes.
    """
    if hours < 0:
        raise ValueError(f"Working hours to add must not be negative, got {hours}.")
    local = _local(start)
    zone = _zone()
    periods = [(s * _MICRO, e * _MICRO) for s, e in _periods()]
    remaining = round(hours * 3600 * _MICRO)
    day = local.date()
    position = _micros_of_day(local)
    for _ in range(MAX_CLOSED_DAYS + int(hours // 24) * 7 + 7):
        if is_working_day(day):
            for period_start, period_end in periods:
                if position >= period_end:
                    continue
                begin = max(position, period_start)
                if remaining <= period_end - begin:
                    moment = datetime.combine(day, time(), tzinfo=zone) + timedelta(
                        microseconds=begin + remaining
                    )
                    return moment
                remaining -= period_end - begin
                position = period_end
        day += timedelta(days=1)
        position = 0
    raise ImproperlyConfigured(
        f"No working time found within {MAX_CLOSED_DAYS} days of {start.isoformat()}: "
        "check the calendar table and WORKDAY_PERIODS."
    )


def add_working_days(start: datetime, days: float) -> datetime:
    """The moment `days` working days after `start` (a day = the office hours)."""
    return add_working_hours(start, days * hours_per_working_day())


def working_seconds_between(start: datetime, end: datetime) -> int:
    """Working seconds from `start` to `end`; negative when `end` is earlier."""
    local_start, local_end = _local(start), _local(end)
    if local_end < local_start:
        return -working_seconds_between(end, start)
    periods = [(s * _MICRO, e * _MICRO) for s, e in _periods()]
    total = 0
    day = local_start.date()
    last = local_end.date()
    while day <= last:
        if is_working_day(day):
            low = _micros_of_day(local_start) if day == local_start.date() else 0
            high = _micros_of_day(local_end) if day == last else DAY * _MICRO
            for period_start, period_end in periods:
                overlap = min(high, period_end) - max(low, period_start)
                if overlap > 0:
                    total += overlap
        day += timedelta(days=1)
    return round(total / _MICRO)


def next_working_day_start(moment: datetime) -> datetime:
    """The opening of the first office period on the next working day after
    the day of `moment` (in the bureau's time zone)."""
    local = _local(moment)
    day = local.date() + timedelta(days=1)
    for _ in range(MAX_CLOSED_DAYS):
        if is_working_day(day):
            return _at(day, _periods()[0][0], _zone())
        day += timedelta(days=1)
    raise ImproperlyConfigured(
        f"No working day found within {MAX_CLOSED_DAYS} days of {moment.isoformat()}: "
        "check the calendar table."
    )
