"""GET /api/v1/public/stats/: the public statistics as JSON (the /stats/ chart)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboard import public
from dashboard.periods import PeriodKind


class PublicStatsQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=[(kind, PeriodKind(kind).label) for kind in public.PERIODS],
        default=PeriodKind.THIS_MONTH,
        help_text="this_month (the 1st to today) or last_month.",
    )


class PublicFiguresSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="收件数: cases received.")
    closed = serializers.IntegerField(help_text="结案数: of those, cases closed.")
    on_time_disposal_rate = serializers.FloatField(
        allow_null=True,
        help_text="按期处置率, a fraction; null when nothing was to be disposed of.",
    )
    satisfaction_rate = serializers.FloatField(
        allow_null=True, help_text="满意率, a fraction; null when nobody rated."
    )

    class Meta:
        ref_name = "PublicStatsFigures"


class PublicStreetSerializer(PublicFiguresSerializer):
    code = serializers.CharField(
        allow_null=True, help_text="The street's area code; null: no street given."
    )
    name = serializers.CharField()

    class Meta:
        ref_name = "PublicStatsStreet"


class PublicCategorySerializer(serializers.Serializer):
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField(help_text="In the request's language.")
    received = serializers.IntegerField()

    class Meta:
        ref_name = "PublicStatsCategory"


class PublicPeriodSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text="Included.")

    class Meta:
        ref_name = "PublicStatsPeriod"


class PublicStatsSerializer(serializers.Serializer):
    period = PublicPeriodSerializer()
    generated_at = serializers.DateTimeField(
        help_text="When these figures were counted: they are kept up to "
        "PUBLIC_STATS_SECONDS (5 minutes)."
    )
    streets = PublicStreetSerializer(many=True)
    total = PublicFiguresSerializer()
    categories = PublicCategorySerializer(
        many=True, help_text="The categories most received, most first (at most 5)."
    )

    class Meta:
        ref_name = "PublicStats"


class PublicStatsApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="public_stats",
        summary="Public statistics: this month or last month, by street",
        description=(
            "No sign-in; throttled per address like the other public endpoints. "
            "Every unit's cases submitted in the period, by street: received, "
            "closed, on-time disposal rate and satisfaction rate (as the staff "
            "dashboard counts them; definitions in docs/kpis.md), the totals and "
            "the categories most received. No personal data. Counted at most "
            "every 5 minutes."
        ),
        parameters=[PublicStatsQuerySerializer],
        responses={200: PublicStatsSerializer},
    )
    def get(self, request: Request) -> Response:
        query = PublicStatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        body = public.figures(query.validated_data["period"])
        return Response(PublicStatsSerializer(body).data)
