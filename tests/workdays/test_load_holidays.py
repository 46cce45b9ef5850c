"""load_holidays: what it loads, that a second run changes nothing, bad years."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from citymgmt.workdays.calendar import is_working_day
from citymgmt.workdays.demo import seed
from citymgmt.workdays.models import CalendarDay
from citymgmt.workdays.services import calendar_day_save, package_years

pytestmark = pytest.mark.django_db


def load(*years: int) -> str:
    out = StringIO()
    args = [arg for year in years for arg in ("--year", str(year))]
    call_command("load_holidays", *args, stdout=out)
    return out.getvalue()


def rows() -> list[dict]:
    return list(CalendarDay.objects.order_by("date").values())


def test_it_loads_2026_with_chinese_names():
    output = load(2026)

    assert "2026: 33 holidays and 6 make-up working days" in output
    spring = CalendarDay.objects.get(date=date(2026, 2, 17))
    assert (spring.kind, spring.name, spring.name_en, spring.source) == (
        CalendarDay.Kind.HOLIDAY,
        "春节",
        "Spring Festival",
        CalendarDay.Source.PACKAGE,
    )
    makeup = CalendarDay.objects.get(date=date(2026, 10, 10))
    assert (makeup.kind, makeup.name) == (CalendarDay.Kind.MAKEUP_WORKDAY, "国庆节")
    names = set(CalendarDay.objects.values_list("name", flat=True))
    assert names == {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}


def test_a_second_run_changes_nothing():
    load(2025, 2026)
    before = rows()

    output = load(2025, 2026)

    assert rows() == before
    assert "Nothing changed" in output


def test_without_a_year_it_loads_every_year_the_package_knows():
    output = load()

    years = package_years()
    assert years[0] == 2004 and 2026 in years
    for year in years:
        assert f"{year}: " in output
    assert CalendarDay.objects.filter(date__year=2004).exists()


def test_a_day_edited_in_the_admin_survives_a_reload():
    load(2026)
    row = CalendarDay.objects.get(date=date(2026, 2, 23))
    calendar_day_save(
        day=row.date,
        kind=CalendarDay.Kind.HOLIDAY,
        name="春节（本局）",
        instance=row,
    )

    output = load(2026)

    row.refresh_from_db()
    assert (row.name, row.source) == ("春节（本局）", CalendarDay.Source.ADMIN)
    assert "1 edited in the admin left alone" in output


def test_an_unknown_year_is_refused_and_nothing_changes():
    with pytest.raises(CommandError) as refused:
        load(2026, 2027)

    assert str(refused.value) == (
        "chinese-calendar knows 2004–2026; 2027 is not among them. Enter the State "
        "Council's schedule in the admin."
    )
    assert CalendarDay.objects.count() == 0


def test_the_command_exits_non_zero_for_an_unknown_year(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "citymgmt.settings.local"
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "load_holidays", "--year", "2027"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "2027 is not among them" in result.stderr


def test_the_demo_seed_loads_the_calendar():
    summary = seed()

    assert "2004–2026" in summary
    assert is_working_day(date(2026, 2, 14)) is True
    assert is_working_day(date(2026, 2, 16)) is False
    assert seed().endswith("0 days created or updated.")
