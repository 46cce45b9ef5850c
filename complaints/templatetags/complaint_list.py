"""The triage list's result table: Django's headers, rows from complaints.admin.rows."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.views.main import ChangeList

from complaints.admin.rows import result_rows

register = template.Library()


@register.inclusion_tag("admin/complaints/complaint/result_rows.html")
def complaint_result_list(cl: ChangeList) -> dict[str, Any]:
    """What Django's {% result_list %} hands its template, rows drawn once each."""
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "rows": result_rows(cl),
    }
