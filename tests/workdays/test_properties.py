"""Properties of the working-time arithmetic, for any moment in 2025–2026."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from citymgmt.workdays.calendar import (
    add_working_days,
    add_working_hours,
    is_working_day,
    working_seconds_between,
)

SH = ZoneInfo("Asia/Shanghai")

moments = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - bounds are wall-clock times
    max_value=datetime(2026, 12, 31, 23, 59),  # noqa: DTZ001
    timezones=st.sampled_from([SH, ZoneInfo("UTC"), ZoneInfo("Europe/Berlin")]),
)
quarter_hours = st.integers(min_value=0, max_value=800).map(lambda n: n / 4)
quarter_days = st.integers(min_value=0, max_value=120).map(lambda n: n / 4)

examples = hypothesis_settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def office_periods() -> list[tuple[time, time]]:
    return [
        (time.fromisoformat(start), time.fromisoformat(end))
        for start, end in settings.WORKDAY_PERIODS
    ]


def open_at(moment: datetime, *, closing_counts: bool) -> bool:
    """Whether the office is open at this moment (or just closing)."""
    local = moment.astimezone(SH)
    if not is_working_day(local.date()):
        return False
    clock = local.timetz().replace(tzinfo=None)
    return any(
        start <= clock < end or (closing_counts and clock == end)
        for start, end in office_periods()
    )


@examples
@given(start=moments, hours=quarter_hours)
def test_the_result_lies_in_office_hours_on_a_working_day(calendar_2026, start, hours):
    result = add_working_hours(start, hours)
    assert result.tzinfo == SH
    if hours == 0 and open_at(start, closing_counts=False):
        assert result == start
    else:
        assert open_at(result, closing_counts=hours > 0)
    assert result >= start


@examples
@given(start=moments, hours=quarter_hours)
def test_the_working_time_between_start_and_result_is_what_was_added(
    calendar_2026, start, hours
):
    result = add_working_hours(start, hours)
    assert abs(working_seconds_between(start, result) - hours * 3600) <= 1
    assert working_seconds_between(result, start) == -working_seconds_between(
        start, result
    )


@examples
@given(start=moments, first=quarter_hours, second=quarter_hours)
def test_more_hours_never_end_earlier(calendar_2026, start, first, second):
    low, high = sorted([first, second])
    assert add_working_hours(start, low) <= add_working_hours(start, high)


@examples
@given(start=moments, days=quarter_days)
def test_a_working_day_is_seven_and_a_half_working_hours(calendar_2026, start, days):
    assert add_working_days(start, days) == add_working_hours(start, days * 7.5)
