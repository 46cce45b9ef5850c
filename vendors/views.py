"""Public pages: the market finder, a market, the stall request and its tracking."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from citymgmt import ratelimit
from citymgmt.errors import DomainError, TooManyAttempts
from citymgmt.forms import add_domain_error
from citymgmt.middleware import reads_partial_body, refusal
from citymgmt.views import throttled_page
from complaints.forms import initial_from
from vendors import proofs
from vendors import selectors_public as selectors
from vendors.forms import HONEYPOT, TYPED_FIELDS, StallRequestForm, StallTrackForm
from vendors.models import StallRequest
from vendors.services import requests as services

FORM_TEMPLATE = "vendors/_request_form.html"
TRACK_FORM_TEMPLATE = "vendors/_track_form.html"


def _throttled(
    request: HttpRequest, retry_after: int, *, form_template: str, context: dict
) -> HttpResponse:
    return throttled_page(
        request, retry_after, form_template=form_template, context=context
    )


@require_http_methods(["GET", "HEAD"])
def markets(request: HttpRequest) -> HttpResponse:
    found = list(selectors.markets_public())
    week_of = {m.pk: selectors.opening_week(m) for m in found}
    return render(
        request,
        "vendors/markets.html",
        {
            "markets": [
                {
                    "market": m,
                    "week": week_of[m.pk],
                    "unit": m.community.covering_squad,
                    "has_card": selectors.unit_has_card(m),
                }
                for m in found
            ],
        },
    )


@require_http_methods(["GET", "HEAD"])
def market(request: HttpRequest, market_id: int) -> HttpResponse:
    found = selectors.market_public(market_id=market_id)
    if found is None:
        raise Http404(_("No such market."))
    return render(
        request,
        "vendors/market.html",
        {
            "market": found,
            "week": selectors.opening_week(found),
            "unit": found.community.covering_squad,
            "has_card": selectors.unit_has_card(found),
            "summary": selectors.stall_summary(market=found),
        },
    )


def _submitted(form: StallRequestForm) -> StallRequest | None:
    """File what the form read; else put every refusal on it, keeping the text."""
    if not form.is_valid():
        refused = services.stall_request_refusal(form.readable())
        if refused is not None:
            for field, messages in refused.errors.items():
                if field not in form.errors:
                    for message in messages:
                        form.add_error(field, message)
        return None
    try:
        return services.stall_request_submit(**form.submit_arguments())
    except DomainError as err:
        add_domain_error(form, err)
        return None


@require_http_methods(["GET", "HEAD", "POST"])
@reads_partial_body
def request_new(request: HttpRequest) -> HttpResponse:
    body_refusal = getattr(request, "body_refusal", None)
    if body_refusal is not None:
        form = StallRequestForm(initial=initial_from(request.POST, fields=TYPED_FIELDS))
        return refusal(
            request,
            body_refusal,
            status=400,
            context={"form": form, "form_template": FORM_TEMPLATE},
        )
    if request.method == "POST":
        verdict = ratelimit.hit(
            "stall-request",
            ratelimit.client_ip(request),
            settings.STALL_REQUEST_RATE,
        )
        if not verdict.allowed:
            form = StallRequestForm(
                initial=initial_from(request.POST, fields=TYPED_FIELDS)
            )
            return _throttled(
                request,
                verdict.retry_after,
                form_template=FORM_TEMPLATE,
                context={"form": form},
            )
        if request.POST.get(HONEYPOT, "").strip():
            # A bot filled the hidden field: thank it and keep nothing.
            return render(request, "vendors/request_done.html", {"stall_request": None})
        form = StallRequestForm(request.POST)
        filed = _submitted(form)
        if filed is not None:
            return proofs.remember(
                request,
                redirect("vendors:request_done"),
                reference=filed.reference,
                last4=filed.phone[-4:],
                submitted=True,
            )
    else:
        preset = request.GET.get("market", "").strip()[:10]
        form = StallRequestForm(
            initial={"market": int(preset)} if preset.isdigit() else None
        )
    return render(request, "vendors/request.html", {"form": form})


def _tracking_url(reference: str) -> str:
    return reverse("vendors:request_track") + "?" + urlencode({"reference": reference})


@require_http_methods(["GET", "HEAD"])
def request_done(request: HttpRequest) -> HttpResponse:
    """The receipt: only the browser that sent the request sees it."""
    sent = proofs.read(request)
    reference = sent.submitted
    last4 = sent.tracked.get(reference, "")
    found = (
        services.stall_request_for_tracking(reference=reference, phone_last4=last4)
        if reference
        else None
    )
    if found is None:
        return redirect("vendors:request_new")
    return render(
        request,
        "vendors/request_done.html",
        {
            "stall_request": found,
            "last4": last4,
            "has_card": found.squad_id is not None
            and found.squad_id in selectors.squads_with_card(),
            "tracking_url": _tracking_url(found.reference),
        },
    )


def _request_page(request: HttpRequest, found: StallRequest) -> HttpResponse:
    return render(request, "vendors/request_track.html", {"stall_request": found})


@require_http_methods(["GET", "HEAD", "POST"])
def request_track(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        verdict = ratelimit.hit(
            "stall-request-track",
            ratelimit.client_ip(request),
            settings.COMPLAINT_TRACK_RATE,
        )
        if not verdict.allowed:
            form = StallTrackForm(
                initial=initial_from(request.POST, fields=["reference", "phone_last4"])
            )
            return _throttled(
                request,
                verdict.retry_after,
                form_template=TRACK_FORM_TEMPLATE,
                context={"form": form},
            )
        form = StallTrackForm(request.POST)
        if not form.is_valid():
            return render(request, "vendors/request_track.html", {"form": form})
        try:
            found = services.stall_request_track(
                reference=form.cleaned_data["reference"],
                phone_last4=form.cleaned_data["phone_last4"],
                client=ratelimit.client_ip(request),
            )
        except TooManyAttempts as err:
            add_domain_error(form, err)
            response = render(
                request, "vendors/request_track.html", {"form": form}, status=429
            )
            response["Retry-After"] = str(err.retry_after)
            return response
        if found is None:
            form.add_error(
                None, _("No stall request matches this reference and phone number.")
            )
            return render(request, "vendors/request_track.html", {"form": form})
        return proofs.remember(
            request,
            redirect(_tracking_url(found.reference)),
            reference=found.reference,
            last4=form.cleaned_data["phone_last4"],
        )
    reference = services.reference_normalize(request.GET.get("reference", ""))
    last4 = proofs.read(request).tracked.get(reference)
    if last4:
        found = services.stall_request_for_tracking(
            reference=reference, phone_last4=last4
        )
        if found is not None:
            return _request_page(request, found)
    form = StallTrackForm(initial={"reference": reference} if reference else None)
    return render(request, "vendors/request_track.html", {"form": form})
