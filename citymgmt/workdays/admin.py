"""The calendar table in the admin: supervisors keep it, the desk reads it."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _

from citymgmt.workdays import services
from citymgmt.workdays.models import CalendarDay


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "source"]
    list_filter = ["kind", YearFilter, "source"]
    search_fields = ["name", "name_en"]
    date_hierarchy = "date"
    ordering = ["date"]
    fields = ["date", "kind", "name", "name_en", "source", "updated_at"]
    readonly_fields = ["source", "updated_at"]
    list_per_page = 100

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS_ABBR[obj.date.weekday()])

    def save_model(self, request: HttpRequest, obj: CalendarDay, form, change):
        # An edit in the admin marks the row, so load_holidays leaves it alone.
        services.calendar_day_save(
            day=obj.date,
            kind=obj.kind,
            name=obj.name,
            name_en=obj.name_en,
            source=CalendarDay.Source.ADMIN,
            instance=obj,
        )

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        services.calendar_day_delete(calendar_day=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for row in queryset:
            services.calendar_day_delete(calendar_day=row)
