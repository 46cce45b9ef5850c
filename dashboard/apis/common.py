"""What the statistics endpoints share: the query, the scope, the envelope.

Every endpoint reads the same query parameters (`StatsQuerySerializer`):
the period (this_month, last_month, quarter, year, or custom with start and
end), a unit and a street. A bad value is a 400 naming the parameter in the
request's language; a unit outside the user's scope (or unknown) is a 404,
like any other object outside it. Every answer starts with the period and
the scope it counts (`envelope`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from complaints.apis.common import STAFF_PERMISSIONS, CodeNameSerializer, code_name
from dashboard import kpis
from dashboard.periods import Period, PeriodKind, period_for

DATE_MESSAGE = gettext_lazy("Give a day as YYYY-MM-DD, for example 2026-11-01.")
NOT_IN_SCOPE = OpenApiResponse(
    description="The unit is unknown or not in your scope (another unit's figures)."
)


class StatsQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=PeriodKind.choices,
        default=PeriodKind.THIS_MONTH,
        help_text=(
            "this_month (1st to today), last_month, quarter (this quarter to "
            "today), year (1 January to today), or custom with start and end."
        ),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose a period: this_month, last_month, quarter, year or custom."
            )
        },
    )
    start = serializers.DateField(
        required=False,
        help_text="The first day of a custom period (YYYY-MM-DD).",
        error_messages={"invalid": DATE_MESSAGE},
    )
    end = serializers.DateField(
        required=False,
        help_text="The last day of a custom period, included (at most 366 days).",
        error_messages={"invalid": DATE_MESSAGE},
    )
    unit = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="A unit's code (e.g. ZD1): its figures and those of the units "
        "below it. Another unit's than yours answers 404.",
        error_messages={
            "max_length": gettext_lazy("A unit code has at most 32 characters.")
        },
    )
    street = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=15,
        help_text="A street's 9-digit area code: the cases filed in that street.",
        error_messages={
            "max_length": gettext_lazy("A street code has at most 15 digits.")
        },
    )


class PeriodSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PeriodKind.choices)
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text="Included.")

    class Meta:
        ref_name = "StatsPeriod"


class ScopeSerializer(serializers.Serializer):
    unit = CodeNameSerializer(allow_null=True)
    street = CodeNameSerializer(allow_null=True)

    class Meta:
        ref_name = "StatsScope"


class EnvelopeSerializer(serializers.Serializer):
    period = PeriodSerializer()
    scope = ScopeSerializer()
    generated_at = serializers.DateTimeField()
    counts_as_of = serializers.DateTimeField(
        allow_null=True,
        help_text="When the daily rollup the counts were summed from was last "
        "brought up to date (about every minute); null when they were counted "
        "from the cases for this answer.",
    )
    lag_seconds = serializers.IntegerField(
        allow_null=True,
        help_text="generated_at - counts_as_of in seconds: how far the counts may "
        "be behind the cases.",
    )


class SeriesSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=kpis.ValueKind.choices)
    data = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        help_text="One value per label, in the labels' order (null: nothing to "
        "divide by).",
    )

    class Meta:
        ref_name = "StatsSeries"


class StatsApi(APIView):
    """A staff-only GET of figures for the query's period and scope."""

    permission_classes = STAFF_PERMISSIONS

    def query(self, request: Request) -> tuple[kpis.Scope, Period]:
        """The scope and period asked for; a 400 or 404 when they can't be used."""
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        period = period_for(
            data["period"], start=data.get("start"), end=data.get("end")
        )
        scope = kpis.scope_for(
            user=request.user, unit=data.get("unit", ""), street=data.get("street", "")
        )
        return scope, period


def period_json(period: Period) -> dict[str, Any]:
    return {
        "kind": period.kind,
        "label": str(PeriodKind(period.kind).label),
        "start": period.start,
        "end": period.end,
    }


def envelope(
    scope: kpis.Scope,
    period: Period,
    *,
    as_of: datetime | None = None,
    **more: Any,
) -> dict[str, Any]:
    """What every answer starts with: the period, the scope, when it was counted."""
    now = timezone.now()
    return {
        "period": period_json(period),
        "scope": {"unit": code_name(scope.unit), "street": code_name(scope.street)},
        "generated_at": now,
        "counts_as_of": as_of,
        "lag_seconds": None
        if as_of is None
        else max(0, int((now - as_of).total_seconds())),
        **more,
    }


def series(key: str, name: Any, kind: str, data: list[Any]) -> dict[str, Any]:
    return {"key": key, "name": str(name), "kind": kind, "data": data}
