"""Thin periodic tasks of the dashboard's rollup; the work is in dashboard.rollup.

Both hold the rollup's state row for their transaction, so a second run waits
for the first and then finds little or nothing to do; a failed run is simply
followed by the next.
"""

from __future__ import annotations

from celery import shared_task

from dashboard import rollup


@shared_task(
    name="dashboard.refresh_rollup",
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
)
def refresh_rollup() -> dict:
    """Recount the days of the cases that changed since the last run."""
    return rollup.rollup_refresh().as_dict()


@shared_task(
    name="dashboard.rebuild_rollup",
    acks_late=True,
    soft_time_limit=600,
    time_limit=660,
)
def rebuild_rollup() -> dict:
    """Recount every day from the cases."""
    return rollup.rollup_rebuild().as_dict()
