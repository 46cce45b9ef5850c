"""A relocation's page (timeline, visits, buttons) and its action forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext

from citymgmt.errors import DomainError, Forbidden
from citymgmt.forms import add_domain_error
from vendors import selectors, services
from vendors.admin.forms import ACTION_FORMS
from vendors.models import Relocation
from vendors.workflow import ACTIONS


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
            *super().get_urls(),  # type: ignore[misc]
        ]

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
