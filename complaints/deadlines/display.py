"""How much time a case has left, as people read it (no query, no write)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from citymgmt.workdays.calendar import hours_per_working_day, working_seconds_between
from complaints.deadlines.clock import thresholds_of
from complaints.models import OPEN_STATUSES, Complaint


@dataclass(frozen=True)
class Clock:
    """Where an open case stands against the current stage's due moment."""

    state: str  # on_track | due_soon | overdue
    seconds: int  # working seconds left (>= 0) or past (> 0 when overdue)
    percent: float


def clock(complaint: Complaint, *, now: datetime | None = None) -> Clock | None:
    """The current stage's clock from the stored moments (no query), or None."""
    if complaint.status not in OPEN_STATUSES or complaint.current_due_at is None:
        return None
    now = now or timezone.now()
    due = complaint.current_due_at
    start = complaint.stage_started_at or due
    left = working_seconds_between(now, due)
    total = working_seconds_between(start, due)
    used = 100.0 if total <= 0 else (total - left) * 100 / total
    if left < 0 or (left == 0 and now >= due):
        return Clock("overdue", -left, used)
    thresholds = thresholds_of(complaint)
    soon = thresholds[-1] if thresholds else 100
    return Clock("due_soon" if used >= soon else "on_track", left, used)


def working_days_of(seconds: int) -> float:
    return seconds / (hours_per_working_day() * 3600)
