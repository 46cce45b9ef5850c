"""Admin for hotspot suggestions: the unit's leaders confirm or dismiss them.

Scoped like the other staff lists (squads.admin.ScopedAdmin): another unit's
suggestion answers 404. Nothing is edited here; the two actions call
vendors.suggestions, which check the role and scope again.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from citymgmt.errors import DomainError
from squads.admin import ScopedAdmin
from vendors import suggestions
from vendors.models import HotspotSuggestion


@admin.register(HotspotSuggestion)
class HotspotSuggestionAdmin(ScopedAdmin):
    list_display = [
        "community",
        "window",
        "days_seen",
        "complaint_count",
        "status",
        "squad",
        "hotspot",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["community", "squad", "hotspot"]
    ordering = ["-created_at", "-id"]
    actions = ["confirm", "dismiss"]
    readonly_fields = [
        "community",
        "squad",
        "category",
        "start",
        "end",
        "days_seen",
        "on_working_days",
        "place",
        "complaint_list",
        "status",
        "hotspot",
        "created_at",
        "decided_at",
        "decided_by",
        "note",
    ]
    fields = readonly_fields
    show_full_result_count = False

    def scoped_queryset(self, request: HttpRequest) -> QuerySet:
        return suggestions.suggestions_visible_to(user=request.user).annotate(
            complaint_total=Count("complaints")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # The page of one suggestion is read-only; the list's actions decide.
        return obj is None and super().has_change_permission(request)

    @admin.display(description=_("window"))
    def window(self, obj: HotspotSuggestion) -> str:
        return f"{obj.start:%H:%M}–{obj.end:%H:%M}"

    @admin.display(description=_("weekdays seen"))
    def days_seen(self, obj: HotspotSuggestion) -> str:
        return suggestions.weekday_names(obj.weekdays)

    @admin.display(description=_("complaints"), ordering="complaint_total")
    def complaint_count(self, obj: HotspotSuggestion) -> int:
        return obj.complaint_total  # type: ignore[attr-defined]

    @admin.display(description=_("complaints"))
    def complaint_list(self, obj: HotspotSuggestion) -> str:
        return ", ".join(
            obj.complaints.order_by("id").values_list("reference", flat=True)
        )

    def _each(self, request: HttpRequest, queryset: QuerySet, service, done) -> None:
        count = 0
        for suggestion in queryset:
            try:
                service(suggestion=suggestion, by=request.user)
            except DomainError as error:
                self.message_user(
                    request, f"{suggestion}: {error.message}", messages.ERROR
                )
            else:
                count += 1
        if count:
            self.message_user(request, done(count), messages.SUCCESS)

    @admin.action(
        description=_("Confirm: open the hotspot with this window"),
        permissions=["change"],
    )
    def confirm(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(
            request,
            queryset,
            suggestions.suggestion_confirm,
            lambda n: (
                ngettext("%(count)d hotspot opened.", "%(count)d hotspots opened.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Dismiss the suggestion"), permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(
            request,
            queryset,
            suggestions.suggestion_dismiss,
            lambda n: (
                ngettext(
                    "%(count)d suggestion dismissed.",
                    "%(count)d suggestions dismissed.",
                    n,
                )
                % {"count": n}
            ),
        )
