"""Bulk actions on the triage list: dispatch or merge up to BULK_MAX cases."""

from __future__ import annotations

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from citymgmt.errors import DomainError
from complaints import services
from complaints.admin.display import BULK_MAX
from complaints.admin.forms import BulkDispatchForm
from complaints.models import Complaint


class BulkActions:
    """The list's bulk actions; mixed into ComplaintAdmin, each case through its
    service, each refusal reported with its reason."""

    # Bulk actions -------------------------------------------------------------

    def _bulk_cases(self, request, queryset) -> list[Complaint] | None:
        cases = list(queryset.order_by("submitted_at", "id")[: BULK_MAX + 1])
        if len(cases) > BULK_MAX:
            self.message_user(
                request,
                gettext("Select at most %(max)d cases at a time.") % {"max": BULK_MAX},
                messages.WARNING,
            )
            return None
        return cases

    def _move_each(
        self, request, cases: list[Complaint], service, **inputs
    ) -> list[str]:
        """Apply one action to each case; report every refusal with its reason."""
        done = []
        for complaint in cases:
            try:
                service(complaint=complaint, by=request.user, **inputs)
            except DomainError as err:
                self.message_user(
                    request,
                    gettext("%(reference)s: %(reason)s")
                    % {"reference": complaint.reference, "reason": err.message},
                    messages.ERROR,
                )
            else:
                done.append(complaint.reference)
        return done

    @admin.action(
        description=_("Dispatch the selected cases to a unit"), permissions=["desk"]
    )
    def dispatch_selected(self, request, queryset):
        cases = self._bulk_cases(request, queryset)
        if cases is None:
            return None
        form = BulkDispatchForm(
            request.POST if "apply" in request.POST else None, user=request.user
        )
        if not (form.is_bound and form.is_valid()):
            return TemplateResponse(
                request,
                "admin/complaints/complaint/bulk_dispatch.html",
                self._context(
                    request,
                    title=gettext("Dispatch the selected cases to a unit"),
                    form=form,
                    cases=cases,
                    action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
                ),
            )
        squad = form.cleaned_data["squad"]
        done = self._move_each(request, cases, services.complaint_dispatch, squad=squad)
        if done:
            self.message_user(
                request,
                gettext("Dispatched to %(unit)s: %(references)s.")
                % {"unit": squad.name, "references": ", ".join(done)},
                messages.SUCCESS,
            )
        return None

    @admin.action(
        description=_("Merge the selected cases as duplicates"), permissions=["desk"]
    )
    def merge_selected(self, request, queryset):
        cases = self._bulk_cases(request, queryset)
        if cases is None:
            return None
        if len(cases) < 2:
            self.message_user(
                request,
                gettext(
                    "Select at least two cases: the oldest stays as the original "
                    "and the others are merged into it."
                ),
                messages.WARNING,
            )
            return None
        original, *others = cases
        done = self._move_each(
            request, others, services.complaint_merge, duplicate_of=original
        )
        if done:
            self.message_user(
                request,
                gettext("Merged into %(original)s: %(references)s.")
                % {"original": original.reference, "references": ", ".join(done)},
                messages.SUCCESS,
            )
        return None
