"""Shared pieces of the deadline tests: moments in 2026 and time travel.

The 2026 Spring Festival (chinese-calendar, State Council schedule): Saturday
2026-02-14 is a make-up working day, 2026-02-15 to 2026-02-23 are days off,
work resumes on Tuesday 2026-02-24 and Saturday 2026-02-28 is another
make-up working day. Office hours are 08:30-12:00 and 13:30-17:30.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

SH = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026):
    """A moment in Asia/Shanghai (2026 unless told)."""
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(SH) if moment is not None else None


@contextmanager
def frozen(moment: datetime):
    """Stop the clock at a moment (Django's timezone.now() included)."""
    with time_machine.travel(moment, tick=False) as traveller:
        yield traveller
