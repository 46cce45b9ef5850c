"""The vendors' and campaigns' figures, through the same period and unit.

Vendors: the selectors of `vendors.stats` (each one SQL aggregate over the
scoped selectors), narrowed to the units asked for and, where a period
applies, to it. Campaigns: the tallies of `campaigns.selectors
.tallies_visible_to` in the period, summed per campaign and metric.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Sum
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.models import Tally, TallyValue
from campaigns.selectors import tallies_visible_to
from complaints.apis.common import CodeNameSerializer
from dashboard import kpis
from dashboard.apis.common import (
    NOT_IN_SCOPE,
    EnvelopeSerializer,
    StatsApi,
    StatsQuerySerializer,
    envelope,
)
from vendors import stats as vendor_stats


class ShareSerializer(serializers.Serializer):
    part = serializers.IntegerField()
    total = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)

    class Meta:
        ref_name = "StatsShare"


class RelocatedSerializer(serializers.Serializer):
    unit = CodeNameSerializer(allow_null=True)
    month = serializers.CharField(help_text="YYYY-MM of the move-in date.")
    relocated = serializers.IntegerField()

    class Meta:
        ref_name = "StatsRelocated"


class MarketSerializer(serializers.Serializer):
    name = serializers.CharField()
    capacity = serializers.IntegerField(help_text="Stalls not closed.")
    occupied = serializers.IntegerField()
    vacant = serializers.IntegerField()
    occupancy = serializers.FloatField(allow_null=True)

    class Meta:
        ref_name = "StatsMarket"


class UnitCountSerializer(serializers.Serializer):
    unit = CodeNameSerializer(allow_null=True)
    active = serializers.IntegerField()

    class Meta:
        ref_name = "StatsUnitHotspots"


class HotspotWeekSerializer(serializers.Serializer):
    hotspot = serializers.CharField()
    week = serializers.DateField()
    complaints = serializers.IntegerField()

    class Meta:
        ref_name = "StatsHotspotWeek"


class VendorsSerializer(EnvelopeSerializer):
    relocated = RelocatedSerializer(many=True, help_text="Moved in during the period.")
    retention_30 = ShareSerializer(
        help_text="30-day retention, as of the period's end."
    )
    retention_90 = ShareSerializer(
        help_text="90-day retention, as of the period's end."
    )
    returned_to_street = ShareSerializer()
    markets = MarketSerializer(many=True, help_text="Stall occupancy now.")
    active_hotspots = UnitCountSerializer(many=True, help_text="Active now.")
    hotspot_complaints = HotspotWeekSerializer(
        many=True, help_text="Complaints linked to each hotspot, per week filed."
    )

    class Meta:
        ref_name = "StatsVendors"


def _share(share: vendor_stats.Share) -> dict[str, Any]:
    rate = share.rate
    return {
        "part": share.part,
        "total": share.total,
        "rate": None if rate is None else float(rate),
    }


def _unit(row: dict[str, Any]) -> dict[str, Any] | None:
    if row.get("squad_id") is None:
        return None
    return {"code": row["squad__code"], "name": row["squad__name"]}


class StatsVendorsApi(StatsApi):
    @extend_schema(
        operation_id="stats_vendors",
        summary="The vendors' figures: relocations, retention, stalls, hotspots",
        description=(
            "Staff only, scoped; the definitions are vendors/stats.py's. The unit "
            "narrows every figure; the period the relocations (by move-in date) "
            "and the hotspots' complaints (by filing date); retention is as of "
            "the period's last day."
        ),
        parameters=[StatsQuerySerializer],
        responses={200: VendorsSerializer, 404: NOT_IN_SCOPE},
    )
    def get(self, request: Request) -> Response:
        scope, period = self.query(request)
        user, units = request.user, scope.unit_ids
        relocated = vendor_stats.relocated_per_unit_per_month(
            user=user, units=units, start=period.start, end=period.end
        )
        markets = vendor_stats.stall_occupancy_per_market(user=user, units=units)
        hotspots = vendor_stats.active_hotspots_per_unit(user=user, units=units)
        weekly = vendor_stats.complaints_per_hotspot_per_week(
            user=user, units=units, since=period.start, until=period.end
        )
        body = envelope(
            scope,
            period,
            relocated=[
                {
                    "unit": _unit(row),
                    "month": _month(row["month"]),
                    "relocated": row["relocated"],
                }
                for row in relocated
            ],
            retention_30=_share(
                vendor_stats.retention(
                    user=user, days=30, today=period.end, units=units
                )
            ),
            retention_90=_share(
                vendor_stats.retention(
                    user=user, days=90, today=period.end, units=units
                )
            ),
            returned_to_street=_share(
                vendor_stats.returned_to_street_rate(user=user, units=units)
            ),
            # The counts are annotations of vendors.stats' market query.
            markets=[
                {
                    "name": market.name,
                    "capacity": market.capacity,  # type: ignore[attr-defined]
                    "occupied": market.occupied_count,  # type: ignore[attr-defined]
                    "vacant": market.vacant_count,  # type: ignore[attr-defined]
                    "occupancy": market.occupancy,  # type: ignore[attr-defined]
                }
                for market in markets
            ],
            active_hotspots=[
                {"unit": _unit(row), "active": row["active"]} for row in hotspots
            ],
            hotspot_complaints=[
                {
                    "hotspot": row["hotspot__name"],
                    "week": row["week"],
                    "complaints": row["complaints"],
                }
                for row in weekly
            ],
        )
        return Response(VendorsSerializer(body).data)


def _month(value: date | Any) -> str:
    return f"{value:%Y-%m}"


class MetricTotalSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField(help_text="块, 处, 张 …")
    total = serializers.FloatField()

    class Meta:
        ref_name = "StatsMetricTotal"


class CampaignTotalsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    metrics = MetricTotalSerializer(many=True)

    class Meta:
        ref_name = "StatsCampaignTotals"


class CampaignsSerializer(EnvelopeSerializer):
    campaigns = CampaignTotalsSerializer(many=True)

    class Meta:
        ref_name = "StatsCampaigns"


def campaign_totals(*, scope: kpis.Scope, start: date, end: date) -> list[dict]:
    """Each campaign's metric totals from the tallies in scope dated in [start, end]."""
    if scope.user is None:  # the whole city: only the public figures ask
        tallies = Tally.objects.filter(date__gte=start, date__lte=end)
    else:
        tallies = tallies_visible_to(user=scope.user).filter(
            date__gte=start, date__lte=end
        )
    if scope.unit_ids is not None:
        tallies = tallies.filter(squad_id__in=sorted(scope.unit_ids))
    rows = (
        TallyValue.objects.filter(tally__in=tallies)
        .values(
            "tally__campaign_id",
            "tally__campaign__name",
            "metric__code",
            "metric__name_zh",
            "metric__name_en",
            "metric__unit",
            "metric__position",
        )
        .annotate(total=Sum("value"))
        .order_by("tally__campaign__name", "tally__campaign_id", "metric__position")
    )
    english = (get_language() or "").startswith("en")
    found: dict[int, dict[str, Any]] = {}
    for row in rows:
        campaign = found.setdefault(
            row["tally__campaign_id"],
            {
                "id": row["tally__campaign_id"],
                "name": row["tally__campaign__name"],
                "metrics": [],
            },
        )
        campaign["metrics"].append(
            {
                "code": row["metric__code"],
                "name": row["metric__name_en" if english else "metric__name_zh"],
                "unit": row["metric__unit"],
                "total": float(row["total"]),
            }
        )
    return list(found.values())


class StatsCampaignsApi(StatsApi):
    @extend_schema(
        operation_id="stats_campaigns",
        summary="Campaign tallies in the period, per campaign and metric",
        description=(
            "Staff only, scoped: the tallies of the units in your scope (and in "
            "the unit asked for), dated in the period, summed per campaign and "
            "metric. One query."
        ),
        parameters=[StatsQuerySerializer],
        responses={200: CampaignsSerializer, 404: NOT_IN_SCOPE},
    )
    def get(self, request: Request) -> Response:
        scope, period = self.query(request)
        body = envelope(
            scope,
            period,
            campaigns=campaign_totals(scope=scope, start=period.start, end=period.end),
        )
        return Response(CampaignsSerializer(body).data)
