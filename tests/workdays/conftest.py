"""Calendar fixtures other apps' tests may reuse.

`calendar_2026` loads 2025 and 2026 from chinese-calendar through the service.
The calendar keeps each year in the process; the fixtures clear that cache
before and after, so rows rolled back with a test are not seen by the next.
"""

from __future__ import annotations

import pytest

from citymgmt.workdays import calendar
from citymgmt.workdays.services import calendar_load_year


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def calendar_2026(db):
    """The 2025 and 2026 holidays and make-up days, as load_holidays loads them."""
    calendar.clear_cache()
    calendar_load_year(2025)
    calendar_load_year(2026)
    yield
    calendar.clear_cache()
