"""/stats/: the public statistics page (no sign-in, no personal data)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dashboard import public


@require_safe
def public_stats(request: HttpRequest) -> HttpResponse:
    """This month and last month by street, the top categories, one chart."""
    periods = [public.figures(kind) for kind in public.PERIODS]
    return render(request, "dashboard/public_stats.html", {"periods": periods})
