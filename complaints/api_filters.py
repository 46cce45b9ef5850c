"""Filters of the staff complaint list API (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from citymgmt.forms import MomentField
from complaints import services
from complaints.models import Category, Channel, Complaint, Status


class MomentFilter(django_filters.DateTimeFilter):
    """A date and time the database can compare: odd offsets and years get a 400."""

    field_class = MomentField


class ComplaintFilter(django_filters.FilterSet):
    # distinct=False: a status filter joins nothing, and DISTINCT would make
    # PostgreSQL read every matching row before the first page.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        distinct=False,
        help_text="One or more statuses: ?status=submitted&status=registered",
    )
    category = django_filters.CharFilter(
        field_name="category__code", help_text="A category code, e.g. 09006."
    )
    squad = django_filters.CharFilter(
        field_name="squad__code",
        lookup_expr="iexact",
        help_text="The handling unit's code, e.g. ZD1.",
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    priority = django_filters.ChoiceFilter(choices=Category.Priority.choices)
    community = django_filters.CharFilter(
        field_name="community__code", help_text="A community's 12-digit code."
    )
    submitted_after = MomentFilter(
        field_name="submitted_at",
        lookup_expr="gte",
        help_text="Submitted at or after this time (ISO 8601 or a date).",
    )
    submitted_before = MomentFilter(
        field_name="submitted_at",
        lookup_expr="lt",
        help_text="Submitted before this time (ISO 8601 or a date).",
    )
    q = django_filters.CharFilter(
        method="search",
        help_text=(
            "A reference or part of an address; a mobile number finds its cases "
            "only for staff who may reveal phones (and is logged like a reveal)."
        ),
    )

    class Meta:
        model = Complaint
        fields = [
            "status",
            "category",
            "squad",
            "channel",
            "priority",
            "community",
            "submitted_after",
            "submitted_before",
            "q",
        ]

    def search(
        self, queryset: QuerySet[Complaint], name: str, value: str
    ) -> QuerySet[Complaint]:
        if not value.strip():
            return queryset
        return services.complaint_search(
            complaints=queryset, term=value, by=self.request.user
        )
