"""A relocation's page (timeline, visits, buttons) and its action forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
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

from citymgmt.errors import DomainError, Forbidden
from citymgmt.forms import add_domain_error
from citymgmt.photos import stored_photo_response
from complaints.models import Complaint
from complaints.selectors import complaints_visible_to
from vendors import selectors, services
from vendors.admin.forms import ACTION_FORMS
from vendors.models import Relocation
from vendors.workflow import ACTIONS


def photo_response(row: Any, which: str) -> HttpResponse:
    """Stream the photo (`file`) or its thumbnail of a visit or check-in the
    user may see (`row`, None when not in their scope: 404)."""
    if row is None or which not in ("file", "thumbnail"):
        raise Http404(gettext("No such photo, or it belongs to another unit."))
    return stored_photo_response(
        row.photo_thumbnail if which == "thumbnail" else row.photo
    )


class RelocationViews:
    """Views of RelocationAdmin beyond Django's own; mixed into the ModelAdmin."""

    def _relocation_or_404(self, request: HttpRequest, object_id: Any) -> Relocation:
        relocation = self.get_object(request, unquote(str(object_id)))  # type: ignore[attr-defined]
        if relocation is None:
            raise Http404(gettext("No such relocation, or it belongs to another unit."))
        return relocation

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name  # type: ignore[attr-defined]
        wrap = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path(
                "<int:object_id>/act/<str:action>/",
                wrap(self.act_view),
                name="{}_{}_act".format(*info),
            ),
            path(
                "link-complaint/",
                wrap(self.link_complaint_view),
                name="{}_{}_link_complaint".format(*info),
            ),
            path(
                "visit-photo/<int:followup_id>/<str:which>/",
                wrap(self.visit_photo_view),
                name="{}_{}_visit_photo".format(*info),
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def visit_photo_view(
        self, request: HttpRequest, followup_id: int, which: str
    ) -> HttpResponse:
        """Stream a follow-up visit's photo to staff who may see its relocation;
        photos have no public URL."""
        visit = (
            selectors.followups_visible_to(user=request.user)
            .filter(pk=followup_id)
            .first()
        )
        return photo_response(visit, which)

    def _case_or_404(self, request: HttpRequest, raw: Any) -> Complaint:
        """A case in the user's scope by its id; another unit's is not there."""
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            pk = None
        complaint = (
            complaints_visible_to(user=request.user).filter(pk=pk).first()
            if pk is not None
            else None
        )
        if complaint is None:
            raise Http404(gettext("No such case, or it belongs to another unit."))
        return complaint

    def _case_url(self, complaint: Complaint) -> str:
        return reverse("admin:complaints_complaint_change", args=[complaint.pk])

    def add_view(self, request, form_url="", extra_context=None):
        """The offer form; `?complaint=<id>` (the case page's link) presets the
        case the vendor came from, which must be in the user's scope."""
        if "complaint" in request.GET:
            complaint = self._case_or_404(request, request.GET["complaint"])
            extra_context = {
                **(extra_context or {}),
                "subtitle": gettext("From case %(reference)s")
                % {"reference": complaint.reference},
            }
        return super().add_view(request, form_url, extra_context)  # type: ignore[misc]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)  # type: ignore[misc]
        if "complaint" in request.GET:
            initial["origin_complaint"] = request.GET["complaint"]
        return initial

    def response_add(self, request, obj, post_url_continue=None):
        """Back to the case an offer was recorded from."""
        response = super().response_add(request, obj, post_url_continue)  # type: ignore[misc]
        if (
            obj.origin_complaint_id is not None
            and "complaint" in request.GET
            and "_continue" not in request.POST
            and "_addanother" not in request.POST
        ):
            return HttpResponseRedirect(
                reverse(
                    "admin:complaints_complaint_change", args=[obj.origin_complaint_id]
                )
            )
        return response

    def link_complaint_view(self, request: HttpRequest) -> HttpResponse:
        """Link a relocation of the case's unit that has no case yet (the case
        page's small form), then go back to the case."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        complaint = self._case_or_404(request, request.POST.get("complaint"))
        relocation = self._relocation_or_404(request, request.POST.get("relocation"))
        try:
            services.relocation_link_complaint(
                relocation=relocation, complaint=complaint, by=request.user
            )
        except Forbidden as err:
            return self._refused(request, relocation, err.message)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(
                request,
                gettext("%(relocation)s is linked to case %(reference)s.")
                % {"relocation": relocation, "reference": complaint.reference},
            )
        return HttpResponseRedirect(self._case_url(complaint))

    def _change_url(self, relocation: Relocation) -> str:
        return reverse("admin:vendors_relocation_change", args=[relocation.pk])

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": self.opts,  # type: ignore[attr-defined]
            "media": self.media,  # type: ignore[attr-defined]
            **extra,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        relocation = self._relocation_or_404(request, object_id)
        actions = selectors.relocation_actions_for(
            user=request.user, relocation=relocation
        )
        context = {
            "relocation_actions": [
                {
                    "name": name,
                    "label": ACTIONS[name].label,
                    "url": reverse(
                        "admin:vendors_relocation_act", args=[relocation.pk, name]
                    ),
                }
                for name in actions
            ],
            "timeline": list(selectors.relocation_events(relocation=relocation)),
            "followups": list(relocation.followups.order_by("visited_on")),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)  # type: ignore[misc]

    def _refused(
        self, request: HttpRequest, relocation: Relocation, message: str
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/vendors/relocation/refused.html",
            self._context(
                request,
                title=gettext("Not allowed"),
                relocation=relocation,
                message=message,
                change_url=self._change_url(relocation),
            ),
            status=403,
        )

    def act_view(
        self, request: HttpRequest, object_id: int, action: str
    ) -> HttpResponse:
        """One move on one relocation: a small form, then the service."""
        relocation = self._relocation_or_404(request, object_id)
        form_class = ACTION_FORMS.get(action)
        if form_class is None:
            raise Http404(gettext("There is no such action."))
        refused = selectors.relocation_refusal(
            user=request.user, relocation=relocation, action=action
        )
        if isinstance(refused, Forbidden):
            return self._refused(request, relocation, refused.message)
        if request.method == "POST":
            form = form_class(
                request.POST, request.FILES, relocation=relocation, user=request.user
            )
            if form.is_valid():
                try:
                    self._act(request, relocation, action, form)
                except Forbidden as err:
                    return self._refused(request, relocation, err.message)
                except DomainError as err:
                    add_domain_error(form, err)
                else:
                    return HttpResponseRedirect(self._change_url(relocation))
        else:
            if refused is not None:
                messages.error(request, refused.message)
                return HttpResponseRedirect(self._change_url(relocation))
            form = form_class(relocation=relocation, user=request.user)
        label = ACTIONS[action].label
        return TemplateResponse(
            request,
            "admin/vendors/relocation/act.html",
            self._context(
                request,
                title=f"{relocation} · {label}",
                relocation=relocation,
                form=form,
                label=label,
                change_url=self._change_url(relocation),
                photos_again=bool(request.FILES) and bool(form.errors),
            ),
        )

    def _act(
        self, request: HttpRequest, relocation: Relocation, action: str, form: Any
    ) -> None:
        inputs = form.service_inputs()
        if action == "follow_up":
            services.followup_record(relocation=relocation, by=request.user, **inputs)
            messages.success(request, gettext("The visit is recorded."))
            return
        moved = services.RELOCATION_SERVICES[action](
            relocation=relocation, by=request.user, **inputs
        )
        messages.success(
            request,
            gettext("%(action)s done; the relocation is %(status)s.")
            % {"action": ACTIONS[action].label, "status": moved.get_status_display()},
        )
