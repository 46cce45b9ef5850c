"""The stall requests in the admin: scoped by unit, phones masked, moves by action."""

from __future__ import annotations

import logging

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from citymgmt import phones
from citymgmt.admin import FilterLookupsOnly
from citymgmt.errors import DomainError
from squads.admin import ScopedAdmin
from vendors.models import StallRequest, StallRequestStatus
from vendors.selectors_requests import stall_requests_visible_to
from vendors.services.requests import stall_request_set_status

logger = logging.getLogger(__name__)


def _move(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[StallRequest],
    status: str,
) -> None:
    moved = 0
    for stall_request in queryset:
        try:
            stall_request_set_status(
                stall_request=stall_request, status=status, by=request.user
            )
        except DomainError as err:
            modeladmin.message_user(
                request, f"{stall_request.reference}: {err.message}", messages.ERROR
            )
        else:
            moved += 1
    if moved:
        modeladmin.message_user(
            request,
            ngettext("%(count)d request updated.", "%(count)d requests updated.", moved)
            % {"count": moved},
            messages.SUCCESS,
        )


@admin.action(description=_("Mark as contacted"), permissions=["change"])
def mark_contacted(modeladmin, request, queryset):
    _move(modeladmin, request, queryset, StallRequestStatus.CONTACTED)


@admin.action(description=_("Mark as stall offered"), permissions=["change"])
def mark_offered(modeladmin, request, queryset):
    _move(modeladmin, request, queryset, StallRequestStatus.OFFERED)


@admin.action(description=_("Close"), permissions=["change"])
def mark_closed(modeladmin, request, queryset):
    _move(modeladmin, request, queryset, StallRequestStatus.CLOSED)


@admin.register(StallRequest)
class StallRequestAdmin(FilterLookupsOnly, ScopedAdmin):
    list_display = (
        "reference",
        "created_at",
        "name",
        "phone_display",
        "goods",
        "market",
        "is_hardship",
        "status",
        "squad",
    )
    list_filter = ("status", "is_hardship")
    list_select_related = ("market", "squad")
    search_fields = ("reference",)
    show_full_result_count = False
    actions = [mark_contacted, mark_offered, mark_closed]
    fields = (
        "reference",
        "status",
        "name",
        "phone_display",
        "goods",
        "market",
        "is_hardship",
        "consent_at",
        "squad",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description=_("mobile phone"))
    def phone_display(self, obj: StallRequest) -> str:
        return obj.phone_masked

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[StallRequest]:
        return stall_requests_visible_to(user=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The unit calls the vendor back: the number in full on the request's own
        page (the vendor asked to be called; the list keeps it masked), and a
        log line of who opened it, with the number masked."""
        found = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if found is not None and found.phone:
            context["call_phone"] = found.phone
            context["call_href"] = phones.tel_href(found.phone)
            logger.info(
                "%s opened stall request %s to call %s",
                request.user,
                found.reference,
                phones.mask(found.phone),
            )
        return super().change_view(request, object_id, form_url, context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
