"""Writes of the export log: start an export, write its file, retry, sweep.

Writing a file is not one transaction: the progress (`rows_written`) is
saved about once a second (PROGRESS_SECONDS) so the page polling it sees
the rows go by, together with the phone reveals of the rows written
since. A file is only reachable once its job says done.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery import Celery
from django.conf import settings
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from citymgmt.errors import InvalidInput, NotAllowed, NotFound
from citymgmt.exports.lists import admin_list_queryset
from citymgmt.exports.models import ExportFormat, ExportJob, ExportStatus
from citymgmt.exports.registry import KINDS, ExportKind
from citymgmt.exports.writers import XLSX_MAX_ROWS, open_sheet

logger = logging.getLogger(__name__)

# How often a running export saves its progress (and logs its reveals).
PROGRESS_SECONDS = 1.0


def export_root() -> Path:
    return Path(settings.EXPORT_ROOT)


def export_start(
    *,
    kind: str,
    by: Any,
    query: str,
    format: str,
    language: str,
    rows: Callable[[], QuerySet],
) -> ExportJob:
    """Log an export of a list and write it now, or queue it when the list is long.

    `rows` gives the list's queryset (the admin's, in the request); it may
    raise IncorrectLookupParameters, which the caller answers like the list.
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise NotFound(_("There is no such list to export."))
    if format not in ExportFormat.values:
        raise InvalidInput(_("Choose Excel or CSV to export."), field="format")
    queryset = rows()
    limit = settings.EXPORT_SYNC_MAX_ROWS
    is_async = _count_up_to(queryset, limit + 1) > limit
    if (
        is_async
        and format == ExportFormat.XLSX
        and _count_up_to(queryset, XLSX_MAX_ROWS + 1) > XLSX_MAX_ROWS
    ):
        raise InvalidInput(
            _(
                "An Excel sheet holds at most %(rows)s rows: narrow the list with "
                "its filters, or export it as CSV."
            )
            % {"rows": f"{XLSX_MAX_ROWS:,}"},
            field="format",
        )
    job = ExportJob.objects.create(
        requested_by=by,
        kind=kind,
        query=query,
        format=format,
        language=language,
        is_async=is_async,
        phones_revealed=spec.reveals_phones(by),
    )
    if is_async:
        transaction.on_commit(lambda: enqueue(job.pk))
        return job
    return export_write(job_id=job.pk, rows=queryset)


def _count_up_to(queryset: QuerySet, cap: int) -> int:
    """COUNT over at most `cap` rows: enough to decide, cheap on a big table."""
    return queryset.order_by()[:cap].count()


def celery_app() -> Celery:
    """The app exports are published through (settings.EXPORT_CELERY_APP).

    Named rather than the current app: a test's worker helpers make their
    own app the current one.
    """
    app = settings.EXPORT_CELERY_APP
    return import_string(app) if isinstance(app, str) else app


def enqueue(job_id: int) -> bool:
    """Queue the job's task; a broker that is down fails the job (it can be retried)."""
    from citymgmt.exports.tasks import export_run

    try:
        celery_app().tasks[export_run.name].apply_async(args=[job_id])
    except Exception as exc:
        # Whatever the transport raises: the person sees the failure and retries.
        logger.warning("Export %s could not be queued: %s", job_id, exc)
        ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
            status=ExportStatus.FAILED,
            error=_("The export could not be queued; try again in a moment."),
            finished_at=timezone.now(),
        )
        return False
    return True


def export_write(*, job_id: int, rows: QuerySet | None = None) -> ExportJob:
    """Write a queued job's file, saving the progress after each batch.

    `rows` is the list's queryset when the request already built it; a
    worker rebuilds it from the job's user and query string. A job that is
    not queued (another worker took it) is left alone.
    """
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING,
        started_at=timezone.now(),
        rows_written=0,
        total=None,
        error="",
    )
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    if not claimed:
        return job
    path: Path | None = None
    try:
        with translation.override(job.language):
            spec = KINDS[job.kind]
            path = _write(job, spec, rows)
    except Exception as exc:
        logger.exception("Export %s failed", job.pk)
        if path is not None:
            path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            error=_failure_text(exc),
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def _write(job: ExportJob, spec: ExportKind, rows: QuerySet | None) -> Path:
    user = job.requested_by
    if user is None or not (user.is_active and user.is_staff):
        raise NotAllowed(
            _("The person who asked for this export may no longer sign in.")
        )
    if rows is None:
        rows = admin_list_queryset(model=spec.model, user=user, query=job.query)
    revealed = spec.reveals_phones(user)
    resource = spec.resource(reveal_phones=revealed)
    rows = resource.prepare(rows)
    total = rows.count()
    ExportJob.objects.filter(pk=job.pk).update(total=total, phones_revealed=revealed)
    relative = _file_name(job)
    path = export_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet = open_sheet(
        job.format, path, title=str(spec.label), headers=resource.headers()
    )
    written = 0
    record_reveals = spec.record_reveals if revealed else None
    # What the reveals of the rows written since the last save need.
    unlogged: list[tuple[Any, ...]] = []
    saved_at = time.monotonic()

    def save_progress() -> None:
        # The reveals of the rows written so far and the count, in one
        # commit: about once a PROGRESS_SECONDS, not once per batch.
        with transaction.atomic():
            if record_reveals is not None and unlogged:
                record_reveals(by=user, rows=unlogged, job_id=job.pk)
            ExportJob.objects.filter(pk=job.pk).update(rows_written=written)
        unlogged.clear()

    try:
        for batch in resource.stream(rows):
            for row in batch:
                sheet.write(resource.dehydrate_row(row))
            written += len(batch)
            if record_reveals is not None:
                paths = spec.reveal_paths
                unlogged.extend(tuple(row[p] for p in paths) for row in batch)
            if time.monotonic() - saved_at >= PROGRESS_SECONDS:
                save_progress()
                saved_at = time.monotonic()
    finally:
        sheet.close()
    save_progress()
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        rows_written=written,
        total=written,
        file=relative,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.EXPORT_TTL_HOURS),
    )
    return path


def _file_name(job: ExportJob) -> str:
    """Where the file goes under EXPORT_ROOT: by day, unguessable."""
    day = timezone.localdate()
    token = secrets.token_hex(8)
    return f"{day:%Y/%m/%d}/{job.pk}-{token}.{job.format}"


def _failure_text(exc: Exception) -> str:
    if isinstance(exc, IncorrectLookupParameters):
        return _("A filter of the list could not be applied.")
    if isinstance(exc, NotAllowed):
        return str(exc)
    return _("The file could not be written.")


@transaction.atomic
def export_retry(*, job: ExportJob, by: Any) -> ExportJob:
    """Queue a failed export of one's own again."""
    locked = (
        ExportJob.objects.select_for_update()
        .filter(pk=job.pk, requested_by_id=by.pk)
        .first()
    )
    if locked is None:
        raise NotFound(_("No such export."))
    job = locked
    if not (job.status == ExportStatus.FAILED or job.is_stale):
        raise NotAllowed(_("Only an export that failed can be tried again."))
    job.status = ExportStatus.QUEUED
    job.is_async = True
    job.rows_written = 0
    job.total = None
    job.error = ""
    job.started_at = job.finished_at = None
    job.save(
        update_fields=[
            "status",
            "is_async",
            "rows_written",
            "total",
            "error",
            "started_at",
            "finished_at",
        ]
    )
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def exports_sweep(*, limit: int = 500) -> int:
    """Delete the files whose time is up; the jobs stay as the log. Returns files."""
    now = timezone.now()
    expired = list(
        ExportJob.objects.filter(expires_at__lte=now)
        .exclude(file="")
        .order_by("expires_at", "pk")
        .values_list("pk", "file")[:limit]
    )
    root = export_root()
    for _pk, name in expired:
        (root / name).unlink(missing_ok=True)
    ExportJob.objects.filter(pk__in=[pk for pk, _name in expired]).update(file="")
    return len(expired)
