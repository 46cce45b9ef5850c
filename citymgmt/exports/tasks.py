"""Thin tasks: write a queued export, and delete the files whose time is up."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from citymgmt.exports import services

# A million rows to CSV takes about a minute here; the limits leave room
# for a slower machine. ExportJob.STALE_AFTER is past the hard limit.
EXPORT_SOFT_TIME_LIMIT = 25 * 60
EXPORT_TIME_LIMIT = 30 * 60


@shared_task(
    name="citymgmt.exports.run",
    acks_late=True,
    soft_time_limit=EXPORT_SOFT_TIME_LIMIT,
    time_limit=EXPORT_TIME_LIMIT,
)
def export_run(job_id: int) -> str:
    """Write the job's file if it is still queued; return its status."""
    return services.export_write(job_id=job_id).status


@shared_task(
    name="citymgmt.exports.sweep",
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=1,
)
def sweep() -> int:
    """Delete the export files whose time is up."""
    return services.exports_sweep()
