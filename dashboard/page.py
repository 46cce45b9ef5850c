"""The dashboard page in the admin: the filter form, the tiles, the charts' URLs.

The page and the admin index (`templatetags/dashboard.py`) draw the same
panel from `panel_context`. The form is read the way the JSON endpoints read
their query (`StatsQuerySerializer`, `period_for`, `scope_for`), so a bad
value gets the message the API gives, on its field, and the form keeps what
was typed. The tiles are computed here (`kpis.totals_compared`, as the tiles
endpoint does); the charts are drawn in the browser from the endpoints,
whose URLs the page passes in `data-` attributes (the CSP allows no inline
script).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from citymgmt.errors import DomainError
from citymgmt.forms import add_domain_error
from dashboard import kpis
from dashboard.apis.common import StatsQuerySerializer
from dashboard.periods import Period, PeriodKind, period_for
from squads.models import Area
from squads.roles import DESK, LEADERS, role_of
from squads.selectors import squads_visible_to

# The roles whose admin index opens on the dashboard; an officer keeps the
# plain index (their figures are their own cases: /admin/dashboard/).
INDEX_ROLES = DESK | LEADERS
# Indicators whose fall is good news: the change is drawn green when it falls.
LOWER_IS_BETTER = frozenset(
    {
        "late_disposal_rate",
        "rework_rate",
        "extension_rate",
        "accept_hours_avg",
        "accept_hours_median",
        "dispose_hours_avg",
        "dispose_hours_median",
    }
)
# The tiles: every indicator but the shares, which the pie charts draw.
TILE_KEYS = [
    i.key for i in kpis.INDICATORS if not i.key.startswith(("method_", "channel_"))
]
QUERY_FIELDS = ("period", "start", "end", "unit", "street")
# The charts, in the order the page draws them: the endpoint each reads.
CHARTS = [
    ("daily", gettext_lazy("Cases received and closed per day")),
    ("units", gettext_lazy("On-time disposal rate by unit")),
    ("categories", gettext_lazy("Category mix")),
    ("methods", gettext_lazy("721 shares of the cases disposed of")),
    ("heat", gettext_lazy("Cases per community and week")),
]


class DashboardForm(forms.Form):
    """The period and the scope, as typed: checked in `clean` as the API checks."""

    period = forms.CharField(
        label=gettext_lazy("Period"),
        required=False,
        widget=forms.Select(choices=PeriodKind.choices),
    )
    start = forms.CharField(
        label=gettext_lazy("First day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.CharField(
        label=gettext_lazy("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    unit = forms.CharField(label=gettext_lazy("Unit"), required=False)
    street = forms.CharField(label=gettext_lazy("Street"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.scope: kpis.Scope | None = None
        self.chosen_period: Period | None = None
        # Only the units in the user's scope are offered; a code typed into
        # the address that is not among them is kept, and refused in clean.
        units = [("", _("All my units"))] + [
            (s.code, s.name)
            for s in squads_visible_to(user=user)
            .select_related(None)
            .only("code", "name")
            .order_by("code")
        ]
        streets = [("", _("All streets"))] + [
            (a.code, a.name)
            for a in Area.objects.filter(level=Area.Level.STREET)
            .only("code", "name")
            .order_by("code")
        ]
        periods = [(str(k), str(label)) for k, label in PeriodKind.choices]
        for name, choices in (
            ("period", periods),
            ("unit", units),
            ("street", streets),
        ):
            typed = str(self.data.get(name, "") or "")
            if typed and typed not in {code for code, _label in choices}:
                choices.append((typed, typed))
            self.fields[name].widget = forms.Select(choices=choices)

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        query = StatsQuerySerializer(
            data={k: v for k, v in data.items() if v != "" and k in QUERY_FIELDS}
        )
        # Every field is plain text to the form: the API's rules decide.
        if not query.is_valid():
            for name, messages in query.errors.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
            return data
        valid = query.validated_data
        try:
            self.chosen_period = period_for(
                valid["period"], start=valid.get("start"), end=valid.get("end")
            )
        except DomainError as refused:
            add_domain_error(self, refused)
            return data
        try:
            self.scope = kpis.scope_for(
                user=self.user,
                unit=valid.get("unit", ""),
                street=valid.get("street", ""),
            )
        except DomainError as refused:
            field = refused.field or "unit"
            self.add_error(field if field in self.fields else None, refused.message)
        return data

    def query_string(self) -> str:
        """The query the charts' endpoints are asked, without empty values."""
        if self.chosen_period is None:
            raise ValueError("query_string() needs a valid form")
        params: dict[str, str] = {"period": self.chosen_period.kind}
        if self.chosen_period.kind == PeriodKind.CUSTOM:
            params["start"] = self.chosen_period.start.isoformat()
            params["end"] = self.chosen_period.end.isoformat()
        for name in ("unit", "street"):
            if self.cleaned_data.get(name):
                params[name] = self.cleaned_data[name].strip()
        return urlencode(params)


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    kind: str
    anchor: str
    value: str
    previous: str
    change: str  # "▲ 2.5 个百分点", "" when there is nothing to compare
    trend: str  # up, down, flat, none
    tone: str  # good, bad, neutral


def _number(value: float | int | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "hours":
        return _("%(hours)s h") % {"hours": f"{value:.1f}"}
    return f"{int(value):,}"


def _change(key: str, kind: str, value: Any, previous: Any) -> tuple[str, str, str]:
    if value is None or previous is None:
        return "", "none", "neutral"
    delta = value - previous
    if kind == "rate":
        size = _("%(points)s pp") % {"points": f"{abs(delta) * 100:.1f}"}
    elif kind == "hours":
        size = _("%(hours)s h") % {"hours": f"{abs(delta):.1f}"}
    else:
        size = f"{abs(int(delta)):,}"
    if abs(delta) < 1e-9:
        return pgettext("change", "unchanged"), "flat", "neutral"
    up = delta > 0
    if kind == "count":
        tone = "neutral"
    else:
        tone = "good" if up != (key in LOWER_IS_BETTER) else "bad"
    return f"{'▲' if up else '▼'} {size}", "up" if up else "down", tone


def tiles(figures: kpis.Figures, before: kpis.Figures) -> list[Tile]:
    result = []
    by_key = {i.key: i for i in kpis.INDICATORS}
    for key in TILE_KEYS:
        indicator = by_key[key]
        value, previous = figures.values[key], before.values[key]
        change, trend, tone = _change(key, indicator.kind, value, previous)
        result.append(
            Tile(
                key=key,
                label=str(indicator.label),
                kind=indicator.kind,
                anchor=indicator.anchor,
                value=_number(value, indicator.kind),
                previous=_number(previous, indicator.kind),
                change=change,
                trend=trend,
                tone=tone,
            )
        )
    return result


def panel_context(request: HttpRequest, *, action: str) -> dict[str, Any]:
    """What the panel draws: the form, and when it is valid the tiles and charts."""
    user = request.user
    form = DashboardForm(request.GET, user=user)
    context: dict[str, Any] = {
        "shown": True,
        "dashboard_form": form,
        "dashboard_action": action,
        "definitions_url": reverse("dashboard:definitions"),
        "role": role_of(user=user),
    }
    if not form.is_valid() or form.scope is None or form.chosen_period is None:
        return context
    period, scope = form.chosen_period, form.scope
    current, previous = kpis.totals_compared(scope=scope, period=period)
    query = form.query_string()
    as_of: datetime = current.as_of or timezone.now()
    context.update(
        {
            "period": period,
            "previous_period": period.previous(),
            "scope": scope,
            "tiles": tiles(current, previous),
            "counts_as_of": timezone.localtime(as_of),
            "query": query,
            "print_url": f"{reverse('dashboard:print')}?{query}",
            "page_url": f"{reverse('dashboard:page')}?{query}",
            "charts": [
                {
                    "key": key,
                    "title": str(title),
                    "url": f"{reverse(f'stats-{key}')}?{query}",
                }
                for key, title in CHARTS
            ],
        }
    )
    return context
