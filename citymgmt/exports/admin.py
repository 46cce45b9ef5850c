"""The export log for supervisors, and every user's own job pages.

The log is read-only: who exported which list, with which filters, how
many rows, and whether the file held full phone numbers. The job pages
(progress, its JSON, the file, retry) hang under it for any member of
staff, each for the requester only (`citymgmt.exports.views`).
"""

from __future__ import annotations

from functools import partial

from django.contrib import admin
from django.http import HttpRequest
from django.urls import path
from django.utils.translation import gettext_lazy as _

from citymgmt.exports import views
from citymgmt.exports.models import ExportJob
from citymgmt.exports.registry import KINDS


class KindFilter(admin.SimpleListFilter):
    """The lists that can be exported, by their names."""

    title = _("list")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(name, spec.label) for name, spec in sorted(KINDS.items())]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kind=self.value())
        return queryset


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "requested_by",
        "list_label",
        "format",
        "rows_written",
        "status",
        "phones_revealed",
        "is_async",
        "expires_at",
    ]
    list_filter = [KindFilter, "status", "format", "phones_revealed", "is_async"]
    list_select_related = ["requested_by"]
    search_fields = ["requested_by__username"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    readonly_fields = [
        "requested_by",
        "list_label",
        "query",
        "format",
        "language",
        "status",
        "is_async",
        "phones_revealed",
        "total",
        "rows_written",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "expires_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("list"), ordering="kind")
    def list_label(self, obj: ExportJob) -> str:
        spec = KINDS.get(obj.kind)
        return str(spec.label) if spec else obj.kind

    def get_urls(self):
        wrap = self.admin_site.admin_view
        site = self.admin_site
        return [
            path(
                "<int:job_id>/progress/",
                wrap(partial(views.progress_view, site=site)),
                name="exports_exportjob_progress",
            ),
            path(
                "<int:job_id>/status/",
                wrap(views.status_view),
                name="exports_exportjob_status",
            ),
            path(
                "<int:job_id>/download/",
                wrap(partial(views.download_view, site=site)),
                name="exports_exportjob_download",
            ),
            path(
                "<int:job_id>/retry/",
                wrap(views.retry_view),
                name="exports_exportjob_retry",
            ),
            *super().get_urls(),
        ]
