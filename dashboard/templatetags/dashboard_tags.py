"""`{% load dashboard_tags %}{% dashboard_panel %}`: the dashboard on the admin index.

The desk (dispatchers, supervisors) and a unit's leaders open the admin on
their figures, above the app list; an officer and anyone without a role
keep the plain index. The core's template loads this tag by name, so the
core imports no app.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from dashboard.page import INDEX_ROLES, panel_context
from squads.roles import role_of

register = template.Library()


@register.inclusion_tag("admin/dashboard/_panel.html", takes_context=True)
def dashboard_panel(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    if request is None or role_of(user=request.user) not in INDEX_ROLES:
        return {"shown": False}
    panel = panel_context(request, action=reverse("admin:index"))
    return {**panel, "shown": True, "on_index": True, "request": request}
