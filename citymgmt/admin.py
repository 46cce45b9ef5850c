"""The admin site's titles, and the list filtering every changelist with
people's data shares."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("CityDesk administration")
admin.site.site_title = _("CityDesk")
admin.site.index_title = _("Service desk")

DATE_PARTS = ("year", "month", "day")
# Where Django itself reports a refused lookup.
security_log = logging.getLogger("django.security.DisallowedModelAdminLookup")


class FilterLookupsOnly(admin.ModelAdmin):
    """A changelist that filters only by what its own filters put in the URL.

    Django's changelist accepts a lookup on any field in the query string
    (`?phone__startswith=139`): enough to recover a masked phone one digit at
    a time, and a way to hand the database values it refuses. Here every
    lookup that neither a list filter nor the date drill-down makes is refused:
    the refusal is logged, and the person is sent back to the whole list with
    a message, the way Django answers a filter it cannot apply (?e=1).
    """

    def lookup_allowed(self, lookup: str, value: Any, request: HttpRequest) -> bool:
        return lookup in self.filter_lookups(request)

    def filter_lookups(self, request: HttpRequest) -> set[str]:
        """The query-string names the list filters and the date drill-down use."""
        allowed: set[str] = set()
        if self.date_hierarchy:
            allowed |= {f"{self.date_hierarchy}__{part}" for part in DATE_PARTS}
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                allowed.add(str(item.parameter_name))
                continue
            path = item[0] if isinstance(item, list | tuple) else item
            # What Django's field filters write: choices, booleans and values
            # use __exact, relations __<target>__exact, and all __isnull.
            allowed |= {path, f"{path}__exact", f"{path}__isnull"}
            field = get_fields_from_path(self.model, path)[-1]
            if field.is_relation:
                target = field.target_field.name
                allowed |= {f"{path}__{target}", f"{path}__{target}__exact"}
        return allowed

    def get_changelist_instance(self, request: HttpRequest):
        try:
            return super().get_changelist_instance(request)
        except DisallowedModelAdminLookup as refused:
            security_log.warning("%s (user %s)", refused, request.user.get_username())
            raise IncorrectLookupParameters(str(refused)) from refused

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if ERROR_FLAG in request.GET:
            # Django comes back here with ?e=1 when a filter in the URL could
            # not be applied (a date out of range, a value of the wrong type).
            self.message_user(
                request,
                gettext(
                    "A filter in the address could not be applied: "
                    "the whole list is shown."
                ),
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)
