"""The tallies list's export: one row per tally, one column per metric.

Registered with the core's export registry; `TallyAdmin` takes
`TallyExportMixin` (`campaigns/admin/tally_export.py`), so the file holds
the tallies the list shows (the unit scope, its filters). The metric
columns are those that have a figure in the exported tallies, in the
metrics' order, headed "拆除违规广告牌（块）"; each cell is that tally's
figure (empty when the unit entered none), read by a subquery per metric.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field
from import_export.widgets import CharWidget, DateTimeWidget, DateWidget, DecimalWidget

from campaigns.models import Metric, Tally, TallyValue
from citymgmt.exports.registry import ExportKind, register
from citymgmt.exports.resources import ExportResource

BEFORE_METRICS = ("campaign", "squad", "date", "road_segment")
AFTER_METRICS = ("notes", "updated_at")


class TallyResource(ExportResource):
    campaign = Field(
        attribute="campaign__name", column_name=_("campaign"), widget=CharWidget()
    )
    squad = Field(attribute="squad__name", column_name=_("unit"), widget=CharWidget())
    date = Field(attribute="date", column_name=_("date"), widget=DateWidget())
    road_segment = Field(
        attribute="road_segment__name",
        column_name=_("road segment"),
        widget=CharWidget(),
    )
    notes = Field(attribute="notes", column_name=_("notes"), widget=CharWidget())
    updated_at = Field(
        attribute="updated_at", column_name=_("updated at"), widget=DateTimeWidget()
    )

    class Meta:
        model = Tally
        fields = BEFORE_METRICS + AFTER_METRICS

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metric_names: list[str] = []

    def prepare(self, queryset: QuerySet) -> QuerySet:
        """Add a column, and a subquery, per metric with a figure in these tallies."""
        tallies = queryset.order_by().values("pk")
        metrics = Metric.objects.filter(
            pk__in=TallyValue.objects.filter(tally__in=tallies).values("metric_id")
        ).order_by("position", "code")
        english = (get_language() or "").startswith("en")
        annotations = {}
        for metric in metrics:
            name = f"metric_{metric.pk}"
            header = f"{metric.name_en} ({metric.unit})" if english else str(metric)
            self.fields[name] = Field(
                attribute=name, column_name=header, widget=DecimalWidget()
            )
            self.metric_names.append(name)
            annotations[name] = Subquery(
                TallyValue.objects.filter(
                    tally_id=OuterRef("pk"), metric_id=metric.pk
                ).values("value")[:1]
            )
        self._makers = None
        return queryset.annotate(**annotations) if annotations else queryset

    def get_export_order(self) -> tuple[str, ...]:
        return (*BEFORE_METRICS, *self.metric_names, *AFTER_METRICS)


TALLIES = register(
    ExportKind(
        name="tallies",
        model=Tally,
        resource=TallyResource,
        label=_("tallies"),
    )
)
