"""Public complaint pages: file a complaint, see the receipt, track and rate it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from citymgmt import pagecache, ratelimit
from citymgmt.errors import DomainError, TooManyAttempts
from citymgmt.forms import add_domain_error
from citymgmt.middleware import reads_partial_body, refusal
from citymgmt.views import throttled_page
from complaints import proofs, references, selectors, services
from complaints.forms import (
    HONEYPOT,
    ComplaintForm,
    RateForm,
    TrackForm,
    initial_from,
    photo_limits,
    preset_area,
)
from complaints.models import (
    Complaint,
    Satisfaction,
    Status,
)
from complaints.timeline import public_entries
from squads import selectors as squad_selectors

TYPED_FIELDS = [
    "request_type",
    "category",
    "description",
    "address",
    "street",
    "community",
    "unit",
    "latitude",
    "longitude",
    "citizen_name",
    "phone",
    "is_anonymous",
    "consent",
]


def _throttled(
    request: HttpRequest,
    verdict: ratelimit.Verdict,
    *,
    form_template: str,
    context: dict[str, Any],
) -> HttpResponse:
    return throttled_page(
        request, verdict.retry_after, form_template=form_template, context=context
    )


def _tracking_url(reference: str) -> str:
    return reverse("complaints:track") + "?" + urlencode({"reference": reference})


def _form_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "photos_chosen": len(request.FILES.getlist("photos")),
        "limits": photo_limits(),
    }


def _submitted(form: ComplaintForm) -> Complaint | None:
    """File what the form read; else put every refusal on it, keeping the text.

    When some inputs could not be read, the service still checks the rest,
    so the citizen corrects everything in one go.
    """
    if not form.is_valid():
        refusal = services.complaint_submit_refusal(form.cleaned_data)
        if refusal is not None:
            add_domain_error(form, refusal)
        return None
    try:
        return services.complaint_submit(**form.submit_arguments())
    except DomainError as err:
        add_domain_error(form, err)
        return None


@require_http_methods(["GET", "HEAD", "POST"])
@reads_partial_body
def new(request: HttpRequest) -> HttpResponse:
    body_refusal = getattr(request, "body_refusal", None)
    if body_refusal is not None:
        # The body was cut or malformed: nothing is filed; what was read of
        # the text is shown again to send once more.
        form = ComplaintForm(initial=initial_from(request.POST, fields=TYPED_FIELDS))
        return refusal(
            request,
            body_refusal,
            status=400,
            context={
                "form": form,
                "form_template": "complaints/_form.html",
                **_form_context(request),
            },
        )
    if request.method == "POST":
        with ratelimit.counting(
            "complaint-submit",
            ratelimit.client_ip(request),
            settings.COMPLAINT_SUBMIT_RATE,
        ) as count:
            # What was typed is read while the count travels; nothing is
            # filed, and no photo is opened, before the count allows it.
            form = ComplaintForm(request.POST, request.FILES)
            if not request.FILES:
                form.is_valid()
        verdict = count.verdict()
        if not verdict.allowed:
            form = ComplaintForm(
                initial=initial_from(request.POST, fields=TYPED_FIELDS)
            )
            return _throttled(
                request,
                verdict,
                form_template="complaints/_form.html",
                context={"form": form, **_form_context(request)},
            )
        if request.POST.get(HONEYPOT, "").strip():
            # A bot filled the hidden field: thank it and keep nothing.
            return render(request, "complaints/done.html", {"complaint": None})
        complaint = _submitted(form)
        if complaint is not None:
            return proofs.remember(
                request,
                redirect("complaints:done"),
                reference=complaint.reference,
                last4=complaint.phone[-4:],
                submitted=True,
            )
        area_units: list = []
    elif not request.GET:
        # The blank form is the same for everyone: drawn once per language
        # and reference-data version (citymgmt.pagecache).
        return pagecache.cached_page(
            request,
            "complaint-form",
            lambda token: render_to_string(
                "complaints/new.html",
                {
                    "form": ComplaintForm(),
                    "area_units": [],
                    "csrf_token": token,
                    **_form_context(request),
                },
                request=request,
            ),
            versioned=True,
        )
    else:
        # A contact card's QR code lands here with ?area=<code> (and &unit=
        # <code> when its unit covers several communities): preset the picker
        # and say which unit covers the area.
        area_code = request.GET.get("area", "").strip()[:15]
        form = ComplaintForm(
            initial={**preset_area(area_code), "unit": request.GET.get("unit", "")}
        )
        if form.card_unit is not None:
            area_units = [form.card_unit]
        elif area_code.isdigit():
            area_units = squad_selectors.squads_for_area(code=area_code)
        else:
            area_units = []
    return render(
        request,
        "complaints/new.html",
        {"form": form, "area_units": area_units, **_form_context(request)},
    )


def done(request: HttpRequest) -> HttpResponse:
    """The receipt: only the browser that filed the complaint sees it."""
    reference = proofs.read(request).submitted
    complaint = (
        selectors.complaint_for_receipt(reference=reference) if reference else None
    )
    if complaint is None:
        return redirect("complaints:new")
    card = None
    if complaint.squad is not None:
        card = squad_selectors.contact_card_current(code=complaint.squad.code)
    return render(
        request,
        "complaints/done.html",
        {
            "complaint": complaint,
            "card": card,
            "last4": complaint.phone[-4:],
            "tracking_url": _tracking_url(complaint.reference),
        },
    )


def _handler(complaint: Complaint) -> str:
    """Who handles the case, as far as the citizen can be told now."""
    if complaint.squad is not None and complaint.dispatched_at is not None:
        return complaint.squad.name
    if complaint.status in (Status.SUBMITTED, Status.REGISTERED):
        if complaint.squad is not None:
            return _("%(unit)s, once the command centre confirms it") % {
                "unit": complaint.squad.name
            }
        return _("The command centre will assign a unit.")
    return "—"


def _case_page(
    request: HttpRequest,
    complaint: Complaint,
    last4: str,
    *,
    rate_form: RateForm | None = None,
    rating_error: str = "",
) -> HttpResponse:
    events = list(selectors.public_timeline(complaint=complaint))
    rating_open = selectors.rating_open(complaint=complaint)
    if not rating_open:
        rate_form = None
    elif rate_form is None:
        rate_form = RateForm(
            initial={"reference": complaint.reference, "phone_last4": last4}
        )
    return render(
        request,
        "complaints/track.html",
        {
            "complaint": complaint,
            "entries": public_entries(complaint, events),
            "handler": _handler(complaint),
            "rate_form": rate_form,
            "rating_open": rating_open,
            "rating_error": rating_error,
            "rating_days": settings.COMPLAINT_RATING_DAYS,
        },
    )


def _no_match(request: HttpRequest, form: TrackForm) -> HttpResponse:
    # The same answer whether the reference exists or not.
    form.add_error(None, _("No case matches this reference and phone number."))
    return render(request, "complaints/track.html", {"form": form})


def _proven(request: HttpRequest, form: TrackForm) -> Complaint | HttpResponse:
    """The case the form's reference and digits prove, or the page saying no."""
    try:
        complaint = services.complaint_track(
            reference=form.cleaned_data["reference"],
            phone_last4=form.cleaned_data["phone_last4"],
            client=ratelimit.client_ip(request),
        )
    except TooManyAttempts as err:
        add_domain_error(form, err)
        response = render(request, "complaints/track.html", {"form": form}, status=429)
        response["Retry-After"] = str(err.retry_after)
        return response
    if complaint is None:
        return _no_match(request, form)
    return complaint


def _track_throttle(request: HttpRequest) -> ratelimit.Verdict:
    return ratelimit.hit(
        "complaint-track",
        ratelimit.client_ip(request),
        settings.COMPLAINT_TRACK_RATE,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        verdict = _track_throttle(request)
        if not verdict.allowed:
            form = TrackForm(
                initial=initial_from(request.POST, fields=["reference", "phone_last4"])
            )
            return _throttled(
                request,
                verdict,
                form_template="complaints/_track_form.html",
                context={"form": form},
            )
        form = TrackForm(request.POST)
        if not form.is_valid():
            return render(request, "complaints/track.html", {"form": form})
        complaint = _proven(request, form)
        if isinstance(complaint, HttpResponse):
            return complaint
        return proofs.remember(
            request,
            redirect(_tracking_url(complaint.reference)),
            reference=complaint.reference,
            last4=form.cleaned_data["phone_last4"],
        )

    reference = references.normalize(request.GET.get("reference", ""))
    last4 = proofs.read(request).tracked.get(reference)
    if last4:
        complaint = selectors.complaint_for_tracking(
            reference=reference, phone_last4=last4
        )
        if complaint is not None:
            return _case_page(request, complaint, last4)
    form = TrackForm(initial={"reference": reference} if reference else None)
    return render(request, "complaints/track.html", {"form": form})


@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    verdict = _track_throttle(request)
    if not verdict.allowed:
        form = RateForm(
            initial=initial_from(
                request.POST,
                fields=["reference", "phone_last4", "satisfaction", "comment"],
            )
        )
        return _throttled(
            request,
            verdict,
            form_template="complaints/_rate_form.html",
            context={"rate_form": form},
        )
    form = RateForm(request.POST)
    track_form = TrackForm(request.POST)
    if not track_form.is_valid():
        return render(request, "complaints/track.html", {"form": track_form})
    last4 = track_form.cleaned_data["phone_last4"]
    complaint = _proven(request, track_form)
    if isinstance(complaint, HttpResponse):
        return complaint
    if form.is_valid():
        was_closed = complaint.status == Status.CLOSED
        try:
            updated = services.complaint_rate(
                complaint=complaint,
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                complaint.refresh_from_db()
                return _case_page(
                    request, complaint, last4, rate_form=form, rating_error=exc.message
                )
        else:
            messages.success(request, _rating_message(updated, was_closed=was_closed))
            return proofs.remember(
                request,
                redirect(_tracking_url(updated.reference)),
                reference=updated.reference,
                last4=last4,
            )
    return _case_page(request, complaint, last4, rate_form=form)


def _rating_message(complaint: Complaint, *, was_closed: bool) -> str:
    if was_closed and complaint.status == Status.PROCESSING:
        return _(
            "Thank you. We are sorry the result did not satisfy you: the case has "
            "been reopened and sent back to %(unit)s."
        ) % {
            "unit": complaint.squad.name if complaint.squad else _("the command centre")
        }
    if complaint.satisfaction == Satisfaction.DISSATISFIED:
        if complaint.squad is not None:
            return _(
                "Thank you. Your rating is recorded. The case was reopened once "
                "already, so it stays closed; you can call the supervision phone "
                "%(phone)s."
            ) % {"phone": complaint.squad.supervision_phone}
        return _("Thank you. Your rating is recorded.")
    return _("Thank you for rating the handling of your case.")
