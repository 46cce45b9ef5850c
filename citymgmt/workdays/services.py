"""Writes to the calendar table; each one makes this process re-read it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from citymgmt.workdays import calendar
from citymgmt.workdays.models import CalendarDay

# chinese-calendar names its holidays in English; the table shows Chinese.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


class UnknownYear(ValueError):
    """The chinese-calendar package has no schedule for this year."""

    def __init__(self, year: int, known: list[int]) -> None:
        self.year = year
        self.known = known
        span = f"{known[0]}–{known[-1]}" if known else "no years"
        super().__init__(
            f"chinese-calendar knows {span}; {year} is not among them. Enter the "
            "State Council's schedule in the admin."
        )


@dataclass(frozen=True)
class YearLoad:
    year: int
    holidays: int
    makeup_workdays: int
    created: int
    updated: int
    kept_admin: int


def _package_days() -> dict[dt.date, tuple[str, str]]:
    """Every day the package knows: date → (kind, English name)."""
    from chinese_calendar import constants

    days = {
        day: (CalendarDay.Kind.HOLIDAY.value, name)
        for day, name in constants.holidays.items()
    }
    days.update(
        (day, (CalendarDay.Kind.MAKEUP_WORKDAY.value, name))
        for day, name in constants.workdays.items()
    )
    return days


def package_years() -> list[int]:
    """The years the chinese-calendar package has a schedule for."""
    return sorted({day.year for day in _package_days()})


def _on_change() -> None:
    calendar.clear_cache()
    # Another request in this process may have read the old rows meanwhile.
    transaction.on_commit(calendar.clear_cache)


@transaction.atomic
def calendar_day_save(
    *,
    day: dt.date,
    kind: str,
    name: str = "",
    name_en: str = "",
    source: str = CalendarDay.Source.ADMIN,
    instance: CalendarDay | None = None,
) -> CalendarDay:
    """Create or change one calendar day and make the clock see it at once."""
    row = instance or CalendarDay.objects.filter(date=day).first() or CalendarDay()
    row.date = day
    row.kind = kind
    row.name = name
    row.name_en = name_en
    row.source = source
    row.full_clean()
    row.save()
    _on_change()
    return row


@transaction.atomic
def calendar_day_delete(*, calendar_day: CalendarDay) -> None:
    """Delete one calendar day; the date falls back to the Monday-to-Friday rule."""
    calendar_day.delete()
    _on_change()


@transaction.atomic
def calendar_load_year(year: int) -> YearLoad:
    """Load one year's holidays and make-up days from chinese-calendar.

    Rows an administrator entered or changed (source admin) are left alone.
    Raises UnknownYear, changing nothing, for a year the package lacks.
    """
    package = {d: v for d, v in _package_days().items() if d.year == year}
    if not package:
        raise UnknownYear(year, package_years())
    existing = {
        row.date: row
        for row in CalendarDay.objects.filter(
            date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
        )
    }
    created = updated = kept = 0
    for day, (kind, english) in sorted(package.items()):
        name = HOLIDAY_NAMES_ZH.get(english, english)
        row = existing.get(day)
        if row is not None and row.source == CalendarDay.Source.ADMIN:
            kept += 1
            continue
        if row is None:
            row = CalendarDay(date=day, source=CalendarDay.Source.PACKAGE)
            created += 1
        elif (row.kind, row.name, row.name_en) == (kind, name, english):
            continue
        else:
            updated += 1
        row.kind, row.name, row.name_en = kind, name, english
        row.source = CalendarDay.Source.PACKAGE
        row.full_clean()
        row.save()
    _on_change()
    kinds = [kind for kind, _ in package.values()]
    return YearLoad(
        year=year,
        holidays=kinds.count(CalendarDay.Kind.HOLIDAY),
        makeup_workdays=kinds.count(CalendarDay.Kind.MAKEUP_WORKDAY),
        created=created,
        updated=updated,
        kept_admin=kept,
    )
