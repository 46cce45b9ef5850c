"""Complaint pages. Until online filing opens, they point citizens to a phone."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from squads import selectors as squad_selectors


def new(request: HttpRequest) -> HttpResponse:
    # The contact-card QR code lands here with ?area=<code>: show who covers it.
    area_code = request.GET.get("area", "").strip()[:15]
    squads = []
    if area_code.isdigit():
        squads = squad_selectors.squads_for_area(code=area_code)
    return render(
        request,
        "complaints/not_open.html",
        {"squads": squads, "area_code": area_code, "page": "new"},
    )


def track(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/not_open.html", {"page": "track"})
