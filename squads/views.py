"""Public pages: the squad directory, contact cards and workstations."""

from __future__ import annotations

from itertools import groupby

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control

from squads import selectors
from squads.models import ContactCard
from squads.qr import qr_png


def directory(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    q_clean = " ".join(q.split())[: selectors.SEARCH_MAX_LENGTH]
    communities = list(selectors.directory_search(q=q_clean))
    streets = [
        (street, list(rows))
        for street, rows in groupby(communities, key=lambda area: area.parent)
    ]
    return render(
        request,
        "squads/directory.html",
        {
            "q": q_clean,
            "truncated": len(" ".join(q.split())) > selectors.SEARCH_MAX_LENGTH,
            "streets": streets,
            "result_count": len(communities),
        },
    )


def complaint_form_url(request: HttpRequest, card: ContactCard) -> str:
    """The absolute address of the complaint form preset to the card's area."""
    preset = selectors.card_complaint_preset(card=card)
    path = reverse("complaints:new") + "?" + urlencode(preset)
    base = settings.PUBLIC_BASE_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def card(request: HttpRequest, code: str) -> HttpResponse:
    current = selectors.contact_card_current(code=code)
    if current is None:
        raise Http404("No published card for this unit.")
    content = current.content
    return render(
        request,
        "squads/card.html",
        {
            "card": current,
            "c": content,
            "complaint_url": complaint_form_url(request, current),
        },
    )


@cache_control(max_age=3600)
def card_qr(request: HttpRequest, code: str) -> HttpResponse:
    current = selectors.contact_card_current(code=code)
    if current is None:
        raise Http404("No published card for this unit.")
    payload = complaint_form_url(request, current)
    return HttpResponse(qr_png(payload), content_type="image/png")


def workstations(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.workstations_public())
    streets = [
        (
            street,
            [
                (community, list(stations))
                for community, stations in groupby(
                    in_street, key=lambda ws: ws.community
                )
            ],
        )
        for street, in_street in groupby(rows, key=lambda ws: ws.community.parent)
    ]
    return render(request, "squads/workstations.html", {"streets": streets})
