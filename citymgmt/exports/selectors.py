"""Reads of the export log: a person's own job (anyone else's is a 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from citymgmt.exports.models import ExportJob, ExportStatus


def export_jobs_of(*, user: Any) -> QuerySet[ExportJob]:
    """The jobs a person asked for: the only ones whose page and file they open."""
    if not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by_id=user.pk)


def export_job_for(*, user: Any, job_id: int) -> ExportJob | None:
    return export_jobs_of(user=user).filter(pk=job_id).first()


def job_state(job: ExportJob) -> str:
    """What the page shows: the status, with a job whose worker died as failed."""
    if job.is_stale:
        return ExportStatus.FAILED
    return job.status
