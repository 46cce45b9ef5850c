"""The week grid: one unit's tallies for a campaign, a row per day.

`/admin/campaigns/campaign/<id>/grid/?unit=<squad id>&week=YYYY-Www` (and
`&segment=<id>` where the unit answers for road segments in the campaign).
Without `unit`, the user's own unit; without `week`, this week, moved into
the campaign's period. Only the campaign's participating units inside the
user's scope are offered; any other unit (or segment) is a 404. Days outside
the period or still to come are shown but cannot be typed into; a campaign
that is not running is shown read-only. Saving goes through `rows.save_rows`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns import selectors, services
from campaigns.admin.rows import (
    Row,
    photos_again_note,
    row_from_post,
    row_from_tally,
    save_rows,
    shown,
)
from campaigns.models import Campaign, CampaignStatus, Metric, RoadSegment
from citymgmt.photos import PHOTO_TYPES
from squads.models import Squad
from squads.roles import member_for, role_of

WEEK_RE = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
DAYS = 7


def parse_week(text: str) -> dt.date | None:
    """The Monday of an ISO week written 2026-W05 (None: not such a week)."""
    found = WEEK_RE.match(text or "")
    if not found:
        return None
    try:
        return dt.date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        return None


def week_code(monday: dt.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def locked_reason(campaign: Campaign) -> str:
    if campaign.status == CampaignStatus.CLOSED:
        return _("The campaign is closed; its tallies are locked.")
    if campaign.status == CampaignStatus.PLANNED:
        return _("The campaign has not started yet.")
    return ""


def may_record(user: Any) -> bool:
    return role_of(user=user) in services.RECORDS_TALLIES


def day_closed_reason(campaign: Campaign, day: dt.date, today: dt.date) -> str:
    """Why nothing can be typed for this day ("" when it can)."""
    if not campaign.starts_on <= day <= campaign.ends_on:
        return _("Outside the campaign's period")
    if day > today:
        return _("A day still to come")
    return ""


@dataclass
class Week:
    monday: dt.date
    note: str = ""

    @property
    def days(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(days=i) for i in range(DAYS)]

    @property
    def code(self) -> str:
        return week_code(self.monday)


def pick_week(request: HttpRequest, campaign: Campaign) -> Week:
    """The week asked for, moved into the campaign's period; else this week."""
    first = monday_of(campaign.starts_on)
    last = monday_of(campaign.ends_on)
    typed = request.GET.get("week", "")
    monday = parse_week(typed) if typed else None
    note = ""
    if monday is None:
        if typed:
            note = _("“%(week)s” is not a week like 2026-W05; this week is shown.") % {
                "week": typed[:20]
            }
        today = timezone.localdate()
        monday = monday_of(min(max(today, campaign.starts_on), campaign.ends_on))
    return Week(min(max(monday, first), last), note)


def pick_unit(
    request: HttpRequest, units: list[Squad], *, lead_id: int | None = None
) -> Squad:
    """The unit asked for among those offered (another → 404); else the
    user's own unit when it takes part, else the first unit that takes part
    (the lead unit, which usually directs rather than tallies, last)."""
    by_id = {unit.pk: unit for unit in units}
    typed = request.GET.get("unit")
    if typed:
        try:
            return by_id[int(typed)]
        except (KeyError, ValueError):
            raise Http404(_("No such unit in this campaign, or not yours.")) from None
    member = member_for(user=request.user)
    if member is not None and member.squad_id in by_id:
        return by_id[member.squad_id]
    return next((unit for unit in units if unit.pk != lead_id), units[0])


def pick_segment(
    request: HttpRequest, segments: list[RoadSegment]
) -> RoadSegment | None:
    typed = request.GET.get("segment")
    if not typed:
        return None
    try:
        return {s.pk: s for s in segments}[int(typed)]
    except (KeyError, ValueError):
        raise Http404(_("No such road segment of this unit in the campaign.")) from None


def grid_url(
    campaign: Campaign,
    *,
    unit: Squad | int | None = None,
    week: dt.date | None = None,
    segment: RoadSegment | None = None,
) -> str:
    query: dict[str, Any] = {}
    if unit is not None:
        query["unit"] = unit if isinstance(unit, int) else unit.pk
    if week is not None:
        query["week"] = week_code(week)
    if segment is not None:
        query["segment"] = segment.pk
    url = reverse("admin:campaigns_campaign_grid", args=[campaign.pk])
    return f"{url}?{urlencode(query)}" if query else url


def week_totals(rows: list[Row], metrics: list[Metric]) -> list[str]:
    """The week's saved figures per metric (what the tallies hold)."""
    totals = []
    for metric in metrics:
        values = [
            v.value
            for row in rows
            if row.tally is not None
            for v in row.tally.values.all()
            if v.metric_id == metric.pk
        ]
        totals.append(shown(sum(values, Decimal(0)), metric) if values else "")
    return totals


def grid_view(model_admin: Any, request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Show one unit's week, or save it (POST)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    user = request.user
    campaign = (
        selectors.campaigns_visible_to(user=user)
        .select_related("lead_squad")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise Http404(_("No such campaign, or your units do not take part in it."))
    units = selectors.campaign_units(campaign=campaign, user=user)
    if not units:
        raise Http404(_("None of your units takes part in this campaign."))
    unit = pick_unit(request, units, lead_id=campaign.lead_squad_id)
    segments = selectors.unit_segments(campaign=campaign, squad=unit)
    segment = pick_segment(request, segments)
    week = pick_week(request, campaign)
    metrics = selectors.campaign_metrics(campaign=campaign)
    tallies = selectors.week_tallies(
        campaign=campaign,
        squad=unit,
        road_segment=segment,
        start=week.monday,
        end=week.days[-1],
    )
    locked = locked_reason(campaign)
    recorder = may_record(user)
    editable = recorder and not locked
    today = timezone.localdate()
    rows = []
    for i, day in enumerate(week.days):
        row = row_from_tally(
            day=day, prefix=f"d{i}", metrics=metrics, tally=tallies.get(day)
        )
        row.why_disabled = day_closed_reason(campaign, day, today)
        row.enabled = editable and not row.why_disabled
        rows.append(row)
    here = grid_url(campaign, unit=unit, week=week.monday, segment=segment)

    if request.method == "POST":
        if not recorder:
            raise PermissionDenied
        if locked:
            messages.error(request, locked)
            return HttpResponseRedirect(here)
        rows = [row_from_post(request, row) for row in rows]
        saved = save_rows(
            request, campaign=campaign, squad=unit, road_segment=segment, rows=rows
        )
        if saved is not None:
            if saved:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d day saved for %(unit)s.",
                        "%(count)d days saved for %(unit)s.",
                        saved,
                    )
                    % {"count": saved, "unit": unit.name},
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return HttpResponseRedirect(here)
        messages.error(
            request,
            _("Nothing was saved: correct the marked cells and save again."),
        )
    elif week.note:
        messages.warning(request, week.note)

    first, last = monday_of(campaign.starts_on), monday_of(campaign.ends_on)
    prev_week = week.monday - dt.timedelta(days=7)
    next_week = week.monday + dt.timedelta(days=7)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "media": model_admin.media,
        "title": _("Week grid"),
        "subtitle": campaign.name,
        "campaign": campaign,
        "unit": unit,
        "units": units,
        "segment": segment,
        "segments": segments,
        "week": week,
        "metrics": metrics,
        "rows": rows,
        "refused": any(row.has_errors for row in rows),
        "totals": week_totals(rows, metrics),
        "editable": editable,
        "locked": locked,
        "recorder": recorder,
        "photo_types": PHOTO_TYPES,
        "photos_again": photos_again_note(rows) if request.method == "POST" else "",
        "action_url": here,
        "prev_url": (
            grid_url(campaign, unit=unit, week=prev_week, segment=segment)
            if prev_week >= first
            else ""
        ),
        "next_url": (
            grid_url(campaign, unit=unit, week=next_week, segment=segment)
            if next_week <= last and next_week <= today
            else ""
        ),
        "change_url": reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
    }
    return TemplateResponse(request, "admin/campaigns/campaign/grid.html", context)
