"""The case page's own views: action forms, phone reveal, photos, filing on behalf."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied as AccessDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext

from citymgmt import admin_apps, phones
from citymgmt.errors import DomainError, Forbidden
from citymgmt.forms import add_domain_error
from citymgmt.navsidebar import nav_sidebar_html
from citymgmt.photos import stored_photo_response
from complaints import case_panels, selectors, services
from complaints.admin.case_frame import case_page_response
from complaints.admin.case_page import case_fieldsets_html
from complaints.admin.display import (
    status_badge,
    timeline_html,
)
from complaints.admin.extension_views import ExtensionViews
from complaints.admin.forms import (
    ACTION_FORMS,
    FileOnBehalfForm,
)
from complaints.models import Attachment, Complaint
from complaints.workflow import TRANSITIONS
from squads.roles import may_reveal_phones

# Where a GET request keeps the case it looked up (CaseViews.get_object).
CASE_ATTRIBUTE = "_citydesk_case"


class _NoForm:
    """What the admin's change_form template and render_change_form read of a
    form, for a page that has none: no file field, nothing prepopulated."""

    prepopulated_fields: list[Any] = []

    @property
    def form(self) -> _NoForm:
        return self

    def is_multipart(self) -> bool:
        return False


NO_FORM = _NoForm()


class CaseViews(ExtensionViews):
    """Views of ComplaintAdmin beyond Django's own; mixed into the ModelAdmin."""

    def _case_or_404(self, request: HttpRequest, object_id: Any) -> Complaint:
        complaint = self.get_object(request, unquote(str(object_id)))
        if complaint is None:
            raise Http404(gettext("No such case, or it belongs to another unit."))
        return complaint

    def get_object(self, request, object_id, from_field=None):
        """The case in the user's scope with its joins, looked up once a request.

        The case page asks for it three times (the scope check, its own
        context, Django's form); a GET reads it once.
        """
        if from_field is not None:
            return super().get_object(request, object_id, from_field)
        known = getattr(request, CASE_ATTRIBUTE, None)
        if known is not None and str(known.pk) == str(object_id):
            return known
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            return None
        complaint = selectors.complaint_case_for(user=request.user, pk=pk)
        if complaint is not None and request.method in ("GET", "HEAD"):
            setattr(request, CASE_ATTRIBUTE, complaint)
        return complaint

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "attachment/<int:attachment_id>/<str:which>/",
                wrap(self.attachment_view),
                name="{}_{}_attachment".format(*info),
            ),
            path(
                "<int:object_id>/act/<str:action>/",
                wrap(self.act_view),
                name="{}_{}_act".format(*info),
            ),
            path(
                "<int:object_id>/extension/request/",
                wrap(self.extension_request_view),
                name="{}_{}_extension_request".format(*info),
            ),
            path(
                "<int:object_id>/extension/decide/",
                wrap(self.extension_decide_view),
                name="{}_{}_extension_decide".format(*info),
            ),
            path(
                "<int:object_id>/reveal-phone/",
                wrap(self.reveal_phone_view),
                name="{}_{}_reveal_phone".format(*info),
            ),
            *super().get_urls(),
        ]

    def _change_url(self, complaint: Complaint) -> str:
        return reverse("admin:complaints_complaint_change", args=[complaint.pk])

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "media": self.media,
            **extra,
        }

    def _refused(
        self, request: HttpRequest, complaint: Complaint | None, message: str
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/complaints/complaint/refused.html",
            self._context(
                request,
                title=gettext("Not allowed"),
                complaint=complaint,
                message=message,
            ),
            status=403,
        )

    def _attempt(
        self,
        request: HttpRequest,
        complaint: Complaint | None,
        form: forms.Form,
        call: Any,
    ) -> tuple[Any, HttpResponse | None]:
        """Run a service for a form: (its result, None), or (None, the refusal
        page) for a role that may not, or (None, None) with the messages on the
        form, which keeps what was typed."""
        try:
            return call(), None
        except Forbidden as err:
            return None, self._refused(request, complaint, err.message)
        except DomainError as err:
            add_domain_error(form, err)
            return None, None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        complaint = self._case_or_404(request, object_id)
        actions = selectors.actions_for(user=request.user, complaint=complaint)
        attachments = selectors.case_photos(complaint=complaint)
        photo_groups = [
            (label, [a for a in attachments if a.kind == kind])
            for kind, label in Attachment.Kind.choices
        ]
        duplicates = (
            list(
                selectors.duplicate_candidates_for(
                    user=request.user, complaint=complaint
                ).select_related("squad")[:20]
            )
            if complaint.is_open
            else []
        )
        context = {
            "case_actions": [
                {
                    "name": name,
                    "label": TRANSITIONS[name].label,
                    "url": reverse(
                        "admin:complaints_complaint_act", args=[complaint.pk, name]
                    ),
                }
                for name in actions
            ],
            "can_merge": "merge" in actions,
            "can_reveal_phone": may_reveal_phones(user=request.user),
            "masked_phone": phones.mask(complaint.phone),
            "photo_groups": [(label, items) for label, items in photo_groups if items],
            "timeline": timeline_html(complaint),
            "duplicates": duplicates,
            "merge_url": reverse(
                "admin:complaints_complaint_act", args=[complaint.pk, "merge"]
            ),
            **self._deadline_context(request, complaint),
            **(extra_context or {}),
        }
        if request.method not in ("GET", "HEAD") or (
            IS_POPUP_VAR in request.GET or TO_FIELD_VAR in request.GET
        ):
            return super().change_view(request, object_id, form_url, context)
        return self._case_page(request, complaint, form_url, context)

    def _case_page(
        self,
        request: HttpRequest,
        complaint: Complaint,
        form_url: str,
        context: dict[str, Any],
    ) -> HttpResponse:
        """The view-only change page without Django's form machinery.

        The same context Django's changeform_view gives its template (title,
        breadcrumbs, object tools, the submit row), but the fieldsets are
        label/value pairs (`case_page.case_fieldsets`) and no ModelForm is
        built: the page never saves, every move is an action form.
        """
        if not self.has_view_or_change_permission(request, complaint):
            raise AccessDenied
        site = admin_apps.each_context(self.admin_site, request)
        context = {
            **site,
            "nav_sidebar": nav_sidebar_html(request, site["available_apps"]),
            "title": gettext("View %s") % self.opts.verbose_name,
            "subtitle": str(complaint),
            "adminform": NO_FORM,
            "case_fieldsets": case_fieldsets_html(self, complaint),
            "object_id": complaint.pk,
            "original": complaint,
            "is_popup": False,
            "to_field": None,
            "media": self.media,
            "inline_admin_formsets": [],
            "errors": None,
            "preserved_filters": self.get_preserved_filters(request),
            "case_panels": case_panels.panels_for(request, complaint),
            **context,
        }
        response = self.render_change_form(
            request, context, add=False, change=True, obj=complaint, form_url=form_url
        )
        return case_page_response(request, response) or response

    def add_view(self, request, form_url="", extra_context=None):
        """File a complaint on a caller's behalf (phone, hotline, counter, patrol)."""
        if not self.has_add_permission(request):
            raise AccessDenied
        posted = request.method == "POST"
        form = (
            FileOnBehalfForm(request.POST, request.FILES)
            if posted
            else FileOnBehalfForm()
        )
        if posted and not form.is_valid():
            # The service still checks what could be read, so the desk
            # corrects everything in one go.
            refusal = services.complaint_submit_refusal(
                form.cleaned_data, by=request.user
            )
            if refusal is not None:
                add_domain_error(form, refusal)
        elif posted:
            complaint, refused = self._attempt(
                request,
                None,
                form,
                lambda: services.complaint_submit(
                    **form.submit_arguments(), by=request.user
                ),
            )
            if refused is not None:
                return refused
            if complaint is not None:
                messages.success(
                    request,
                    gettext("Filed as %(reference)s. Give the caller this number.")
                    % {"reference": complaint.reference},
                )
                return HttpResponseRedirect(self._change_url(complaint))
        return TemplateResponse(
            request,
            "admin/complaints/complaint/file.html",
            self._context(
                request,
                title=gettext("File a complaint for a caller"),
                form=form,
                photos_again=bool(request.FILES) and bool(form.errors),
            ),
        )

    def act_view(
        self, request: HttpRequest, object_id: int, action: str
    ) -> HttpResponse:
        """One workflow action on one case: a small form, then the service."""
        complaint = self._case_or_404(request, object_id)
        form_class = ACTION_FORMS.get(action)
        if form_class is None:
            raise Http404(gettext("There is no such action."))
        refused = selectors.refusal(
            user=request.user, complaint=complaint, action=action
        )
        if isinstance(refused, Forbidden):
            return self._refused(request, complaint, refused.message)
        if request.method == "POST":
            form = form_class(
                request.POST, request.FILES, complaint=complaint, user=request.user
            )
            if form.is_valid():
                done = self._act(request, complaint, action, form)
                if done is not None:
                    return done
        else:
            if refused is not None:
                messages.error(request, refused.message)
                return HttpResponseRedirect(self._change_url(complaint))
            initial = {}
            if action == "merge" and request.GET.get("duplicate_of"):
                initial["duplicate_of"] = request.GET["duplicate_of"][:20]
            form = form_class(complaint=complaint, user=request.user, initial=initial)
        label = TRANSITIONS[action].label
        return TemplateResponse(
            request,
            "admin/complaints/complaint/act.html",
            self._context(
                request,
                title=f"{complaint.reference} · {label}",
                complaint=complaint,
                status_badge=status_badge(complaint),
                form=form,
                action=action,
                label=label,
                change_url=self._change_url(complaint),
                photos_again=bool(request.FILES) and bool(form.errors),
            ),
        )

    def _act(
        self, request: HttpRequest, complaint: Complaint, action: str, form: Any
    ) -> HttpResponse | None:
        """Take the action; the page to go to, or None to show the form again."""
        moved, page = self._attempt(
            request,
            complaint,
            form,
            lambda: services.complaint_act(
                action=action,
                complaint=complaint,
                by=request.user,
                expected_status=form.cleaned_data["expected_status"],
                **form.service_inputs(),
            ),
        )
        if page is not None or moved is None:
            return page
        messages.success(
            request,
            gettext("%(reference)s: %(action)s done; the case is %(status)s.")
            % {
                "reference": moved.reference,
                "action": TRANSITIONS[action].label,
                "status": moved.get_status_display(),
            },
        )
        return HttpResponseRedirect(self._change_url(moved))

    def reveal_phone_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Show the full number to a permitted user; the service logs the reveal."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        complaint = self._case_or_404(request, object_id)
        try:
            phone = services.complaint_reveal_phone(
                complaint=complaint, by=request.user
            )
        except Forbidden as err:
            return self._refused(request, complaint, err.message)
        return TemplateResponse(
            request,
            "admin/complaints/complaint/reveal_phone.html",
            self._context(
                request,
                title=gettext("Phone number of %(reference)s")
                % {"reference": complaint.reference},
                complaint=complaint,
                phone=phone,
                change_url=self._change_url(complaint),
            ),
        )

    def attachment_view(
        self, request: HttpRequest, attachment_id: int, which: str
    ) -> HttpResponse:
        """Stream a photo to staff who may see its case; photos have no public URL."""
        if which not in ("file", "thumbnail"):
            raise Http404
        attachment = selectors.attachment_visible_to(
            user=request.user, attachment_id=attachment_id
        )
        if attachment is None:
            raise Http404(gettext("No such photo, or it belongs to another unit."))
        if which == "thumbnail":
            return stored_photo_response(attachment.thumbnail)
        return stored_photo_response(
            attachment.file, content_type=attachment.content_type
        )
