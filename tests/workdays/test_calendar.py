"""The working-time clock around the 2026 Spring Festival and National Day."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from citymgmt.workdays.calendar import (
    add_working_days,
    add_working_hours,
    hours_per_working_day,
    is_working_day,
    missing_years,
    next_working_day_start,
    working_seconds_between,
)
from citymgmt.workdays.models import CalendarDay
from citymgmt.workdays.services import calendar_day_delete, calendar_day_save

SH = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


# Spring Festival 2026: holidays Sun 02-15 … Mon 02-23; make-up Sat 02-14, 02-28.


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-02-13", True),  # Friday before the festival
        ("2026-02-14", True),  # make-up Saturday
        ("2026-02-16", False),  # Monday, holiday
        ("2026-02-21", False),  # Saturday inside the holiday
        ("2026-02-23", False),  # last holiday, a Monday
        ("2026-02-24", True),  # back at work
        ("2026-02-28", True),  # make-up Saturday after the festival
        ("2026-03-07", False),  # an ordinary Saturday
        ("2026-09-20", True),  # make-up Sunday before National Day
        ("2026-09-25", False),  # Mid-autumn Friday
        ("2026-10-01", False),
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-10", True),  # make-up Saturday after National Day
    ],
)
def test_it_knows_holidays_and_make_up_days(calendar_2026, day, working):
    assert is_working_day(date.fromisoformat(day)) is working


def test_two_working_days_from_the_friday_before_spring_festival(calendar_2026):
    # Fri 10:00–17:30 is 6 h, the make-up Saturday 7.5 h, then 1.5 h on Tuesday.
    start = at("2026-02-13T10:00")
    assert add_working_days(start, 1) == at("2026-02-14T10:00")
    assert add_working_days(start, 2) == at("2026-02-24T10:00")


def test_five_working_days_from_friday_morning_end_on_thursday_evening(
    calendar_2026,
):
    # Fri, make-up Sat, Tue, Wed, Thu: the time runs out as the office closes.
    assert add_working_days(at("2026-02-13T08:30"), 5) == at("2026-02-26T17:30")


def test_the_make_up_saturday_counts_and_the_holiday_week_does_not(calendar_2026):
    friday_evening = at("2026-02-13T17:30")
    tuesday_morning = at("2026-02-24T08:30")
    assert working_seconds_between(friday_evening, tuesday_morning) == 7.5 * 3600
    assert working_seconds_between(tuesday_morning, friday_evening) == -7.5 * 3600


def test_the_next_working_day_after_the_make_up_saturday_is_after_the_festival(
    calendar_2026,
):
    assert next_working_day_start(at("2026-02-13T15:00")) == at("2026-02-14T08:30")
    assert next_working_day_start(at("2026-02-14T12:00")) == at("2026-02-24T08:30")
    assert next_working_day_start(at("2026-02-27T20:00")) == at("2026-02-28T08:30")


def test_one_working_day_from_the_eve_of_national_day_ends_after_golden_week(
    calendar_2026,
):
    # Wed 09-30 13:30–17:30 is 4 h; 3.5 h more on Thu 10-08 end at 12:00.
    assert add_working_days(at("2026-09-30T13:30"), 1) == at("2026-10-08T12:00")


def test_national_day_make_up_saturday_counts(calendar_2026):
    start = at("2026-09-30T08:30")
    assert add_working_days(start, 3) == at("2026-10-09T17:30")
    assert add_working_days(start, 4) == at("2026-10-10T17:30")
    assert add_working_days(start, 4.1) == at("2026-10-12T09:15")


def test_the_make_up_sunday_before_national_day_counts(calendar_2026):
    assert add_working_hours(at("2026-09-18T17:00"), 1) == at("2026-09-20T09:00")


def test_the_mid_autumn_long_weekend_has_no_working_time(calendar_2026):
    assert working_seconds_between(at("2026-09-24T17:30"), at("2026-09-28T08:30")) == 0


def test_counting_starts_at_the_next_office_period(calendar_2026):
    # Lunch, evening, a holiday: the first hour is the next hour the office is open.
    assert add_working_hours(at("2026-02-24T12:10"), 1) == at("2026-02-24T14:30")
    assert add_working_hours(at("2026-02-24T19:00"), 1) == at("2026-02-25T09:30")
    assert add_working_hours(at("2026-02-16T10:00"), 1) == at("2026-02-24T09:30")


def test_zero_hours_returns_the_moment_inside_and_the_next_opening_outside(
    calendar_2026,
):
    assert add_working_hours(at("2026-02-24T10:17"), 0) == at("2026-02-24T10:17")
    assert add_working_hours(at("2026-02-24T12:00"), 0) == at("2026-02-24T13:30")
    assert add_working_hours(at("2026-02-15T09:00"), 0) == at("2026-02-24T08:30")


def test_results_are_in_shanghai_time_whatever_the_input_zone(calendar_2026):
    # 02:00 UTC is 10:00 in Shanghai.
    result = add_working_hours(datetime(2026, 2, 13, 2, 0, tzinfo=UTC), 1)
    assert result == at("2026-02-13T11:00")
    assert result.tzinfo == SH


def test_naive_datetimes_and_negative_hours_are_refused(calendar_2026):
    with pytest.raises(ValueError, match="aware"):
        add_working_hours(datetime(2026, 2, 13, 10, 0), 1)  # noqa: DTZ001
    with pytest.raises(ValueError, match="negative"):
        add_working_hours(at("2026-02-13T10:00"), -1)


def test_a_working_day_has_seven_and_a_half_hours_by_default():
    assert hours_per_working_day() == 7.5


@override_settings(WORKDAY_PERIODS=[("09:00", "12:00"), ("14:00", "18:00")])
def test_office_hours_come_from_settings(calendar_2026):
    assert hours_per_working_day() == 7
    assert add_working_hours(at("2026-02-13T11:00"), 2) == at("2026-02-13T15:00")
    assert next_working_day_start(at("2026-02-13T11:00")) == at("2026-02-14T09:00")


def test_a_missing_year_counts_monday_to_friday_with_one_warning(db, caplog):
    caplog.set_level(logging.WARNING, logger="citymgmt.workdays.calendar")
    assert missing_years([2026, 2027]) == [2026, 2027]
    # Fri 2027-01-01 would be New Year's Day; without the schedule it is work.
    assert is_working_day(date(2027, 1, 1)) is True
    assert is_working_day(date(2027, 1, 2)) is False
    assert add_working_days(at("2027-01-01T08:30"), 2) == at("2027-01-04T17:30")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "2027" in warnings[0].getMessage()
    assert "Monday to Friday" in warnings[0].getMessage()


def test_a_saved_day_changes_the_next_answer_at_once(calendar_2026):
    tuesday = date(2026, 3, 10)
    assert is_working_day(tuesday) is True
    row = calendar_day_save(day=tuesday, kind=CalendarDay.Kind.HOLIDAY, name="本地假日")
    assert is_working_day(tuesday) is False
    calendar_day_delete(calendar_day=row)
    assert is_working_day(tuesday) is True


def test_one_year_is_read_once_for_many_questions(
    calendar_2026, django_assert_num_queries
):
    is_working_day(date(2026, 1, 5))
    with django_assert_num_queries(0):
        for n in range(200):
            add_working_hours(at("2026-01-05T08:30") + timedelta(hours=n), 40)


def test_missing_years_names_the_years_without_rows(calendar_2026):
    assert missing_years([2025, 2026, 2027, 2028]) == [2027, 2028]
