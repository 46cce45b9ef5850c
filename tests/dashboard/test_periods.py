"""The periods a dashboard counts over, and the period each is compared with."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from citymgmt.errors import InvalidInput
from dashboard.aggregates import SQLiteMedian
from dashboard.periods import Period, period_for


def period(kind, today, **dates) -> tuple[tuple[date, date], tuple[date, date]]:
    found = period_for(kind, today=today, **dates)
    before = found.previous()
    return (found.start, found.end), (before.start, before.end)


def test_this_month_is_compared_with_the_same_days_of_the_last():
    assert period("this_month", date(2026, 12, 7)) == (
        (date(2026, 12, 1), date(2026, 12, 7)),
        (date(2026, 11, 1), date(2026, 11, 7)),
    )
    # 31 March against February, which has no 31st: its last day.
    assert period("this_month", date(2026, 3, 31))[1] == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    # January against December of the year before.
    assert period("this_month", date(2026, 1, 15))[1] == (
        date(2025, 12, 1),
        date(2025, 12, 15),
    )


def test_last_month_is_whole_and_compared_with_the_whole_month_before():
    assert period("last_month", date(2026, 3, 10)) == (
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 1, 1), date(2026, 1, 31)),
    )


def test_the_quarter_and_the_year_to_date():
    assert period("quarter", date(2026, 5, 15)) == (
        (date(2026, 4, 1), date(2026, 5, 15)),
        (date(2026, 1, 1), date(2026, 2, 15)),
    )
    assert period("year", date(2028, 2, 29)) == (
        (date(2028, 1, 1), date(2028, 2, 29)),
        (date(2027, 1, 1), date(2027, 2, 28)),
    )


def test_a_custom_period_is_compared_with_as_many_days_before():
    assert period(
        "custom", date(2026, 12, 7), start=date(2026, 3, 1), end=date(2026, 3, 10)
    ) == (
        (date(2026, 3, 1), date(2026, 3, 10)),
        (date(2026, 2, 19), date(2026, 2, 28)),
    )


def test_a_period_knows_its_days_weeks_and_local_bounds():
    february = Period("custom", date(2026, 2, 1), date(2026, 2, 28))

    assert february.days == 28 and len(february.dates()) == 28
    # Sunday 02-01 is in the week of Monday 01-26.
    assert february.weeks()[0] == date(2026, 1, 26)
    assert february.weeks()[-1] == date(2026, 2, 23)
    start, end = february.bounds()
    assert (start.isoformat(), end.isoformat()) == (
        "2026-02-01T00:00:00+08:00",
        "2026-03-01T00:00:00+08:00",
    )


def test_a_custom_period_refuses_what_it_cannot_use():
    def refusal(**dates) -> dict:
        with translation.override("en"), pytest.raises(InvalidInput) as caught:
            period_for("custom", today=date(2026, 12, 7), **dates)
        return caught.value.errors

    assert refusal() == {
        "start": ["A custom period needs its first day (start)."],
        "end": ["A custom period needs its last day (end)."],
    }
    assert refusal(start=date(2026, 3, 2), end=date(2026, 3, 1)) == {
        "end": ["The last day is before the first day."]
    }
    assert refusal(start=date(2025, 1, 1), end=date(2026, 1, 2)) == {
        "end": ["A custom period is at most 366 days long."]
    }
    # A leap year's 366 days are one period.
    assert (
        period_for("custom", start=date(2028, 1, 1), end=date(2028, 12, 31)).days == 366
    )


@pytest.mark.parametrize(
    ("values", "median"),
    [
        ([], None),
        ([None, None], None),
        ([5], 5.0),
        ([9, 1, 5], 5.0),
        ([4, 1, 3, 2], 2.5),
    ],
)
def test_the_sqlite_median_interpolates_like_percentile_cont(values, median):
    aggregate = SQLiteMedian()
    for value in values:
        aggregate.step(value)

    assert aggregate.finalize() == median
