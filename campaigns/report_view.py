"""The campaign's "report" tool: choose a period, download the workbook.

Mounted by the campaign's admin page at `<campaign_id>/report/` (see
`campaigns.tools`). Without `start`/`end` it shows the period form (the
whole period filled in, a link per week for the weekly meeting); with them
it answers the workbook, or the form again with a Chinese message and what
was typed (400) when a date is not one or falls outside the period. The
campaign is looked up in the user's scope: another unit's campaign is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import pgettext, pgettext_lazy

from campaigns import tools
from campaigns.models import Campaign
from campaigns.report import (
    CONTEXT,
    report_data,
    report_filename,
    workbook_bytes,
)
from campaigns.selectors import campaigns_visible_to
from citymgmt.xlsx import XLSX

NOT_A_DATE = pgettext_lazy(CONTEXT, "Give the date as year-month-day, 2020-04-06.")


class ReportPeriodForm(forms.Form):
    """The period of the report: inside the campaign's, start not after end."""

    start = forms.DateField(
        label=pgettext_lazy(CONTEXT, "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": NOT_A_DATE},
    )
    end = forms.DateField(
        label=pgettext_lazy(CONTEXT, "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": NOT_A_DATE},
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        campaign = self.campaign
        start = cleaned.get("start") or campaign.starts_on
        end = cleaned.get("end") or campaign.ends_on
        outside = pgettext(
            CONTEXT, "The report covers the campaign's period, %(start)s to %(end)s."
        ) % {"start": campaign.starts_on, "end": campaign.ends_on}
        if not campaign.starts_on <= start <= campaign.ends_on:
            self.add_error("start", outside)
        if not campaign.starts_on <= end <= campaign.ends_on:
            self.add_error("end", outside)
        if not self.errors and start > end:
            self.add_error(
                "end", pgettext(CONTEXT, "The end cannot be before the start.")
            )
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


def weeks(campaign: Campaign, *, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The period's weeks (Monday to Sunday, cut to the period) up to today."""
    last = min(campaign.ends_on, today)
    found: list[tuple[dt.date, dt.date]] = []
    start = campaign.starts_on
    while start <= last:
        end = min(start + dt.timedelta(days=6 - start.weekday()), campaign.ends_on)
        found.append((start, end))
        start = end + dt.timedelta(days=1)
    return found


def report_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The period form, or the campaign's report workbook for the period asked."""
    campaign = (
        campaigns_visible_to(user=request.user)
        .select_related("lead_squad")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise Http404(pgettext(CONTEXT, "No such campaign."))
    asked = "start" in request.GET or "end" in request.GET
    form = ReportPeriodForm(request.GET if asked else None, campaign=campaign)
    if asked and form.is_valid():
        data = report_data(
            campaign=campaign,
            user=request.user,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
        )
        response = HttpResponse(workbook_bytes(data), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=report_filename(data)
        )
        return response
    if not asked:
        form.initial = {"start": campaign.starts_on, "end": campaign.ends_on}
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "admin/campaigns/campaign/report.html",
        {
            **admin.site.each_context(request),
            "title": pgettext(CONTEXT, "Report workbook"),
            "campaign": campaign,
            "opts": Campaign._meta,
            "form": form,
            "weeks": weeks(campaign, today=today),
        },
        status=400 if asked else 200,
    )


tools.register(
    tools.CampaignTool(
        name="report",
        route="report/",
        view=report_view,
        label=pgettext_lazy(CONTEXT, "Report workbook"),
        position=40,
    )
)
