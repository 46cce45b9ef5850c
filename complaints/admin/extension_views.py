"""The case page's deadline panel and the extension (延期) request and decision.

Mixed into the complaint admin through CaseViews, whose helpers (`_case_or_404`,
`_attempt`, `_refused`, `_context`, `_change_url`) these views use.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from citymgmt.errors import Forbidden
from complaints import selectors, services
from complaints.admin.forms import ExtensionDecisionForm, ExtensionRequestForm
from complaints.deadlines.clock import current_stage
from complaints.deadlines.display import deadline_badge, local_time, stage_label
from complaints.models import Complaint, Status


class ExtensionViews:
    """The deadline panel of the case page and the two extension pages."""

    def _deadline_context(
        self, request: HttpRequest, complaint: Complaint
    ) -> dict[str, Any]:
        pending = (
            selectors.extension_pending(complaint=complaint)
            if complaint.status == Status.PROCESSING
            else None
        )
        can_request = (
            selectors.extension_refusal(user=request.user, complaint=complaint) is None
        )
        can_decide = pending is not None and (
            selectors.extension_decision_refusal(user=request.user, extension=pending)
            is None
        )
        return {
            "deadline_badge": deadline_badge(complaint),
            "deadline_due": local_time(complaint.current_due_at)
            if complaint.is_open and complaint.current_due_at
            else "",
            "deadline_stage": stage_label(current_stage(complaint)) or None,
            "extension_pending": pending,
            "extension_request_url": reverse(
                "admin:complaints_complaint_extension_request", args=[complaint.pk]
            )
            if can_request
            else "",
            "extension_decide_url": reverse(
                "admin:complaints_complaint_extension_decide", args=[complaint.pk]
            )
            if can_decide
            else "",
        }

    def _extension_page(
        self,
        request: HttpRequest,
        complaint: Complaint,
        *,
        form: forms.Form,
        label: str,
        pending: Any = None,
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/complaints/complaint/extension.html",
            self._context(
                request,
                title=f"{complaint.reference} · {label}",
                complaint=complaint,
                form=form,
                label=label,
                pending=pending,
                deadline_badge=deadline_badge(complaint),
                dispose_due=local_time(complaint.dispose_due_at),
                change_url=self._change_url(complaint),
            ),
        )

    def extension_request_view(
        self, request: HttpRequest, object_id: int
    ) -> HttpResponse:
        """A leader asks for more working days; the service says when not allowed."""
        complaint = self._case_or_404(request, object_id)
        label = gettext("Ask for an extension")
        refused = selectors.extension_refusal(user=request.user, complaint=complaint)
        if isinstance(refused, Forbidden):
            return self._refused(request, complaint, refused.message)
        if request.method != "POST":
            if refused is not None:
                messages.error(request, refused.message)
                return HttpResponseRedirect(self._change_url(complaint))
            return self._extension_page(
                request, complaint, form=ExtensionRequestForm(), label=label
            )
        form = ExtensionRequestForm(request.POST)
        if form.is_valid():
            extension, page = self._attempt(
                request,
                complaint,
                form,
                lambda: services.extension_request(
                    complaint=complaint, by=request.user, **form.service_inputs()
                ),
            )
            if page is not None:
                return page
            if extension is not None:
                messages.success(
                    request,
                    gettext(
                        "%(reference)s: an extension of %(days)d working days is "
                        "requested; a dispatcher decides."
                    )
                    % {
                        "reference": complaint.reference,
                        "days": extension.working_days,
                    },
                )
                return HttpResponseRedirect(self._change_url(complaint))
        return self._extension_page(request, complaint, form=form, label=label)

    def extension_decide_view(
        self, request: HttpRequest, object_id: int
    ) -> HttpResponse:
        """The desk approves or refuses the case's pending extension request."""
        complaint = self._case_or_404(request, object_id)
        label = gettext("Decide on the extension")
        pending = selectors.extension_pending(complaint=complaint)
        if pending is None:
            messages.error(
                request, gettext("No extension request is waiting for a decision.")
            )
            return HttpResponseRedirect(self._change_url(complaint))
        refused = selectors.extension_decision_refusal(
            user=request.user, extension=pending
        )
        if refused is not None:
            return self._refused(request, complaint, refused.message)
        form = ExtensionDecisionForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            decided, page = self._attempt(
                request,
                complaint,
                form,
                lambda: services.extension_decide(
                    request=pending, by=request.user, **form.service_inputs()
                ),
            )
            if page is not None:
                return page
            if decided is not None:
                if decided.status == decided.Status.APPROVED:
                    text = gettext(
                        "%(reference)s: extension approved; dispose by %(time)s."
                    ) % {
                        "reference": complaint.reference,
                        "time": local_time(decided.new_due_at),
                    }
                else:
                    text = gettext("%(reference)s: extension refused.") % {
                        "reference": complaint.reference
                    }
                messages.success(request, text)
                return HttpResponseRedirect(self._change_url(complaint))
        return self._extension_page(
            request, complaint, form=form, label=label, pending=pending
        )
