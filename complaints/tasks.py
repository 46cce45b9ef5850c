"""Thin periodic tasks of the deadline clock; the work is in complaints.deadlines.

Each task is safe to run twice or concurrently (reminders and digests are
keyed, see complaints.deadlines), so late acknowledgement may redeliver it
after a worker dies. Errors are not retried blindly: the next run (every
five minutes for the sweep) picks up whatever is still due.
"""

from __future__ import annotations

from celery import shared_task

from complaints import deadlines


@shared_task(
    name="complaints.sweep_deadlines",
    acks_late=True,
    soft_time_limit=240,
    time_limit=270,
)
def sweep_deadlines() -> dict:
    """Send the reminders, overdue notices and escalations that are due."""
    return deadlines.sweep().as_dict()


@shared_task(
    name="complaints.morning_digest",
    acks_late=True,
    soft_time_limit=300,
    time_limit=330,
)
def morning_digest() -> int:
    """Each unit leader's open cases by due time (working days only)."""
    return deadlines.morning_digest()


@shared_task(
    name="complaints.overdue_summary",
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
)
def overdue_summary() -> int:
    """Overdue cases per unit to the supervisors (working days only)."""
    return deadlines.overdue_summary()
