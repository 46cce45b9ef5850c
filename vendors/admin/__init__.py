"""The staff tool for vendors and markets.

Querysets come from `vendors.selectors` (the unit scope: another unit's
vendor, relocation, hotspot or post answers 404), and every write goes
through `vendors.services`: the forms run their service when cleaned
(`forms.ServiceForm`), a relocation's status moves only through its action
forms, a hotspot's through the list's actions. Markets are public reference
data: every member of staff sees them; only the covering unit edits them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from citymgmt.errors import DomainError
from citymgmt.exports.changelist import ExportAdminMixin
from complaints.admin.changelist import UnitFilter
from squads.admin import ServiceAdmin as ScopedServiceAdmin
from vendors import exports, selectors, services
from vendors.admin.forms import (
    CheckInForm,
    DutyPostForm,
    HotspotForm,
    HotspotWindowForm,
    MarketForm,
    RelocationOfferForm,
    StallForm,
    VendorForm,
)
from vendors.admin.relocation_views import RelocationViews, photo_response
from vendors.models import (
    CheckIn,
    DutyPost,
    Hotspot,
    HotspotWindow,
    Market,
    Relocation,
    Stall,
    StallStatus,
    Vendor,
)
from vendors.selectors_public import opening_week

CSS = {"all": ["css/admin-vendors.css"]}


class ServiceAdmin(ScopedServiceAdmin):
    class Media:
        css = CSS


# --- Markets and stalls -------------------------------------------------------


@admin.register(Market)
class MarketAdmin(ServiceAdmin):
    form = MarketForm
    change_form_template = "admin/vendors/market/change_form.html"
    list_display = [
        "name",
        "kind",
        "community",
        "squad",
        "capacity_column",
        "vacant_column",
        "occupied_column",
        "is_active",
    ]
    list_filter = ["kind", "is_active", ("squad", UnitFilter)]
    search_fields = ["name", "address"]
    list_select_related = ["community", "squad"]
    ordering = ["name", "id"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Market]:
        return selectors.with_stall_counts(
            selectors.markets_visible_to(user=request.user)
        )

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or selectors.in_scope(
            user=request.user, squad_id=obj.squad_id
        )

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            # Read only (another unit's market): the week in words, not JSON.
            fields = ["opening_week" if f == "opening_hours" else f for f in fields]
        return fields

    @admin.display(description=_("opening hours"))
    def opening_week(self, obj: Market) -> str:
        return format_html_join(
            mark_safe("<br>"),
            "{}：{}",
            (
                (
                    day.name,
                    "，".join(day.periods) or pgettext("opening hours", "closed"),
                )
                for day in opening_week(obj)
            ),
        )

    @admin.display(description=_("capacity"), ordering="capacity")
    def capacity_column(self, obj: Market) -> int:
        return obj.capacity  # type: ignore[attr-defined]

    @admin.display(description=_("vacant"), ordering="vacant_count")
    def vacant_column(self, obj: Market) -> int:
        return obj.vacant_count  # type: ignore[attr-defined]

    @admin.display(description=_("occupied"), ordering="occupied_count")
    def occupied_column(self, obj: Market) -> int:
        return obj.occupied_count  # type: ignore[attr-defined]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        market = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if market is not None:
            stalls = list(market.stalls.order_by("number"))
            context["stall_grid"] = stalls
            context["stall_counts"] = [
                (value, label, sum(1 for s in stalls if s.status == value))
                for value, label in StallStatus.choices
            ]
            context["can_edit_stalls"] = self.has_change_permission(request, market)
        return super().change_view(request, object_id, form_url, context)


@admin.register(Stall)
class StallAdmin(ServiceAdmin):
    form = StallForm
    list_display = [
        "number",
        "market",
        "status",
        "size_m2",
        "goods_allowed",
        "fee_waived",
    ]
    list_filter = ["status", "fee_waived"]
    search_fields = ["number", "market__name"]
    list_select_related = ["market"]
    ordering = ["market__name", "number"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Stall]:
        return selectors.stalls_editable_by(user=request.user)


# --- Vendors --------------------------------------------------------------------


@admin.register(Vendor)
class VendorAdmin(ServiceAdmin):
    form = VendorForm
    list_display = [
        "name",
        "goods",
        "phone_masked",
        "identity_masked",
        "flags",
        "squad",
        "usual_hotspot",
    ]
    list_filter = ["is_elderly", "is_hardship", "has_disability", ("squad", UnitFilter)]
    # Names and goods only: never a phone or identity number.
    search_fields = ["name", "goods"]
    list_select_related = ["squad", "usual_hotspot"]
    ordering = ["name", "id"]
    readonly_fields = ["identity_masked", "identity_consent_at"]

    def get_fieldsets(self, request, obj=None):
        main = [
            "name",
            "goods",
            "phone",
            "squad",
            "usual_hotspot",
            "usual_hours",
            ("is_elderly", "is_hardship", "has_disability"),
            "note",
        ]
        identity = ["new_identity_number", "identity_consent"]
        if obj is not None:
            identity = [
                "identity_masked",
                "identity_consent_at",
                *identity,
                "remove_identity",
            ]
        return [
            (None, {"fields": main}),
            (_("Identity (only with consent)"), {"fields": identity}),
        ]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Vendor]:
        return selectors.vendors_visible_to(user=request.user)

    @admin.display(description=_("mobile phone"))
    def phone_masked(self, obj: Vendor) -> str:
        return obj.phone_masked

    @admin.display(description=_("identity card number"))
    def identity_masked(self, obj: Vendor) -> str:
        return obj.identity_masked or "—"

    @admin.display(description=_("grounds for a free stall"))
    def flags(self, obj: Vendor) -> str:
        names = [
            str(label)
            for flag, label in (
                (obj.is_elderly, _("elderly")),
                (obj.is_hardship, _("hardship")),
                (obj.has_disability, _("disability")),
            )
            if flag
        ]
        return "、".join(names) or "—"


# --- Relocations ----------------------------------------------------------------


class FollowUpDueFilter(admin.SimpleListFilter):
    """Moved vendors due a visit: this week (the next 7 days) or already overdue."""

    title = _("follow-up due")
    parameter_name = "followup"

    def lookups(self, request, model_admin):
        return [("week", _("this week")), ("overdue", _("overdue"))]

    def queryset(self, request, queryset):
        within = {"week": 7, "overdue": 0}.get(self.value() or "")
        if within is None:
            return queryset
        due = selectors.followups_due(user=request.user, within=within)
        return queryset.filter(pk__in=due.values("pk"))


class MarketFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return list(Market.objects.order_by("name").values_list("pk", "name"))


@admin.register(Relocation)
class RelocationAdmin(ExportAdminMixin, RelocationViews, ServiceAdmin):
    export_kind = exports.RELOCATIONS.name
    form = RelocationOfferForm
    add_form_template = "admin/change_form.html"
    change_form_template = "admin/vendors/relocation/change_form.html"
    list_display = [
        "vendor",
        "market",
        "stall",
        "status",
        "squad",
        "officer",
        "moved_on",
        "last_visit_on",
    ]
    list_filter = [
        FollowUpDueFilter,
        "status",
        ("squad", UnitFilter),
        ("market", MarketFilter),
    ]
    search_fields = ["vendor__name", "market__name"]
    list_select_related = ["vendor", "market", "stall__market", "squad", "officer"]
    ordering = ["-offered_at", "-id"]
    readonly_fields = [
        "vendor",
        "status",
        "origin_hotspot",
        "origin_complaint",
        "market",
        "stall",
        "officer",
        "squad",
        "fee_waived_until",
        "offered_at",
        "accepted_at",
        "moved_on",
        "stable_at",
        "closed_at",
        "note",
    ]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Relocation]:
        return selectors.with_last_visit(
            selectors.relocations_visible_to(user=request.user)
        )

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(RelocationOfferForm.Meta.fields)
        return self.readonly_fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        return {
            k: v for k, v in initial.items() if k in RelocationOfferForm.Meta.fields
        }

    def has_change_permission(self, request, obj=None):
        # The page only shows; every move is an action form.
        return obj is None and super().has_change_permission(request)

    @admin.display(description=_("last visit"), ordering="last_visit_on")
    def last_visit_on(self, obj: Relocation) -> Any:
        return getattr(obj, "last_visit_on", None) if obj.moved_on else None


# --- Hotspots, duty posts, check-ins -------------------------------------------


class HotspotWindowInline(admin.TabularInline):
    model = HotspotWindow
    form = HotspotWindowForm
    fields = ["working_days", "weekdays", "start", "end"]
    extra = 1
    can_delete = True


@admin.register(Hotspot)
class HotspotAdmin(ServiceAdmin):
    form = HotspotForm
    change_form_template = "admin/vendors/hotspot/change_form.html"
    inlines = [HotspotWindowInline]
    list_display = ["name", "community", "squad", "status", "complaint_count"]
    list_filter = ["status", ("squad", UnitFilter)]
    search_fields = ["name", "place"]
    list_select_related = ["community", "squad"]
    ordering = ["name", "id"]
    actions = ["activate_selected", "clear_selected"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Hotspot]:
        return selectors.hotspots_visible_to(user=request.user).annotate(
            complaint_total=Count("complaints")
        )

    @admin.display(description=_("complaints"), ordering="complaint_total")
    def complaint_count(self, obj: Hotspot) -> int:
        return obj.complaint_total  # type: ignore[attr-defined]

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        """The page lists the linked cases the user may see."""
        if obj is not None and obj.pk:
            context["hotspot_complaints"] = list(
                selectors.hotspot_complaints(user=request.user, hotspot=obj)
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_formset(self, request, form, formset, change):
        hotspot = form.instance
        # What the admin's change message reads of a saved formset.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            [],
            [],
            [],
        )
        for window_form in formset.forms:
            data = getattr(window_form, "cleaned_data", None)
            existing = window_form.instance if window_form.instance.pk else None
            if not data:
                continue
            if data.get("DELETE"):
                if existing is not None:
                    services.hotspot_window_delete(window=existing, by=request.user)
                    formset.deleted_objects.append(existing)
                continue
            if not window_form.has_changed():
                continue
            bits = window_form.instance.weekdays
            saved = services.hotspot_window_save(
                hotspot=hotspot,
                by=request.user,
                existing=existing,
                window=services.Window(
                    start=data["start"],
                    end=data["end"],
                    working_days=data.get("working_days", False),
                    weekdays=[d for d in range(7) if bits & (1 << d)],
                ),
            )
            if existing is None:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, window_form.changed_data))

    def _move(self, request, queryset, service, done: str) -> None:
        for hotspot in queryset:
            try:
                service(hotspot=hotspot, by=request.user)
            except DomainError as err:
                self.message_user(request, f"{hotspot}: {err.message}", messages.ERROR)
            else:
                self.message_user(request, done % {"hotspot": hotspot})

    @admin.action(description=_("Mark active (vendors gather here)"))
    def activate_selected(self, request, queryset):
        self._move(
            request,
            queryset,
            services.hotspot_activate,
            gettext("%(hotspot)s is active."),
        )

    @admin.action(description=_("Mark cleared (clean check-ins)"))
    def clear_selected(self, request, queryset):
        self._move(
            request,
            queryset,
            services.hotspot_clear,
            gettext("%(hotspot)s is cleared."),
        )


@admin.register(DutyPost)
class DutyPostAdmin(ServiceAdmin):
    form = DutyPostForm
    list_display = ["hotspot", "date", "start", "end", "squad", "checkin_count"]
    list_filter = [("squad", UnitFilter)]
    date_hierarchy = "date"
    list_select_related = ["hotspot", "squad"]
    ordering = ["-date", "start", "id"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[DutyPost]:
        return selectors.duty_posts_visible_to(user=request.user).annotate(
            checkin_total=Count("checkins")
        )

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    @admin.display(description=_("check-ins"), ordering="checkin_total")
    def checkin_count(self, obj: DutyPost) -> int:
        return obj.checkin_total  # type: ignore[attr-defined]


@admin.register(CheckIn)
class CheckInAdmin(ServiceAdmin):
    form = CheckInForm
    list_display = ["post", "officer", "at", "vendors_present"]
    list_select_related = ["post__hotspot", "officer"]
    ordering = ["-at", "-id"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[CheckIn]:
        return selectors.checkins_visible_to(user=request.user)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None:
            # A recorded check-in is read only: its photo as a picture.
            fields = [f for f in fields if f != "photo_upload"] + ["photo_shown"]
        return fields

    @admin.display(description=_("photo"))
    def photo_shown(self, obj: CheckIn) -> str:
        if not obj.photo:
            return "—"
        url = reverse("admin:vendors_checkin_photo", args=[obj.pk, "file"])
        thumbnail = reverse("admin:vendors_checkin_photo", args=[obj.pk, "thumbnail"])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">'
            '<img src="{}" alt="{}" class="cd-visit-thumb"></a>',
            url,
            thumbnail,
            gettext("photo"),
        )

    def get_urls(self):
        return [
            path(
                "photo/<int:checkin_id>/<str:which>/",
                self.admin_site.admin_view(self.photo_view),
                name="vendors_checkin_photo",
            ),
            *super().get_urls(),
        ]

    def photo_view(self, request: HttpRequest, checkin_id: int, which: str):
        """Stream a check-in's photo to staff who may see its post (another
        unit: 404); photos have no public URL."""
        found = selectors.checkins_visible_to(user=request.user).filter(pk=checkin_id)
        return photo_response(found.first(), which)


# The hotspot suggestions register their own admin.
from vendors import admin_suggestions  # noqa: E402, F401
