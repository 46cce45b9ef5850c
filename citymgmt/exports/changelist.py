"""The "导出" button of an admin list, and the queryset an export writes.

`ExportAdminMixin` goes first in a ModelAdmin's bases and names its
registered kind (`export_kind = "complaints"`). It adds the button to the
list (around whatever template the list uses) and `<list>/export/`, which
takes a POST with the format and the list's own query string, and answers
with the file, or with the job's progress page when the export is queued.

What is exported is the list's queryset: `changelist_queryset` asks the
admin for its ChangeList with the user and the query string, so the scope
(`get_queryset`), the filters, the search and the order are the ones the
list applies, and a lookup the list refuses is refused here too. A queued
export does the same in the worker, from the job's user and query string.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext

from citymgmt.errors import DomainError
from citymgmt.exports import services
from citymgmt.exports.lists import changelist_queryset, export_query
from citymgmt.exports.models import ExportFormat, ExportStatus
from citymgmt.exports.views import file_response, progress_url


class ExportAdminMixin(admin.ModelAdmin):
    """An admin list with the "导出" button (see the module's docstring)."""

    export_kind: str = ""
    export_template = "admin/exports/list_with_export.html"

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_or_change_permission(request)

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if (
            isinstance(response, TemplateResponse)
            and not response.is_rendered
            and response.context_data
            and "cl" in response.context_data
            and self.has_export_permission(request)
        ):
            # The list's own template, whichever it is, with the button added.
            response.context_data.update(
                export_base_template=select_template(
                    [response.template_name]
                    if isinstance(response.template_name, str)
                    else list(response.template_name)
                ),
                export_url=self._export_url(request),
                export_formats=ExportFormat.choices,
            )
            response.template_name = self.export_template
        return response

    def _admin_url_name(self, view: str) -> str:
        opts = self.opts
        return f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}"

    def _export_url(self, request: HttpRequest) -> str:
        url = reverse(self._admin_url_name("export"))
        query = export_query(request)
        return f"{url}?{query}" if query else url

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_export_permission(request):
            raise PermissionDenied
        changelist = reverse(self._admin_url_name("changelist"))
        query = export_query(request)
        back = f"{changelist}?{query}" if query else changelist
        chosen = request.POST.get("format", "")
        if chosen not in ExportFormat.values:
            self.message_user(
                request, gettext("Choose Excel or CSV to export."), messages.ERROR
            )
            return HttpResponseRedirect(back)
        try:
            job = services.export_start(
                kind=self.export_kind,
                by=request.user,
                query=query,
                format=chosen,
                language=getattr(request, "LANGUAGE_CODE", "zh-hans"),
                rows=lambda: changelist_queryset(self, request),
            )
        except IncorrectLookupParameters:
            return HttpResponseRedirect(f"{changelist}?{ERROR_FLAG}=1")
        except DomainError as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(back)
        if job.status == ExportStatus.DONE:
            return file_response(job)
        return HttpResponseRedirect(progress_url(job))
