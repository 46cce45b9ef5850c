"""The campaigns' list and a campaign's page.

The page shows the campaign's status, period and units, the totals table
(units × metrics from `campaigns.stats.unit_metric_totals`, the linked
counts of `campaigns.linked`, the targets and how far they are reached, all
inside the user's scope), a week grid link per unit, the Start or Close
button for supervisors and a button per registered tool
(`campaigns.tools`). Supervisors edit a campaign that is not closed through
`campaign_save`; everyone else, and everyone once it is closed, reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns import selectors, services, tools
from campaigns.admin.common import ServiceAdmin
from campaigns.admin.forms import CampaignForm
from campaigns.admin.grid import grid_url, grid_view, may_record
from campaigns.admin.rows import shown
from campaigns.linked import LINKED, linked_counts
from campaigns.models import Campaign, CampaignStatus, CampaignTarget
from campaigns.stats import unit_metric_totals
from citymgmt.errors import DomainError, Forbidden
from complaints.admin.changelist import UnitFilter
from squads.roles import role_of


@dataclass(frozen=True)
class Move:
    """Start or Close: the button, the question it asks, the service it calls."""

    name: str
    source: str
    label: Any
    question: Any
    done: Any
    service: Callable[..., Campaign]


MOVES = {
    "start": Move(
        "start",
        CampaignStatus.PLANNED,
        _("Start the campaign"),
        _(
            "Start “%(campaign)s”? Its units may record tallies from then on, "
            "for the days of its period up to the day they record."
        ),
        _("“%(campaign)s” is running: its units may record tallies."),
        services.campaign_start,
    ),
    "close": Move(
        "close",
        CampaignStatus.RUNNING,
        _("Close the campaign"),
        _(
            "Close “%(campaign)s”? Its tallies become final: nobody can change "
            "them or add more."
        ),
        _("“%(campaign)s” is closed; its tallies are final."),
        services.campaign_close,
    ),
}


# --- the totals table -----------------------------------------------------------


@dataclass
class Column:
    label: str
    unit: str
    linked: bool = False


@dataclass
class UnitRow:
    unit: Any
    cells: list[str]
    grid_url: str


@dataclass
class Totals:
    columns: list[Column]
    rows: list[UnitRow]
    total: list[str]
    target: list[str]
    reached: list[str]
    period_end: dt.date | None


def percent(done: Decimal, target: Decimal | None) -> str:
    if not target:
        return ""
    return f"{done * 100 / target:.1f}%"


def totals_table(request: HttpRequest, campaign: Campaign) -> Totals:
    """Units in the user's scope × the campaign's metrics, then the linked counts."""
    user = request.user
    units = selectors.campaign_units(campaign=campaign, user=user)
    targets: list[CampaignTarget] = selectors.campaign_targets(campaign=campaign)
    sums = unit_metric_totals(campaign=campaign, user=user)
    end = min(campaign.ends_on, timezone.localdate())
    counted = end >= campaign.starts_on
    linked = (
        linked_counts(
            campaign=campaign,
            squad_ids=[u.pk for u in units],
            start=campaign.starts_on,
            end=end,
        )
        if counted and units
        else {}
    )
    columns = [Column(t.metric.name_zh, t.metric.unit) for t in targets]
    columns += [Column(str(c.label), c.unit, linked=True) for c in LINKED]
    rows = []
    metric_sums = [Decimal(0)] * len(targets)
    linked_sums = [0] * len(LINKED)
    for unit in units:
        cells = []
        for i, t in enumerate(targets):
            value = sums.get((unit.pk, t.metric_id), Decimal(0))
            metric_sums[i] += value
            cells.append(shown(value, t.metric))
        for i, counter in enumerate(LINKED):
            n = linked.get(counter.code, {}).get(unit.pk, 0)
            linked_sums[i] += n
            cells.append(str(n))
        rows.append(UnitRow(unit, cells, grid_url(campaign, unit=unit)))
    blank = [""] * len(LINKED)
    return Totals(
        columns=columns,
        rows=rows,
        total=[shown(s, t.metric) for s, t in zip(metric_sums, targets, strict=True)]
        + [str(n) for n in linked_sums],
        target=[shown(t.target, t.metric) for t in targets] + blank,
        reached=[
            percent(s, t.target) for s, t in zip(metric_sums, targets, strict=True)
        ]
        + blank,
        period_end=end if counted else None,
    )


# --- the admin ------------------------------------------------------------------


@admin.register(Campaign)
class CampaignAdmin(ServiceAdmin):
    form = CampaignForm
    change_form_template = "admin/campaigns/campaign/change_form.html"
    list_display = ["name", "kind", "period", "status", "lead_squad"]
    list_filter = ["status", "kind", ("lead_squad", UnitFilter)]
    search_fields = ["name"]
    list_select_related = ["lead_squad"]
    ordering = ["-starts_on", "name"]
    # A handful of units and segments: boxes to tick; the catalog's many
    # categories: Django's two-list chooser.
    filter_horizontal = ["categories"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "kind",
                    "parent",
                    ("starts_on", "ends_on"),
                    ("lead_squad", "leader"),
                    "description",
                ]
            },
        ),
        (_("Units and road segments"), {"fields": ["squads", "road_segments"]}),
        (
            _("Complaints counted"),
            {"fields": ["categories"], "classes": ["collapse"]},
        ),
    ]

    def scoped_queryset(self, request: HttpRequest):
        return selectors.campaigns_visible_to(user=request.user).select_related(
            "lead_squad", "leader", "parent"
        )

    def get_object(self, request, object_id, from_field=None):
        # The scope check and the change view ask for the same row: read it once.
        cache = request.__dict__.setdefault("_citydesk_campaigns", {})
        key = (str(object_id), from_field)
        if key not in cache:
            cache[key] = super().get_object(request, object_id, from_field)
        return cache[key]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("squads", "road_segments"):
            kwargs["widget"] = forms.CheckboxSelectMultiple(
                attrs={"class": "cd-choices"}
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == CampaignStatus.CLOSED:
            return False  # the figures are final: the page only reads
        return super().has_change_permission(request, obj)

    @admin.display(description=_("period"), ordering="starts_on")
    def period(self, obj: Campaign) -> str:
        return f"{obj.starts_on:%Y-%m-%d} – {obj.ends_on:%Y-%m-%d}"

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        form = context["adminform"].form
        context["targets"] = (
            getattr(form, "targets", None)
            if add or self.has_change_permission(request, obj)
            else None
        )
        if obj is not None and obj.pk:
            context.update(self.page_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def page_context(self, request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
        totals = totals_table(request, campaign)
        moves = []
        if role_of(user=request.user) in services.RUNS_CAMPAIGNS:
            moves = [
                {
                    "label": move.label,
                    "url": reverse(
                        f"admin:campaigns_campaign_{move.name}", args=[campaign.pk]
                    ),
                }
                for move in MOVES.values()
                if move.source == campaign.status
            ]
        buttons = []
        for tool in tools.tools_for(request, campaign):
            try:
                url = reverse(
                    f"admin:campaigns_campaign_{tool.name}", args=[campaign.pk]
                )
            except NoReverseMatch:
                continue  # registered after the URLs were built
            buttons.append({"label": tool.label, "url": url})
        return {
            "campaign": campaign,
            "totals": totals,
            "units_text": "、".join(str(row.unit) for row in totals.rows),
            "moves": moves,
            "tool_buttons": buttons,
            "grid_link": grid_url(campaign) if totals.rows else "",
            "may_record": may_record(request.user),
        }

    # --- views beyond Django's own -------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        # Tools register when their modules are imported; get_urls runs when
        # the URLconf is first read, after every app is ready.
        mounted = [
            path(
                f"<int:campaign_id>/{tool.route}",
                wrap(tool.view),
                name=f"campaigns_campaign_{tool.name}",
            )
            for tool in tools.TOOLS
        ]
        return [
            path(
                "<int:campaign_id>/grid/",
                wrap(self.grid_view),
                name="campaigns_campaign_grid",
            ),
            path(
                "<int:campaign_id>/start/",
                wrap(self.move_view),
                {"move": "start"},
                name="campaigns_campaign_start",
            ),
            path(
                "<int:campaign_id>/close/",
                wrap(self.move_view),
                {"move": "close"},
                name="campaigns_campaign_close",
            ),
            *mounted,
            *super().get_urls(),
        ]

    def grid_view(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        return grid_view(self, request, campaign_id)

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "media": self.media,
            **extra,
        }

    def _change_url(self, campaign: Campaign) -> str:
        return reverse("admin:campaigns_campaign_change", args=[campaign.pk])

    def _refused(self, request: HttpRequest, campaign: Campaign, message: str):
        return TemplateResponse(
            request,
            "admin/campaigns/campaign/refused.html",
            self._context(
                request,
                title=gettext("Not allowed"),
                campaign=campaign,
                message=message,
                change_url=self._change_url(campaign),
            ),
            status=403,
        )

    def move_view(
        self, request: HttpRequest, campaign_id: int, move: str
    ) -> HttpResponse:
        """Start or close a campaign: a question first, then the service."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = self.get_object(request, str(campaign_id))
        if campaign is None:
            raise Http404(
                gettext("No such campaign, or your units do not take part in it.")
            )
        spec = MOVES[move]
        names = {"campaign": campaign.name}
        if role_of(user=request.user) not in services.RUNS_CAMPAIGNS:
            return self._refused(
                request,
                campaign,
                gettext("Only a supervisor may start or close a campaign."),
            )
        if request.method == "POST":
            try:
                spec.service(campaign=campaign, by=request.user)
            except Forbidden as err:
                return self._refused(request, campaign, err.message)
            except DomainError as err:
                messages.error(request, err.message)
            else:
                messages.success(request, str(spec.done) % names)
            return HttpResponseRedirect(self._change_url(campaign))
        if campaign.status != spec.source:
            messages.error(
                request,
                gettext("The campaign is %(status)s; there is nothing to do.")
                % {"status": campaign.get_status_display()},
            )
            return HttpResponseRedirect(self._change_url(campaign))
        return TemplateResponse(
            request,
            "admin/campaigns/campaign/move.html",
            self._context(
                request,
                title=spec.label,
                campaign=campaign,
                question=str(spec.question) % names,
                label=spec.label,
                change_url=self._change_url(campaign),
            ),
        )
