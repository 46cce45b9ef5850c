"""Tallies: the scoped list, a tally's page, and its photos.

A tally is entered on the week grid or corrected on its own page, both
through `tally_record` (`rows.save_rows`); nothing here saves a tally row
itself, and nothing is added from the list. Photos have no public URL: they
are streamed to staff whose scope holds the tally's unit (another unit: 404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns import selectors
from campaigns.admin.common import ServiceAdmin
from campaigns.admin.grid import grid_url, locked_reason, may_record, monday_of
from campaigns.admin.rows import (
    photos_again_note,
    row_from_post,
    row_from_tally,
    save_rows,
    shown,
)
from campaigns.admin.tally_export import TallyExportMixin
from campaigns.models import Tally, TallyValue
from citymgmt.photos import PHOTO_TYPES, stored_photo_response
from complaints.admin.changelist import UnitFilter


class CampaignFilter(admin.RelatedFieldListFilter):
    """The campaigns the user sees, never a scan of the tallies."""

    def field_choices(self, field, request, model_admin):
        return list(
            selectors.campaigns_visible_to(user=request.user)
            .order_by("-starts_on", "name")
            .values_list("pk", "name")
        )


@admin.register(Tally)
class TallyAdmin(TallyExportMixin, ServiceAdmin):
    list_display = [
        "date",
        "campaign",
        "squad",
        "road_segment",
        "figures",
        "photo_count",
        "recorded_by",
        "updated_at",
    ]
    list_display_links = ["date", "campaign"]
    list_filter = [("campaign", CampaignFilter), ("squad", UnitFilter)]
    date_hierarchy = "date"
    list_select_related = ["campaign", "squad", "road_segment", "recorded_by"]
    ordering = ["-date", "squad__position", "id"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Tally]:
        return (
            selectors.tallies_visible_to(user=request.user)
            .annotate(photo_total=Count("photos"))
            .prefetch_related(
                Prefetch(
                    "values",
                    queryset=TallyValue.objects.select_related("metric").order_by(
                        "metric__position", "metric__code"
                    ),
                )
            )
        )

    def has_add_permission(self, request):
        return False  # a unit's days are entered on the campaign's week grid

    @admin.display(description=_("figures"))
    def figures(self, obj: Tally) -> str:
        return "；".join(
            f"{v.metric.name_zh} {shown(v.value, v.metric)}{v.metric.unit}"
            for v in obj.values.all()
        )

    @admin.display(description=_("photos"), ordering="photo_total")
    def photo_count(self, obj: Tally) -> int:
        return obj.photo_total  # type: ignore[attr-defined]

    def get_urls(self):
        return [
            path(
                "photo/<int:photo_id>/<str:which>/",
                self.admin_site.admin_view(self.photo_view),
                name="campaigns_tally_photo",
            ),
            *super().get_urls(),
        ]

    def photo_view(self, request: HttpRequest, photo_id: int, which: str):
        """Stream a tally's photo (`file`) or its thumbnail to staff who may
        see the tally; another unit's is not there."""
        photo = (
            selectors.tally_photos_visible_to(user=request.user)
            .filter(pk=photo_id)
            .first()
        )
        if photo is None or which not in ("file", "thumbnail"):
            raise Http404(gettext("No such photo, or it belongs to another unit."))
        stored = (
            photo.thumbnail if which == "thumbnail" and photo.thumbnail else photo.image
        )
        return stored_photo_response(stored)

    # --- a tally's page --------------------------------------------------------

    def _tally_or_404(self, request: HttpRequest, object_id: Any) -> Tally:
        try:
            pk = int(unquote(str(object_id)))
        except ValueError:
            pk = None
        tally = (
            selectors.tallies_visible_to(user=request.user)
            .select_related("campaign", "squad", "road_segment", "recorded_by")
            .prefetch_related("values", "photos")
            .filter(pk=pk)
            .first()
            if pk is not None
            else None
        )
        if tally is None:
            raise Http404(gettext("No such tally, or it belongs to another unit."))
        return tally

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        tally = self._tally_or_404(request, object_id)
        campaign = tally.campaign
        metrics = selectors.campaign_metrics(campaign=campaign)
        locked = locked_reason(campaign)
        recorder = may_record(request.user) and self.has_change_permission(request)
        row = row_from_tally(day=tally.date, prefix="t", metrics=metrics, tally=tally)
        row.enabled = recorder and not locked
        here = reverse("admin:campaigns_tally_change", args=[tally.pk])
        if request.method == "POST":
            if not row.enabled:
                messages.error(
                    request, locked or gettext("Your role may not record tallies.")
                )
                return HttpResponseRedirect(here)
            row = row_from_post(request, row)
            saved = save_rows(
                request,
                campaign=campaign,
                squad=tally.squad,
                road_segment=tally.road_segment,
                rows=[row],
            )
            if saved is not None:
                messages.success(
                    request,
                    gettext("The tally is saved.")
                    if saved
                    else gettext("Nothing was changed."),
                )
                return HttpResponseRedirect(here)
            messages.error(
                request, gettext("Nothing was saved: correct the marked fields.")
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "media": self.media,
            "title": str(tally),
            "tally": tally,
            "campaign": campaign,
            "row": row,
            "locked": locked,
            "photo_types": PHOTO_TYPES,
            "photos_again": photos_again_note([row])
            if request.method == "POST"
            else "",
            "grid_url": grid_url(
                campaign,
                unit=tally.squad,
                week=monday_of(tally.date),
                segment=tally.road_segment,
            ),
            "campaign_url": reverse(
                "admin:campaigns_campaign_change", args=[campaign.pk]
            ),
            **(extra_context or {}),
        }
        return TemplateResponse(
            request, "admin/campaigns/tally/change_form.html", context
        )
