"""The JSON each dashboard chart is drawn from: labels and series.

Each answer is what an ECharts option needs (`labels` for the axis, one
`series` per line or bar, values in the labels' order) and what a table view
needs (a row per label, a column per series), so the chart and its table are
drawn from the same numbers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.apis.common import CodeNameSerializer
from complaints.models import Method
from dashboard import kpis
from dashboard.apis.common import (
    NOT_IN_SCOPE,
    EnvelopeSerializer,
    SeriesSerializer,
    StatsApi,
    StatsQuerySerializer,
    envelope,
    series,
)


class ChartSerializer(EnvelopeSerializer):
    labels = serializers.ListField(child=serializers.CharField())
    series = SeriesSerializer(many=True)


class DailySerializer(ChartSerializer):
    class Meta:
        ref_name = "StatsDaily"


class StatsDailyApi(StatsApi):
    @extend_schema(
        operation_id="stats_daily",
        summary="Cases received and closed per day",
        description=(
            "Staff only, scoped. A label per local day of the period; received "
            "counts the cases submitted that day, closed those closed (verified) "
            "that day. Two queries."
        ),
        parameters=[StatsQuerySerializer],
        responses={200: DailySerializer, 404: NOT_IN_SCOPE},
    )
    def get(self, request: Request) -> Response:
        scope, period = self.query(request)
        counted, source = kpis.daily(scope=scope, period=period)
        days = period.dates()
        body = envelope(
            scope,
            period,
            as_of=source.as_of,
            labels=[day.isoformat() for day in days],
            series=[
                series(
                    "received",
                    gettext_lazy("Cases received"),
                    "count",
                    [counted["received"].get(day, 0) for day in days],
                ),
                series(
                    "closed",
                    gettext_lazy("Cases closed"),
                    "count",
                    [counted["closed"].get(day, 0) for day in days],
                ),
            ],
        )
        return Response(DailySerializer(body).data)


class UnitsSerializer(ChartSerializer):
    units = CodeNameSerializer(many=True, help_text="The unit of each label.")
    target = serializers.FloatField(
        help_text="The on-time disposal rate aimed at (KPI_ON_TIME_DISPOSAL_TARGET)."
    )

    class Meta:
        ref_name = "StatsUnits"


class StatsUnitsApi(StatsApi):
    @extend_schema(
        operation_id="stats_units",
        summary="On-time disposal rate per unit, against the target",
        description=(
            "Staff only, scoped: a leader sees their own unit and the units below "
            "it. Per handling unit: the cases to dispose of, those disposed of on "
            "time and the on-time disposal rate; `target` is the line to draw. "
            "One query."
        ),
        parameters=[StatsQuerySerializer],
        responses={200: UnitsSerializer, 404: NOT_IN_SCOPE},
    )
    def get(self, request: Request) -> Response:
        scope, period = self.query(request)
        rows, source = kpis.unit_counts(scope=scope, period=period)
        body = envelope(
            scope,
            period,
            as_of=source.as_of,
            labels=[str(row.key["name"]) for row in rows],
            units=[row.key for row in rows],
            target=settings.KPI_ON_TIME_DISPOSAL_TARGET / 100,
            series=[
                _column(rows, "on_time_disposal_rate"),
                _column(rows, "to_dispose"),
                _column(rows, "disposed_on_time"),
                _column(rows, "disposal_rate"),
            ],
        )
        return Response(UnitsSerializer(body).data)


def _column(rows: list[kpis.Row], key: str) -> dict[str, Any]:
    indicator = next(i for i in kpis.INDICATORS if i.key == key)
    return series(
        key, indicator.label, indicator.kind, [row.values[key] for row in rows]
    )


class CategoriesSerializer(ChartSerializer):
    categories = CodeNameSerializer(many=True, help_text="The category of each label.")

    class Meta:
        ref_name = "StatsCategories"


class StatsCategoriesApi(StatsApi):
    @extend_schema(
        operation_id="stats_categories",
        summary="Cases per category (the category mix)",
        description=(
            "Staff only, scoped. Per category, most received first: the cases "
            "received, disposed of and closed. One query."
        ),
        parameters=[StatsQuerySerializer],
        responses={200: CategoriesSerializer, 404: NOT_IN_SCOPE},
    )
    def get(self, request: Request) -> Response:
        scope, period = self.query(request)
        rows = kpis.categories(scope=scope, period=period)
        body = envelope(
            scope,
            period,
            labels=[str(row["key"]["name"]) for row in rows],
            categories=[row["key"] for row in rows],
            series=[
                series(
                    "received",
                    gettext_lazy("Cases received"),
                    "count",
                    [row["received"] for row in rows],
                ),
                series(
                    "disposed",
                    gettext_lazy("Cases disposed of"),
                    "count",
                    [row["disposed"] for row in rows],
                ),
                series(
                    "closed",
                    gettext_lazy("Cases closed"),
                    "count",
                    [row["closed"] for row in rows],
                ),
            ],
        )
        return Response(CategoriesSerializer(body).data)


class MethodsSerializer(ChartSerializer):
    methods = serializers.ListField(
        child=serializers.ChoiceField(choices=Method.choices),
        help_text="The method of each label: service, management, enforcement.",
    )
    disposed = serializers.IntegerField(help_text="Cases disposed of: the whole.")

    class Meta:
        ref_name = "StatsMethods"


class StatsMethodsApi(StatsApi):
    @extend_schema(
        operation_id="stats_methods",
        summary="The 721 shares of the cases disposed of",
        description=(
            "Staff only, scoped. Of the cases disposed of, how many by service, "
            "management and enforcement, their shares, and the shares the 721 "
            "method aims at (70 %, 20 %, 10 %)."
        ),
        parameters=[StatsQuerySerializer],
        responses={200: MethodsSerializer, 404: NOT_IN_SCOPE},
    )
    def get(self, request: Request) -> Response:
        scope, period = self.query(request)
        values, source = kpis.methods(scope=scope, period=period)
        methods = Method.values
        body = envelope(
            scope,
            period,
            as_of=source.as_of,
            labels=[str(label) for label in Method.labels],
            methods=methods,
            disposed=values["disposed"],
            series=[
                series(
                    "disposed",
                    gettext_lazy("Cases disposed of"),
                    "count",
                    [values[f"method_{m}"] for m in methods],
                ),
                series(
                    "share",
                    gettext_lazy("Share"),
                    "rate",
                    [values[f"method_{m}_share"] for m in methods],
                ),
                series(
                    "target",
                    gettext_lazy("Target share"),
                    "rate",
                    [kpis.METHOD_TARGETS[Method(m)] for m in methods],
                ),
            ],
        )
        return Response(MethodsSerializer(body).data)


class HeatSerializer(EnvelopeSerializer):
    weeks = serializers.ListField(
        child=serializers.DateField(), help_text="The Monday of each column."
    )
    communities = CodeNameSerializer(many=True, help_text="The community of each row.")
    data = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="[week index, community index, cases] for every cell with cases.",
    )
    max = serializers.IntegerField(help_text="The largest cell: the colour scale.")

    class Meta:
        ref_name = "StatsHeat"


class StatsHeatApi(StatsApi):
    @extend_schema(
        operation_id="stats_heat",
        summary="Cases per community and week (the heat table)",
        description=(
            "Staff only, scoped. Cases received per community and local week "
            "(Monday first), as heat-map cells. One query."
        ),
        parameters=[StatsQuerySerializer],
        responses={200: HeatSerializer, 404: NOT_IN_SCOPE},
    )
    def get(self, request: Request) -> Response:
        scope, period = self.query(request)
        cells = kpis.heat(scope=scope, period=period)
        weeks = period.weeks()
        week_index = {week: n for n, week in enumerate(weeks)}
        communities: list[dict[str, Any]] = []
        row_index: dict[Any, int] = {}
        data = []
        for cell in cells:
            code = cell["key"]["code"]
            if code not in row_index:
                row_index[code] = len(communities)
                communities.append(cell["key"])
            data.append([week_index[cell["week"]], row_index[code], cell["count"]])
        body = envelope(
            scope,
            period,
            weeks=weeks,
            communities=communities,
            data=data,
            max=max((cell[2] for cell in data), default=0),
        )
        return Response(HeatSerializer(body).data)
