"""The periods the dashboard counts over, and the period each is compared with.

A period is a range of local dates (Asia/Shanghai), both ends included; a
case belongs to it when it was submitted inside it (docs/kpis.md).

- this month, this quarter, this year: from the first day to today; the
  previous period is the same stretch one month, quarter or year earlier
  (1–7 December against 1–7 November), so counts compare like with like.
- last month: the whole month, against the whole month before.
- custom: from `start` to `end` (at most 366 days), against the same number
  of days just before.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citymgmt.errors import InvalidInput
from citymgmt.workdays.calendar import local_day_bounds

# A custom period spans at most this many days (a leap year).
MAX_CUSTOM_DAYS = 366
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


class PeriodKind(models.TextChoices):
    THIS_MONTH = "this_month", gettext_lazy("this month")
    LAST_MONTH = "last_month", gettext_lazy("last month")
    QUARTER = "quarter", gettext_lazy("this quarter")
    YEAR = "year", gettext_lazy("this year")
    CUSTOM = "custom", gettext_lazy("custom")


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware moments: local midnight to the midnight after."""
        return local_day_bounds(self.start, self.end)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def weeks(self) -> list[date]:
        """The Monday of every week the period touches."""
        monday = self.start - timedelta(days=self.start.weekday())
        return [
            monday + timedelta(weeks=n)
            for n in range((self.end - monday).days // 7 + 1)
        ]

    def previous(self) -> Period:
        """The period these figures are compared with."""
        months = _MONTHS_BACK.get(self.kind)
        if self.kind == PeriodKind.LAST_MONTH:
            start = _shift(self.start, -1)
            return Period(self.kind, start, _month_end(start))
        if months is not None:
            return Period(
                self.kind, _shift(self.start, -months), _shift(self.end, -months)
            )
        return Period(
            self.kind,
            self.start - timedelta(days=self.days),
            self.start - timedelta(days=1),
        )


_MONTHS_BACK: dict[str, int] = {
    PeriodKind.THIS_MONTH: 1,
    PeriodKind.QUARTER: 3,
    PeriodKind.YEAR: 12,
}


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _shift(day: date, months: int) -> date:
    """The same day `months` months away, or that month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def period_for(
    kind: str,
    *,
    today: date | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Period:
    """The period a person asked for; a refusal naming the field when it can't be."""
    today = today or timezone.localdate()
    if kind == PeriodKind.THIS_MONTH:
        return Period(kind, today.replace(day=1), today)
    if kind == PeriodKind.LAST_MONTH:
        first = _shift(today.replace(day=1), -1)
        return Period(kind, first, _month_end(first))
    if kind == PeriodKind.QUARTER:
        first_month = (today.month - 1) // 3 * 3 + 1
        return Period(kind, date(today.year, first_month, 1), today)
    if kind == PeriodKind.YEAR:
        return Period(kind, date(today.year, 1, 1), today)
    if kind != PeriodKind.CUSTOM:
        raise InvalidInput(
            _("Choose a period: this_month, last_month, quarter, year or custom."),
            field="period",
        )
    errors: dict[str, list[str]] = {}
    if start is None:
        errors["start"] = [_("A custom period needs its first day (start).")]
    elif not EARLIEST <= start <= LATEST:
        errors["start"] = [_("Choose a day between 2000 and 2099.")]
    if end is None:
        errors["end"] = [_("A custom period needs its last day (end).")]
    elif not EARLIEST <= end <= LATEST:
        errors["end"] = [_("Choose a day between 2000 and 2099.")]
    if not errors and start is not None and end is not None:
        if end < start:
            errors["end"] = [_("The last day is before the first day.")]
        elif (end - start).days + 1 > MAX_CUSTOM_DAYS:
            errors["end"] = [_("A custom period is at most 366 days long.")]
    if errors or start is None or end is None:
        field, messages = next(iter(errors.items()))
        raise InvalidInput(messages[0], field=field, errors=errors)
    return Period(kind, start, end)
