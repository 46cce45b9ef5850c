"""How much time a case has left, as people read it: the admin's deadline badge.

Reads the moments `clock.schedule` stored on the case; no query, no write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from citymgmt.workdays.calendar import hours_per_working_day, working_seconds_between
from complaints.deadlines.clock import current_stage, thresholds_of
from complaints.models import OPEN_STATUSES, Complaint, Stage


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


def local_time(value: datetime | str | None) -> str:
    """A moment as the bureau reads it: 2026-02-25 10:30 (Asia/Shanghai)."""
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return text
    if value is None:
        return "—"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def working_time_text(seconds: int) -> str:
    """Working time as a person reads it: 3.5 working hours, 2 working days."""
    hours = seconds / 3600
    days = working_days_of(seconds)
    if days < 1:
        return gettext("%(hours)s working hours") % {"hours": f"{hours:.1f}"}
    shown = f"{days:.1f}".removesuffix(".0")
    return ngettext(
        "%(days)s working day", "%(days)s working days", 1 if shown == "1" else 2
    ) % {"days": shown}


DEADLINE_STATES = {
    "on_track": _("on track"),
    "due_soon": _("due soon"),
    "overdue": _("overdue"),
}


def deadline_text(complaint: Complaint, *, now: datetime | None = None) -> str:
    """The badge's words: "3.5 working hours left" or "overdue by 1 working day"."""
    state = clock(complaint, now=now)
    if state is None:
        return ""
    if state.state == "overdue":
        if state.seconds <= 0:
            return str(DEADLINE_STATES["overdue"])
        return gettext("overdue by %(time)s") % {
            "time": working_time_text(state.seconds)
        }
    return gettext("%(time)s left") % {"time": working_time_text(state.seconds)}


def deadline_badge(complaint: Complaint, *, now: datetime | None = None) -> str:
    """The deadline badge of an open case, from its stored due time (no query)."""
    state = clock(complaint, now=now)
    if state is None:
        return "—"
    stage = current_stage(complaint)
    return format_html(
        '<span class="cd-badge cd-due cd-due-{}" title="{}">'
        '<span class="cd-due-state">{}</span> {}</span>',
        state.state.replace("_", "-"),
        gettext("%(stage)s due %(time)s")
        % {
            "stage": stage_label(stage),
            "time": local_time(complaint.current_due_at),
        },
        DEADLINE_STATES[state.state],
        deadline_text(complaint, now=now),
    )


def stage_label(stage: str | None) -> str:
    """A clocked stage's name (处置), or nothing for a case that has none."""
    return str(Stage(stage).label) if stage in Stage.values else ""
