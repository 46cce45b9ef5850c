"""The reference tables supervisors keep: categories and deadline rules."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints import selectors, services
from complaints.models import Category, DeadlineRule


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "major_class",
        "referral_to",
        "is_active",
        "requires_disposal_photos",
    ]
    list_filter = [
        "major_class",
        "is_active",
        "requires_disposal_photos",
        "default_priority",
    ]
    search_fields = ["code", "name_zh", "name_en", "referral_to"]
    list_per_page = 100
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "name_zh",
                    "name_en",
                    "major_class",
                    "standard_ref",
                    "is_active",
                ]
            },
        ),
        (
            _("Handling"),
            {"fields": ["default_priority", "requires_disposal_photos"]},
        ),
        (
            _("Referral"),
            {"fields": ["referral_to", "notice_zh", "notice_en"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Cases keep their category; a code from the standard does not change.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.category_save(category=obj)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    """Supervisors set the working-time limits; dispatchers read them."""

    list_display = [
        "scope",
        "priority",
        "accept_hours",
        "dispatch_hours",
        "sign_hours",
        "dispose_limit",
        "verify_hours",
        "reminder_thresholds",
        "is_active",
    ]
    list_filter = ["priority", "is_active"]
    search_fields = ["category__code", "category__name_zh", "category__name_en", "note"]
    autocomplete_fields = ["category"]
    list_select_related = ["category"]
    list_per_page = 100
    fieldsets = [
        (None, {"fields": ["category", "priority", "is_active"]}),
        (
            _("Working-time limits"),
            {
                "description": _(
                    "Working hours count office hours on working days only "
                    "(weekends and public holidays excluded, make-up working "
                    "days included). A working day is one day's office hours."
                ),
                "fields": [
                    "accept_hours",
                    "dispatch_hours",
                    "sign_hours",
                    ("dispose_hours", "dispose_days"),
                    "verify_hours",
                ],
            },
        ),
        (_("Reminders"), {"fields": ["reminder_thresholds", "note"]}),
    ]

    def get_queryset(self, request):
        return selectors.deadline_rules()

    def has_delete_permission(self, request, obj=None):
        # Cases keep the rule they were timed by; switch a rule off instead.
        return False

    def save_model(self, request, obj, form, change):
        services.deadline_rule_save(rule=obj)

    @admin.display(description=_("category"), ordering="category__code")
    def scope(self, obj: DeadlineRule) -> str:
        return str(obj.category) if obj.category_id else gettext("default")

    @admin.display(description=_("dispose within"))
    def dispose_limit(self, obj: DeadlineRule) -> str:
        if obj.dispose_days:
            return gettext("%(days)s working days") % {"days": obj.dispose_days}
        return gettext("%(hours)s working hours") % {
            "hours": f"{obj.dispose_hours.normalize():f}"
            if obj.dispose_hours is not None
            else "—"
        }
