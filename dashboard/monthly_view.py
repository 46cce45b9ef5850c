"""/admin/dashboard/monthly/: the month picker and the monthly KPI workbook.

Without `month` it lists the last twelve months, each with its download
link and a field for any other month; with `month=2026-11` it answers the
workbook of the figures the user may see (a leader: their unit and the
units below it), or the page again (400) with a Chinese message and what
was typed when the month cannot be read or lies outside 2000-01..this month.
Staff whose role sees no cases are refused (403).
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from citymgmt.errors import InvalidInput
from citymgmt.xlsx import XLSX
from dashboard.monthly import (
    filename,
    label,
    month_period,
    monthly_data,
    recent_months,
    workbook_bytes,
)
from squads.roles import role_of


def monthly_view(request: HttpRequest) -> HttpResponse:
    """The month picker, or the workbook of the month asked for."""
    if role_of(user=request.user) is None:
        raise PermissionDenied
    typed = request.GET.get("month")
    error = ""
    if typed is not None:
        try:
            period = month_period(typed)
        except InvalidInput as refusal:
            error = str(refusal.message)
        else:
            data = monthly_data(user=request.user, period=period)
            response = HttpResponse(workbook_bytes(data), content_type=XLSX)
            response["Content-Disposition"] = content_disposition_header(
                as_attachment=True, filename=filename(data)
            )
            return response
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "admin/dashboard/monthly.html",
        {
            **admin.site.each_context(request),
            "title": label("Monthly KPI workbook"),
            "months": recent_months(today=today),
            "typed": typed or "",
            "error": error,
            "latest": f"{today:%Y-%m}",
        },
        status=400 if error else 200,
    )
