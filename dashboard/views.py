"""The dashboard's pages: the admin page, its print view, the definitions;
and /stats/, the public statistics page (no sign-in, no personal data).

The admin pages are mounted under /admin/dashboard/ (`dashboard.admin_urls`,
included by the project URLconf before the admin) and wrapped by the admin
site, so they ask for a staff sign-in like every admin page. Every staff
role may open them; the figures are those of the user's scope. The public
page is mounted at /stats/ (`dashboard.urls`).
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from dashboard import public
from dashboard.definitions import definitions_html
from dashboard.page import panel_context
from squads.roles import role_of


def _staff_context(request: HttpRequest, title: str) -> dict:
    if role_of(user=request.user) is None:
        raise PermissionDenied
    return {**admin.site.each_context(request), "title": title}


def dashboard_page(request: HttpRequest) -> HttpResponse:
    context = _staff_context(request, _("Dashboard"))
    context.update(panel_context(request, action=reverse("dashboard:page")))
    return TemplateResponse(request, "admin/dashboard/page.html", context)


def dashboard_print(request: HttpRequest) -> HttpResponse:
    context = _staff_context(request, _("Dashboard"))
    context.update(panel_context(request, action=reverse("dashboard:print")))
    context["printing"] = True
    return TemplateResponse(request, "admin/dashboard/print.html", context)


def definitions(request: HttpRequest) -> HttpResponse:
    context = _staff_context(request, _("What each figure counts"))
    context["definitions"] = mark_safe(definitions_html())  # noqa: S308 - our own file
    return TemplateResponse(request, "admin/dashboard/definitions.html", context)


page_view = admin.site.admin_view(dashboard_page)
print_view = admin.site.admin_view(dashboard_print)
definitions_view = admin.site.admin_view(definitions)


@require_safe
def public_stats(request: HttpRequest) -> HttpResponse:
    """This month and last month by street, the top categories, one chart."""
    periods = [public.figures(kind) for kind in public.PERIODS]
    return render(request, "dashboard/public_stats.html", {"periods": periods})
