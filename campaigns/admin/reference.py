"""Metrics (the bureau's list, kept by supervisors, read by all staff) and
road segments (包靠路段, kept by a unit's leaders inside their scope)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from campaigns import selectors
from campaigns.admin.common import ServiceAdmin
from campaigns.admin.forms import MetricForm, RoadSegmentForm
from campaigns.models import Metric, RoadSegment
from complaints.admin.changelist import UnitFilter


@admin.register(Metric)
class MetricAdmin(ServiceAdmin):
    form = MetricForm
    list_display = ["name_zh", "unit", "name_en", "code", "kind", "position", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name_zh", "name_en"]
    ordering = ["position", "code"]

    def scoped_queryset(self, request: HttpRequest):
        return Metric.objects.all()  # reference data: every member of staff reads it

    def get_readonly_fields(self, request, obj=None):
        # Templates, imports and workbooks name a column by its code.
        return ["code"] if obj is not None else []


@admin.register(RoadSegment)
class RoadSegmentAdmin(ServiceAdmin):
    form = RoadSegmentForm
    list_display = ["name", "street", "squad", "leader", "description", "active"]
    list_filter = [("squad", UnitFilter), "active"]
    search_fields = ["name", "description"]
    list_select_related = ["street", "squad", "leader"]
    ordering = ["squad__position", "squad__code", "name"]

    def scoped_queryset(self, request: HttpRequest):
        return selectors.road_segments_visible_to(user=request.user)
