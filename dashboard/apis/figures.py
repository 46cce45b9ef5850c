"""The KPI tiles and the KPI table: every indicator, for the period or per group."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.apis.common import CodeNameSerializer
from dashboard import kpis
from dashboard.apis.common import (
    NOT_IN_SCOPE,
    EnvelopeSerializer,
    PeriodSerializer,
    StatsApi,
    StatsQuerySerializer,
    envelope,
    period_json,
)


class IndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=kpis.ValueKind.choices,
        help_text="count; rate: a fraction (0.9234); hours: working hours.",
    )
    anchor = serializers.CharField(
        help_text="The indicator's definition: docs/kpis.md#<anchor>."
    )

    class Meta:
        ref_name = "StatsIndicator"


class TileSerializer(IndicatorSerializer):
    value = serializers.FloatField(allow_null=True)
    previous = serializers.FloatField(
        allow_null=True, help_text="The same figure for the previous period."
    )
    change = serializers.FloatField(
        allow_null=True,
        help_text="value - previous (for a rate, in fraction points); null when "
        "either is null.",
    )

    class Meta:
        ref_name = "StatsTile"


class KpisSerializer(EnvelopeSerializer):
    previous = PeriodSerializer(help_text="The period the change is counted against.")
    rework_denominator = serializers.ChoiceField(
        choices=["to_close", "registered"],
        help_text="What the rework rate divides by: 应结案数 or 立案数.",
    )
    tiles = TileSerializer(many=True)

    class Meta:
        ref_name = "StatsKpis"


def indicator_json(indicator: kpis.Indicator) -> dict[str, Any]:
    return {
        "key": indicator.key,
        "label": str(indicator.label),
        "kind": indicator.kind,
        "anchor": indicator.anchor,
    }


def _change(value: Any, previous: Any) -> float | None:
    if value is None or previous is None:
        return None
    return round(value - previous, 4)


class StatsKpisApi(StatsApi):
    @extend_schema(
        operation_id="stats_kpis",
        summary="The KPI tiles: this period's indicators and the previous period's",
        description=(
            "Staff only, scoped: a unit's leader counts their unit's cases. Every "
            "indicator of docs/kpis.md over the cases submitted in the period, "
            "beside the same figure for the previous period (one query)."
        ),
        parameters=[StatsQuerySerializer],
        responses={200: KpisSerializer, 404: NOT_IN_SCOPE},
    )
    def get(self, request: Request) -> Response:
        scope, period = self.query(request)
        current, previous = kpis.totals_compared(scope=scope, period=period)
        now, before = current.values, previous.values
        tiles = [
            {
                **indicator_json(indicator),
                "value": now[indicator.key],
                "previous": before[indicator.key],
                "change": _change(now[indicator.key], before[indicator.key]),
            }
            for indicator in kpis.INDICATORS
        ]
        body = envelope(
            scope,
            period,
            as_of=current.as_of,
            previous=period_json(period.previous()),
            rework_denominator=settings.KPI_REWORK_DENOMINATOR,
            tiles=tiles,
        )
        return Response(KpisSerializer(body).data)


# The counts behind the rates, as extra columns of the table, and the
# heading of docs/kpis.md that defines each.
COUNT_COLUMNS = [
    ("closed_on_time", gettext_lazy("Cases closed on time"), "on-time-closure-rate"),
    ("disposed_late", gettext_lazy("Cases disposed of late"), "late-disposal-rate"),
    ("extended", gettext_lazy("Cases extended"), "extension-rate"),
    ("reworked", gettext_lazy("Cases reworked"), "rework-rate"),
    ("rated", gettext_lazy("Ratings"), "satisfaction-rate"),
    ("satisfied", gettext_lazy("Satisfied ratings"), "satisfaction-rate"),
]


def columns() -> list[dict[str, Any]]:
    """The table's columns: every indicator, then the counts the rates divide."""
    return [indicator_json(indicator) for indicator in kpis.INDICATORS] + [
        {"key": key, "label": str(label), "kind": "count", "anchor": anchor}
        for key, label, anchor in COUNT_COLUMNS
    ]


class TableQuerySerializer(StatsQuerySerializer):
    by = serializers.ChoiceField(
        choices=list(kpis.GROUPS),
        default="unit",
        help_text="Group the rows by unit, street, community, category, channel "
        "or month (of submission).",
        error_messages={
            "invalid_choice": gettext_lazy(
                "Group by unit, street, community, category, channel or month."
            )
        },
    )


class TableRowSerializer(serializers.Serializer):
    key = CodeNameSerializer(help_text="The group; code null for cases without one.")
    values = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="A value per column key.",
    )

    class Meta:
        ref_name = "StatsTableRow"


class TableSerializer(EnvelopeSerializer):
    by = serializers.ChoiceField(choices=list(kpis.GROUPS))
    columns = IndicatorSerializer(many=True)
    rows = TableRowSerializer(many=True)
    total = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="The whole period and scope, a value per column key.",
    )

    class Meta:
        ref_name = "StatsTable"


class StatsTableApi(StatsApi):
    @extend_schema(
        operation_id="stats_table",
        summary="Every indicator per unit, street, community, category, channel or "
        "month",
        description=(
            "Staff only, scoped. The rows of the KPI table (and of the monthly "
            "workbook) and their total: two queries."
        ),
        parameters=[TableQuerySerializer],
        responses={200: TableSerializer, 404: NOT_IN_SCOPE},
    )
    def get(self, request: Request) -> Response:
        scope, period = self.query(request)
        query = TableQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        by = query.validated_data["by"]
        rows, source = kpis.grouped(scope=scope, period=period, by=by)
        total = kpis.totals(scope=scope, period=period)
        body = envelope(
            scope,
            period,
            # The oldest counts in the answer: the rows' or the total's.
            as_of=source.as_of or total.as_of,
            by=by,
            columns=columns(),
            rows=[{"key": row.key, "values": row.values} for row in rows],
            total=total.values,
        )
        return Response(TableSerializer(body).data)
