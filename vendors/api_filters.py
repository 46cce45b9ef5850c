"""Filters of the staff relocation list API (django-filter).

They narrow the scoped list from `vendors.selectors`: a filter naming another
unit or its market finds nothing, never that unit's rows.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from vendors import selectors
from vendors.models import Relocation, RelocationStatus
from vendors.selectors_public import ID_MAX


class IdFilter(django_filters.NumberFilter):
    """A row id: whole and within PostgreSQL's bigint, else a 400 on the field."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class RelocationFilter(django_filters.FilterSet):
    # distinct=False: no filter joins a many-valued relation.
    status = django_filters.MultipleChoiceFilter(
        choices=RelocationStatus.choices,
        distinct=False,
        help_text="One or more statuses: ?status=moved&status=stable",
    )
    market = IdFilter(
        field_name="market_id", help_text="A market id from GET /api/v1/markets/."
    )
    squad = django_filters.CharFilter(
        field_name="squad__code",
        lookup_expr="iexact",
        help_text="The covering unit's code, e.g. ZD1.",
    )
    followup_due = django_filters.BooleanFilter(
        method="due",
        help_text=(
            "true: moved vendors due a follow-up visit within 7 days (or overdue); "
            "false: the others."
        ),
    )

    class Meta:
        model = Relocation
        fields = ["status", "market", "squad", "followup_due"]

    def due(
        self, queryset: QuerySet[Relocation], name: str, value: bool | None
    ) -> QuerySet[Relocation]:
        # The list is annotated with last_visit_on (selectors.with_last_visit).
        if value is None:
            return queryset
        due = Q(
            status=RelocationStatus.MOVED,
            last_visit_on__lte=selectors.followup_due_cutoff(within=7),
        )
        return queryset.filter(due) if value else queryset.exclude(due)
