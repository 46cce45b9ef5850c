"""The staff tool for complaints: triage list, case page, action forms, filing.

Every queryset goes through `complaints.selectors` (the squad scope), every
write through `complaints.services`; the change form itself is read-only, so
the only way to move a case is an action form that calls the workflow service.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from citymgmt import phones
from citymgmt.admin import FilterLookupsOnly
from citymgmt.exports.changelist import ExportAdminMixin
from complaints import exports, selectors, services
from complaints.admin import reference  # noqa: F401 - registers its admins
from complaints.admin.bulk import BulkActions
from complaints.admin.case_views import CaseViews
from complaints.admin.changelist import (
    CappedPaginator,
    CategoryFilter,
    CommunityFilter,
    ComplaintChangeList,
    DeadlineFilter,
    ExtensionFilter,
    UnitFilter,
)
from complaints.admin.display import is_desk, status_badge
from complaints.deadlines.display import deadline_badge, local_time
from complaints.models import Category, Complaint
from squads.admin import ScopedAdmin
from squads.roles import LEADERS, role_of


@admin.register(Complaint)
class ComplaintAdmin(
    ExportAdminMixin, BulkActions, CaseViews, FilterLookupsOnly, ScopedAdmin
):
    export_kind = exports.COMPLAINTS.name
    list_display = [
        "reference",
        "submitted_short",
        "status_priority",
        "deadline",
        "category",
        "place",
        "channel",
        "phone_masked",
    ]
    list_filter = [
        DeadlineFilter,
        ExtensionFilter,
        "status",
        ("category", CategoryFilter),
        ("squad", UnitFilter),
        "channel",
        "priority",
        ("community", CommunityFilter),
    ]
    # Only shows the search box; get_search_results does the matching (a
    # phone only for those who may reveal it).
    search_fields = ["reference", "address"]
    search_help_text = _(
        "A reference (20261123-0042) or mobile number finds that case; "
        "other words search the address."
    )
    date_hierarchy = "submitted_at"
    show_full_result_count = False
    list_select_related = ["category", "community", "squad", "deadline_rule"]
    list_per_page = 50
    ordering = ["-submitted_at", "-id"]
    sortable_by = ["reference", "submitted_short", "deadline"]
    # Facet counts would run one COUNT per filter choice over the whole table.
    show_facets = admin.ShowFacets.NEVER
    view_on_site = False
    actions = ["dispatch_selected", "merge_selected"]
    readonly_fields = [
        "reference",
        "status_display",
        "category",
        "request_type",
        "channel",
        "priority",
        "submitted_at",
        "created_by",
        "citizen_display",
        "phone_masked",
        "consent_at",
        "tracking_failures",
        "address",
        "street",
        "community",
        "latitude",
        "longitude",
        "description",
        "squad",
        "assignee",
        "duplicate_of",
        "referral_to",
        "method",
        "resolution",
        "satisfaction",
        "rework_count",
        "reopen_count",
        "extension_count",
        "accepted_at",
        "dispatched_at",
        "signed_at",
        "disposed_at",
        "closed_at",
        "rated_at",
        "deadline",
        "deadline_rule",
        "accept_due_local",
        "dispatch_due_local",
        "sign_due_local",
        "dispose_due_local",
        "verify_due_local",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("reference", "status_display"),
                    ("category", "request_type"),
                    ("channel", "priority"),
                    ("submitted_at", "created_by"),
                ]
            },
        ),
        (
            _("Citizen"),
            {
                "fields": [
                    ("citizen_display", "phone_masked"),
                    ("consent_at", "tracking_failures"),
                ]
            },
        ),
        (
            _("Place and description"),
            {
                "fields": [
                    "address",
                    ("street", "community"),
                    ("latitude", "longitude"),
                    "description",
                ]
            },
        ),
        (
            _("Handling"),
            {
                "fields": [
                    ("squad", "assignee"),
                    ("duplicate_of", "referral_to"),
                    "method",
                    "resolution",
                    "satisfaction",
                    ("rework_count", "reopen_count", "extension_count"),
                ]
            },
        ),
        (
            _("Deadlines"),
            {
                "fields": [
                    ("deadline", "deadline_rule"),
                    ("accept_due_local", "dispatch_due_local"),
                    ("sign_due_local", "dispose_due_local"),
                    "verify_due_local",
                ]
            },
        ),
        (
            _("Stages"),
            {
                "classes": ["collapse"],
                "fields": [
                    ("accepted_at", "dispatched_at"),
                    ("signed_at", "disposed_at"),
                    ("closed_at", "rated_at"),
                ],
            },
        ),
    ]

    class Media:
        css = {"all": ["css/admin-complaints.css"]}

    paginator = CappedPaginator

    # Scope ------------------------------------------------------------------

    def get_changelist(self, request, **kwargs):
        return ComplaintChangeList

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        # The badge reads the rule's reminder thresholds: join it, no query a row.
        return selectors.complaint_list_for(user=request.user).select_related(
            "deadline_rule"
        )

    def get_ordering(self, request):
        # A unit leader works down the list by the nearest due time.
        if role_of(user=request.user) in LEADERS:
            return [F("current_due_at").asc(nulls_last=True), "-submitted_at", "-id"]
        return super().get_ordering(request)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        found = services.complaint_search(
            complaints=queryset, term=term, by=request.user
        )
        return found, False

    # The form is read-only: status moves only through the action forms.

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return request.user.has_perm("complaints.file_on_behalf")

    def has_desk_permission(self, request: HttpRequest) -> bool:
        return is_desk(request)

    # Columns ----------------------------------------------------------------

    @admin.display(description=_("submitted at"), ordering="submitted_at")
    def submitted_short(self, obj: Complaint) -> str:
        return timezone.localtime(obj.submitted_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj: Complaint) -> str:
        return status_badge(obj)

    @admin.display(description=_("status"))
    def status_priority(self, obj: Complaint) -> str:
        # Priority rides on the status column: the list must fit a laptop screen.
        if obj.priority == Category.Priority.URGENT:
            return format_html(
                '{} <span class="cd-badge cd-urgent">{}</span>',
                status_badge(obj),
                obj.get_priority_display(),
            )
        return status_badge(obj)

    @admin.display(description=_("deadline"), ordering="current_due_at")
    def deadline(self, obj: Complaint) -> str:
        return deadline_badge(obj)

    @admin.display(description=_("accept by"))
    def accept_due_local(self, obj: Complaint) -> str:
        return local_time(obj.accept_due_at)

    @admin.display(description=_("dispatch by"))
    def dispatch_due_local(self, obj: Complaint) -> str:
        return local_time(obj.dispatch_due_at)

    @admin.display(description=_("sign by"))
    def sign_due_local(self, obj: Complaint) -> str:
        return local_time(obj.sign_due_at)

    @admin.display(description=_("dispose by"))
    def dispose_due_local(self, obj: Complaint) -> str:
        return local_time(obj.dispose_due_at)

    @admin.display(description=_("verify by"))
    def verify_due_local(self, obj: Complaint) -> str:
        return local_time(obj.verify_due_at)

    @admin.display(description=_("community / unit"))
    def place(self, obj: Complaint) -> str:
        return format_html(
            '{}<br><span class="cd-muted">{}</span>',
            obj.community.name if obj.community else "—",
            obj.squad.name if obj.squad else gettext("no unit yet"),
        )

    @admin.display(description=_("mobile phone"))
    def phone_masked(self, obj: Complaint) -> str:
        # Masked even for those who may reveal it: a reveal is one logged act.
        return phones.mask(obj.phone)

    @admin.display(description=_("name"))
    def citizen_display(self, obj: Complaint) -> str:
        if obj.is_anonymous:
            return gettext("anonymous")
        return obj.citizen_name or "—"
