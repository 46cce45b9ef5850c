"""The triage list: filters on small tables, a capped count, a cheap date drill-down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import Exists, Max, Min, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from citymgmt import refdata
from complaints.admin import rows
from complaints.models import Category
from squads.models import Area, Squad
from squads.roles import squad_ids_in_scope


def scope_of(request: HttpRequest) -> set[int] | None:
    """The user's unit scope, worked out once per request for the filters."""
    if not hasattr(request, "_complaints_scope"):
        request._complaints_scope = squad_ids_in_scope(user=request.user)
    return request._complaints_scope


@dataclass(frozen=True)
class FilterChoices:
    """The list filters' small tables, kept per process (`citymgmt.refdata`).

    Units and areas are saved through the squads services and categories
    through `category_save`, each of which calls `refdata.changed()`.
    Shared by every request: never changed by the reader.
    """

    units: list[tuple[int, str]]  # (id, name), in the tree's order
    communities: list[tuple[int, str, int | None]]  # (id, name, covering unit)
    categories: list[Category]


def _load_filter_choices() -> FilterChoices:
    return FilterChoices(
        units=list(
            Squad.objects.order_by("position", "code").values_list("pk", "name")
        ),
        communities=list(
            Area.objects.filter(level=Area.Level.COMMUNITY)
            .order_by("code")
            .values_list("pk", "name", "covering_squad_id")
        ),
        categories=list(
            Category.objects.order_by("code").only("pk", "code", "name_zh", "name_en")
        ),
    )


def filter_choices(request: HttpRequest) -> FilterChoices:
    """The filters' tables, asked of the shared cache's version once per request."""
    if not hasattr(request, "_complaints_filter_choices"):
        request._complaints_filter_choices = refdata.cached(
            "complaints.admin.filter_choices", _load_filter_choices
        )
    return request._complaints_filter_choices


class UnitFilter(admin.RelatedFieldListFilter):
    """The units in the user's scope (a small table), never a scan of complaints."""

    def field_choices(self, field, request, model_admin):
        scope = scope_of(request)
        return [
            (pk, name)
            for pk, name in filter_choices(request).units
            if scope is None or pk in scope
        ]


class CommunityFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        scope = scope_of(request)
        return [
            (pk, name)
            for pk, name, unit in filter_choices(request).communities
            if scope is None or unit in scope
        ]


class CategoryFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        # str() reads the name in the request's language.
        return [(c.pk, str(c)) for c in filter_choices(request).categories]


# --- A changelist that stays fast on a million rows ---------------------------


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows: COUNT(*) over a million cases is the slow part."""

    cap = 10_000
    capped = False

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)


class ComplaintChangeList(ChangeList):
    # The drill-down's years: Django's own bounds (its end of year 9999 is
    # past the calendar, its start of year 1 is before UTC's) would 500.
    years = range(1900, 3000)

    def get_results(self, request):
        super().get_results(request)
        if rows.draws(self):
            # The page's rows read a few columns of the case and its joins.
            self.result_list = self.result_list.only(*rows.FIELDS)

    def get_filters(self, request):
        year = self.params.get(f"{self.date_hierarchy}__year", "")
        if year and not (year.isascii() and year.isdigit() and int(year) in self.years):
            raise IncorrectLookupParameters(f"year {year!r} out of range")
        return super().get_filters(request)

    def date_choices(self) -> dict[str, Any]:
        try:
            return self._date_choices()
        except (ValueError, OverflowError):
            # A hand-edited URL such as ?submitted_at__day=31 in February.
            return {"show": False}

    def _date_choices(self) -> dict[str, Any]:
        """The date drill-down from MIN/MAX on the index, not a DISTINCT scan.

        Django's own tag lists the years, months or days that have rows with a
        SELECT DISTINCT over the filtered table; on a million cases that costs
        more than the page itself. Here every year, month or day between the
        first and the last case is offered.
        """
        names = self._date_names()
        try:
            year, month, day = (
                int(self.params[name]) if self.params.get(name) else None
                for name in names
            )
        except ValueError:
            return {"show": False}
        overall = None
        if not (year or month or day):
            overall = self._span(self.queryset)
            if overall is None:
                return {"show": False}
            first, last = overall
            if first.year != last.year:
                return self._years(first.year, last.year)
            year, month = (
                first.year,
                (first.month if first.month == last.month else None),
            )
        if year and month:
            if day:
                return self._day(date(year, month, day))
            # The range of the whole list is the range of its only month.
            month_qs = self.queryset.filter(**{names[0]: year, names[1]: month})
            return self._days(year, month, overall or self._span(month_qs))
        year_qs = self.queryset.filter(**{names[0]: year})
        return self._months(year, overall or self._span(year_qs))

    def _date_names(self) -> list[str]:
        return [f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")]

    def _link(self, filters: dict[str, Any]) -> str:
        return self.get_query_string(filters, [f"{self.date_hierarchy}__"])

    def _span(self, qs: QuerySet) -> tuple[datetime, datetime] | None:
        field = self.date_hierarchy
        found = qs.aggregate(first=Min(field), last=Max(field))
        if not found["first"]:
            return None
        return timezone.localtime(found["first"]), timezone.localtime(found["last"])

    def _years(self, first: int, last: int) -> dict[str, Any]:
        y_name = self._date_names()[0]
        return {
            "show": True,
            "back": None,
            "choices": [
                {"link": self._link({y_name: str(y)}), "title": str(y)}
                for y in range(first, last + 1)
            ],
        }

    def _day(self, chosen: date) -> dict[str, Any]:
        y_name, m_name, _d = self._date_names()
        return {
            "show": True,
            "back": {
                "link": self._link({y_name: chosen.year, m_name: chosen.month}),
                "title": capfirst(formats.date_format(chosen, "YEAR_MONTH_FORMAT")),
            },
            "choices": [
                {"title": capfirst(formats.date_format(chosen, "MONTH_DAY_FORMAT"))}
            ],
        }

    def _days(
        self, year: int, month: int, found: tuple[datetime, datetime] | None
    ) -> dict[str, Any]:
        y_name, m_name, d_name = self._date_names()
        days = range(found[0].day, found[1].day + 1) if found else range(0)
        return {
            "show": True,
            "back": {"link": self._link({y_name: year}), "title": str(year)},
            "choices": [
                {
                    "link": self._link({y_name: year, m_name: month, d_name: d}),
                    "title": capfirst(
                        formats.date_format(date(year, month, d), "MONTH_DAY_FORMAT")
                    ),
                }
                for d in days
            ],
        }

    def _months(
        self, year: int, found: tuple[datetime, datetime] | None
    ) -> dict[str, Any]:
        y_name, m_name, _d = self._date_names()
        months = range(found[0].month, found[1].month + 1) if found else range(0)
        return {
            "show": True,
            "back": {"link": self._link({}), "title": gettext("All dates")},
            "choices": [
                {
                    "link": self._link({y_name: year, m_name: m}),
                    "title": capfirst(
                        formats.date_format(date(year, m, 1), "YEAR_MONTH_FORMAT")
                    ),
                }
                for m in months
            ],
        }


# --- Deadline filters: indexed ranges on current_due_at, an EXISTS for extensions


class DeadlineFilter(admin.SimpleListFilter):
    """Open cases whose current stage is due later today, or is past due."""

    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("due_today", _("due today")),
            ("overdue", _("overdue")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "due_today":
            midnight = timezone.localtime(now).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            tomorrow = midnight + timedelta(days=1)
            return queryset.filter(current_due_at__gte=now, current_due_at__lt=tomorrow)
        if self.value() == "overdue":
            return queryset.filter(current_due_at__lt=now)
        return queryset


class ExtensionFilter(admin.SimpleListFilter):
    """Cases with an extension request waiting for a decision, or extended."""

    title = _("extension")
    parameter_name = "extension"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("extension pending")),
            ("extended", _("extended")),
        ]

    def queryset(self, request, queryset):
        from complaints.models import ExtensionRequest

        if self.value() == "pending":
            return queryset.filter(
                Exists(
                    ExtensionRequest.objects.filter(
                        complaint_id=OuterRef("pk"),
                        status=ExtensionRequest.Status.PENDING,
                    )
                )
            )
        if self.value() == "extended":
            return queryset.filter(extension_count__gt=0)
        return queryset
