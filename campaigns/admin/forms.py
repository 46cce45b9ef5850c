"""The campaigns admin's forms: each runs its service when it is cleaned."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns import selectors, services
from campaigns.admin.common import ServiceForm
from campaigns.models import Campaign, Metric, RoadSegment
from squads.models import Area


class MetricForm(ServiceForm):
    class Meta:
        model = Metric
        fields = ["code", "name_zh", "name_en", "unit", "kind", "position", "active"]

    def save_through_service(self, data: dict[str, Any]) -> Metric:
        existing = data.pop("existing")
        if existing is not None:
            data["code"] = existing.code  # shown, not typed, once saved
        return services.metric_save(by=self.user, metric=existing, **data)


def member_label(obj: Any) -> str:
    return f"{obj.full_name}（{obj.squad.name if obj.squad_id else '—'}）"


def segment_label(obj: Any) -> str:
    return f"{obj.name}（{obj.squad.name}）"


def relabel(form: forms.Form, name: str, label: Any) -> None:
    if name in form.fields:
        form.fields[name].label_from_instance = label  # type: ignore[attr-defined]


class RoadSegmentForm(ServiceForm):
    class Meta:
        model = RoadSegment
        fields = ["name", "street", "squad", "leader", "description", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit("street", Area.objects.filter(level=Area.Level.STREET))
        relabel(self, "leader", member_label)

    def save_through_service(self, data: dict[str, Any]) -> RoadSegment:
        return services.road_segment_save(
            by=self.user, segment=data.pop("existing"), **data
        )


# --- a campaign and its metrics -----------------------------------------------


class TargetForm(forms.Form):
    """One metric the campaign counts, its target and its place in the columns."""

    metric = forms.ChoiceField(label=_("metric"), required=False)
    target = forms.CharField(
        label=_("target"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
    )
    position = forms.IntegerField(
        label=_("order"),
        required=False,
        min_value=0,
        max_value=999,
        widget=forms.NumberInput(attrs={"class": "cd-order"}),
    )

    def __init__(self, *args: Any, metric_choices: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metric_choices  # type: ignore[attr-defined]


TargetFormSet = forms.formset_factory(TargetForm, extra=3, can_delete=True)


class CampaignForm(ServiceForm):
    """The campaign's fields and, below them, its metrics as a small formset."""

    class Meta:
        model = Campaign
        fields = [
            "name",
            "kind",
            "parent",
            "starts_on",
            "ends_on",
            "lead_squad",
            "leader",
            "squads",
            "road_segments",
            "categories",
            "description",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets: Any = None
        if "name" not in self.fields:
            return  # the page only reads (a closed campaign, a unit's member)
        campaign = self.instance if self.instance.pk else None
        parents = Campaign.objects.filter(parent__isnull=True)
        if campaign is not None:
            parents = parents.exclude(pk=campaign.pk)
        self.limit("parent", parents)
        segments = selectors.road_segments_visible_to(user=self.user).select_related(
            "squad"
        )
        self.limit(
            "road_segments",
            segments.filter(Q(active=True) | Q(campaigns=campaign)).distinct()
            if campaign is not None
            else segments.filter(active=True),
        )
        relabel(self, "road_segments", segment_label)
        relabel(self, "leader", member_label)
        current = selectors.campaign_targets(campaign=campaign) if campaign else []
        metrics = Metric.objects.filter(
            Q(active=True) | Q(pk__in=[t.metric_id for t in current])
        )
        choices: list[tuple[str, str]] = [("", "---------")]
        choices += [(m.code, str(m)) for m in metrics]
        self.targets = TargetFormSet(
            self.data if self.is_bound else None,
            prefix="targets",
            initial=[
                {
                    "metric": t.metric.code,
                    "target": _shown_target(t.target),
                    "position": position,
                }
                for position, t in enumerate(current, 1)
            ],
            form_kwargs={"metric_choices": choices},
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.targets.is_valid():
            raise forms.ValidationError(
                _("Check the campaign's metrics below."), code="targets"
            )
        rows = []
        seen: dict[str, forms.Form] = {}
        for index, form in enumerate(self.targets.forms):
            row = form.cleaned_data
            if not row or row.get("DELETE") or not row.get("metric"):
                continue
            if row["metric"] in seen:
                form.add_error("metric", _("This metric is listed twice."))
                continue
            seen[row["metric"]] = form
            position = row.get("position")
            order = position if position is not None else 1000 + index
            rows.append((order, index, row["metric"], row.get("target") or None))
        if any(form.errors for form in self.targets.forms):
            raise forms.ValidationError(
                _("Check the campaign's metrics below."), code="targets"
            )
        data["targets"] = {code: target for _o, _i, code, target in sorted(rows)}
        return data

    def save_through_service(self, data: dict[str, Any]) -> Campaign:
        existing = data.pop("existing")
        return services.campaign_save(
            by=self.user,
            campaign=existing,
            name=data["name"],
            kind=data["kind"],
            parent=data.get("parent"),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            lead_squad=data["lead_squad"],
            leader=data.get("leader"),
            squads=data.get("squads") or [],
            road_segments=data.get("road_segments") or [],
            categories=data.get("categories") or [],
            description=data.get("description") or "",
            targets=data["targets"],
        )


def _shown_target(value: Any) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}"
