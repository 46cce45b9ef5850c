"""The campaigns admin (the tallies list, so far).

A tally is written only through `campaigns.services.tally_record`; this
list reads them in the user's scope (`selectors.tallies_visible_to`) and
exports them (`tally_export.TallyExportMixin`).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from campaigns import selectors
from campaigns.admin.tally_export import TallyExportMixin
from campaigns.models import Tally
from citymgmt.admin import FilterLookupsOnly
from complaints.admin.changelist import UnitFilter
from squads.admin import ScopedAdmin


@admin.register(Tally)
class TallyAdmin(TallyExportMixin, FilterLookupsOnly, ScopedAdmin):
    list_display = ["date", "campaign", "squad", "road_segment", "updated_at"]
    list_filter = ["campaign", ("squad", UnitFilter), "date"]
    list_select_related = ["campaign", "squad", "road_segment"]
    ordering = ["-date", "squad__position", "id"]
    show_facets = admin.ShowFacets.NEVER
    show_full_result_count = False
    list_per_page = 50

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Tally]:
        return selectors.tallies_visible_to(user=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
