"""What the campaigns' admin classes share: forms that save through their
service, a changeform rolled back whole when it is shown again, no deletes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from citymgmt.admin import FilterLookupsOnly
from citymgmt.errors import DomainError
from citymgmt.forms import add_domain_error
from squads.admin import ScopedAdmin

CSS = {"all": ["css/admin-campaigns.css"]}


class ServiceForm(forms.ModelForm):
    """A ModelForm whose cleaning is the service's check and save.

    The model's own validation is skipped; what was typed goes to the
    service, whose refusals land on the fields they name.
    """

    user: User

    def limit(self, name: str, queryset: QuerySet) -> None:
        if name in self.fields:
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]

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
    """Forms save through their service; rows are never deleted from here."""

    show_facets = admin.ShowFacets.NEVER
    show_full_result_count = False
    view_on_site = False

    class Media:
        css = CSS

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
        """The form's service has saved the relations too."""

    def has_delete_permission(self, request, obj=None):
        return False
