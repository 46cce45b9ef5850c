"""A job's pages, for the person who asked for it: progress, its JSON, the file.

Mounted under the export log's admin (`ExportJobAdmin.get_urls`), behind
the admin's sign-in; each one looks the job up among the user's own
(`selectors.export_job_for`), so anyone else's job is a 404 whatever their
role.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from citymgmt.errors import DomainError
from citymgmt.exports import selectors, services
from citymgmt.exports.models import ExportJob, ExportStatus
from citymgmt.exports.registry import KINDS

POLL_MILLISECONDS = 1000


def progress_url(job: ExportJob) -> str:
    return reverse("admin:exports_exportjob_progress", args=[job.pk])


def _own_job(request: HttpRequest, job_id: int) -> ExportJob:
    job = selectors.export_job_for(user=request.user, job_id=job_id)
    if job is None:
        raise Http404(gettext("No such export, or it is not yours."))
    return job


def _label(job: ExportJob) -> str:
    spec = KINDS.get(job.kind)
    return str(spec.label) if spec else job.kind


def file_name(job: ExportJob) -> str:
    """The name the browser saves: the list and the local time it was asked for."""
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    return f"{_label(job)}-{stamp}.{job.format}"


def file_response(job: ExportJob) -> HttpResponse:
    path = services.export_root() / job.file
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if job.format == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = FileResponse(
        Path(path).open("rb"),
        as_attachment=True,
        filename=file_name(job),
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def status_payload(job: ExportJob) -> dict:
    state = selectors.job_state(job)
    return {
        "status": state,
        "rows_written": job.rows_written,
        "total": job.total,
        "percent": job.percent,
        "finished": state in (ExportStatus.DONE, ExportStatus.FAILED),
    }


def status_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress as JSON, for the page's script."""
    job = _own_job(request, job_id)
    response = JsonResponse(status_payload(job))
    response["Cache-Control"] = "no-store"
    return response


def progress_view(
    request: HttpRequest, job_id: int, *, site: admin.AdminSite
) -> HttpResponse:
    """The job's page: a progress bar, then the download link or the failure."""
    job = _own_job(request, job_id)
    state = selectors.job_state(job)
    context = {
        **site.each_context(request),
        "title": gettext("Export of %(list)s") % {"list": _label(job)},
        "job": job,
        "state": state,
        "label": _label(job),
        "expired": job.is_expired or (state == ExportStatus.DONE and not job.file),
        "ttl_hours": settings.EXPORT_TTL_HOURS,
        "poll_ms": POLL_MILLISECONDS,
        "status_url": reverse("admin:exports_exportjob_status", args=[job.pk]),
        "download_url": reverse("admin:exports_exportjob_download", args=[job.pk]),
        "retry_url": reverse("admin:exports_exportjob_retry", args=[job.pk]),
    }
    return TemplateResponse(request, "admin/exports/progress.html", context)


def download_view(
    request: HttpRequest, job_id: int, *, site: admin.AdminSite
) -> HttpResponse:
    """The file while it is kept; after that a page that says it expired."""
    job = _own_job(request, job_id)
    if job.status != ExportStatus.DONE:
        return HttpResponseRedirect(progress_url(job))
    if job.is_expired or not job.file:
        context = {
            **site.each_context(request),
            "title": gettext("This export has expired"),
            "job": job,
            "label": _label(job),
            "ttl_hours": settings.EXPORT_TTL_HOURS,
        }
        return TemplateResponse(
            request, "admin/exports/expired.html", context, status=410
        )
    try:
        return file_response(job)
    except FileNotFoundError as missing:
        raise Http404(gettext("The file of this export is gone.")) from missing


def retry_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """Queue a failed export again (POST)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job = _own_job(request, job_id)
    try:
        services.export_retry(job=job, by=request.user)
    except DomainError as refused:
        messages.error(request, str(refused))
    return HttpResponseRedirect(progress_url(job))
