"""Admin for areas, units, members, workstations and cards, scoped by unit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from citymgmt.admin import FilterLookupsOnly
from citymgmt.errors import DomainError
from citymgmt.forms import add_domain_error
from squads import selectors, services
from squads.models import Area, ContactCard, Member, ServiceItem, Squad, Workstation
from squads.roles import Role, role_of, squad_ids_in_scope


def is_bureau_wide(request: HttpRequest) -> bool:
    return squad_ids_in_scope(user=request.user) is None


class ScopedAdmin(admin.ModelAdmin):
    """Shows only the rows in the user's scope; rows outside it answer 404."""

    def scoped_queryset(self, request: HttpRequest) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = self.scoped_queryset(request)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def _require_in_scope(self, request: HttpRequest, object_id: str | None) -> None:
        if (
            object_id is not None
            and self.get_object(request, unquote(object_id)) is None
        ):
            raise Http404(_("No such row, or it belongs to another unit."))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._require_in_scope(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Autocomplete widgets search the scoped admin; this also refuses a
        # posted id outside the scope.
        if db_field.related_model is Squad:
            kwargs["queryset"] = selectors.squads_visible_to(user=request.user)
        elif db_field.related_model is Member:
            kwargs["queryset"] = selectors.members_visible_to(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ServiceForm(forms.ModelForm):
    """A ModelForm whose cleaning is the service's check and save.

    The model's own validation is skipped; what was typed goes to
    `save_through_service` (the app's service), whose refusals land on the
    fields they name. Used by the apps built on squads (vendors, campaigns).
    """

    user: User

    def limit(self, name: str, queryset: QuerySet) -> None:
        """Offer only these rows (a view-only page may lack the field)."""
        if name in self.fields:
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]

    def optional(self, name: str, help_text: Any = None) -> None:
        if name in self.fields:
            self.fields[name].required = False
            if help_text is not None:
                self.fields[name].help_text = help_text

    def save_through_service(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _post_clean(self) -> None:
        if self.errors:
            return
        existing = self.instance if self.instance.pk else None
        try:
            self.instance = self.save_through_service(
                {**self.cleaned_data, "existing": existing}
            )
        except DomainError as err:
            add_domain_error(self, err)

    def save(self, commit: bool = True) -> Any:
        self.save_m2m = lambda: None  # the service saved everything
        return self.instance


class ServiceAdmin(FilterLookupsOnly, ScopedAdmin):
    """Scoped, forms saved through their service (`ServiceForm`), a form shown
    again with errors rolled back whole, no deletes."""

    show_facets = admin.ShowFacets.NEVER
    show_full_result_count = False
    view_on_site = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A form shown again with errors keeps nothing its service saved."""
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            response = super().changeform_view(
                request, object_id, form_url, extra_context
            )
            if response.status_code != 302:
                transaction.set_rollback(True)
        return response

    def save_model(self, request, obj, form, change):
        """The form's service has saved the row."""

    def save_related(self, request, form, formsets, change):
        """The form's service has saved its relations; inlines save their own."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "covering_squad"]
    list_filter = ["level", ("covering_squad", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "parent__name"]
    autocomplete_fields = ["parent", "covering_squad"]
    list_select_related = ["parent", "covering_squad"]
    list_per_page = 50

    def save_model(self, request, obj, form, change):
        services.area_save(area=obj)


class ServiceItemInline(admin.TabularInline):
    model = ServiceItem
    fields = ["position", "text"]
    extra = 1


class MemberInline(admin.TabularInline):
    model = Member
    fields = [
        "full_name",
        "user",
        "role",
        "title",
        "work_phone",
        "badge_number",
        "is_active",
    ]
    autocomplete_fields = ["user"]
    extra = 0
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        # New logins and role changes are for bureau-wide staff.
        return [] if is_bureau_wide(request) else ["user", "role"]


@admin.register(Squad)
class SquadAdmin(ScopedAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "parent",
        "duty_phone",
        "current_card",
        "is_active",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "office_address"]
    autocomplete_fields = ["parent", "area"]
    list_select_related = ["parent"]
    inlines = [ServiceItemInline, MemberInline]
    actions = ["publish_cards"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "name",
                    "kind",
                    "parent",
                    "area",
                    "position",
                    "is_active",
                ]
            },
        ),
        (
            _("Contact card"),
            {
                "fields": [
                    "duty_phone",
                    "supervision_phone",
                    "office_address",
                    "working_hours",
                ]
            },
        ),
    ]

    def scoped_queryset(self, request):
        return selectors.squads_visible_to(user=request.user).prefetch_related(
            selectors._current_cards()
        )

    def get_readonly_fields(self, request, obj=None):
        # A unit's leaders keep its card details, but not the supervision
        # phone (监督电话): citizens call it to complain about the unit, so
        # the desk sets it (squad_save checks it too). A dispatcher changes
        # that number and nothing else; a supervisor changes everything.
        if not is_bureau_wide(request):
            return ["code", "kind", "parent", "area", "is_active", "supervision_phone"]
        if role_of(user=request.user) == Role.DISPATCHER:
            return [
                name
                for name in flatten_fieldsets(self.fieldsets)
                if name != "supervision_phone"
            ]
        return []

    @admin.display(description=_("current card"))
    def current_card(self, obj: Squad) -> str:
        card = selectors.current_card_of(obj)
        return f"v{card.version}" if card else "—"

    def save_model(self, request, obj, form, change):
        services.squad_save(squad=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Member:
            return super().save_formset(request, form, formset, change)
        for member in formset.save(commit=False):
            services.member_save(member=member)
        for member in formset.deleted_objects:
            member.delete()

    @admin.action(
        description=_("Publish the contact card of the selected units"),
        permissions=["publish"],
    )
    def publish_cards(self, request, queryset):
        published = 0
        for squad in queryset:
            before = selectors.current_card_of(squad)
            card = services.contact_card_publish(squad=squad, by=request.user)
            if before is None or card.pk != before.pk:
                published += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d card published; the others were already up to date.",
                "%(count)d cards published; the others were already up to date.",
                published,
            )
            % {"count": published},
            messages.SUCCESS,
        )

    def has_publish_permission(self, request):
        return request.user.has_perm("squads.add_contactcard")


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    list_display = [
        "full_name",
        "role",
        "squad",
        "title",
        "work_phone",
        "badge_number",
        "is_active",
    ]
    list_filter = ["role", "is_active", ("squad", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["full_name", "badge_number", "user__username", "work_phone"]
    autocomplete_fields = ["user", "squad"]
    list_select_related = ["squad", "user"]

    def scoped_queryset(self, request):
        return selectors.members_visible_to(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return [] if is_bureau_wide(request) else ["user", "role", "squad"]

    def save_model(self, request, obj, form, change):
        services.member_save(member=obj)


@admin.register(Workstation)
class WorkstationAdmin(ScopedAdmin):
    list_display = ["name", "community", "phone", "hours", "contact", "is_active"]
    list_filter = ["is_active", "community__parent"]
    search_fields = ["name", "address", "community__name"]
    autocomplete_fields = ["community", "contact"]
    list_select_related = ["community", "contact"]

    def scoped_queryset(self, request):
        return selectors.workstations_visible_to(user=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "community":
            scope = squad_ids_in_scope(user=request.user)
            qs = Area.objects.filter(level=Area.Level.COMMUNITY)
            kwargs["queryset"] = (
                qs if scope is None else qs.filter(covering_squad_id__in=scope)
            )
            return admin.ModelAdmin.formfield_for_foreignkey(
                self, db_field, request, **kwargs
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.workstation_save(workstation=obj)


@admin.register(ContactCard)
class ContactCardAdmin(ScopedAdmin):
    list_display = ["squad", "version", "published_at", "published_by"]
    list_filter = [("squad", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["squad__name", "squad__code"]
    list_select_related = ["squad", "published_by"]
    readonly_fields = ["squad", "version", "content", "published_at", "published_by"]

    def scoped_queryset(self, request):
        return selectors.cards_visible_to(user=request.user)

    def has_add_permission(self, request):
        # Cards are published from the unit list ("Publish the contact card").
        return False

    def has_change_permission(self, request, obj=None):
        return False
