"""The admin's warning while next year's holiday schedule is missing."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt.workdays.calendar import missing_years

# From this month on, next year's schedule should be in the table.
WARN_FROM_MONTH = 11


def calendar_warning(request: HttpRequest) -> dict[str, object]:
    """From November, tell staff in the admin that next year is not loaded."""
    user = getattr(request, "user", None)
    if not (user is not None and user.is_authenticated and user.is_staff):
        return {}
    try:
        admin_root = reverse("admin:index")
    except NoReverseMatch:
        return {}
    if not request.path.startswith(admin_root):
        return {}
    # Evaluated only by a template that shows it (the admin index), so the
    # other admin pages never ask the calendar.
    return {"workdays_calendar_warning": _warning}


def _warning() -> str:
    today = timezone.localdate()
    year = today.year + 1
    if today.month < WARN_FROM_MONTH or not missing_years([year]):
        return ""
    return _(
        "The %(year)s holiday schedule is not in the calendar yet. Enter it "
        "when the State Council publishes it; until then deadlines in "
        "%(year)s count Monday to Friday."
    ) % {"year": year}
