"""What the complaints API classes share: throttles, permissions, small shapes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from citymgmt import ratelimit
from squads.roles import role_of


class RateLimitThrottle(BaseThrottle):
    """A DRF throttle counting in `citymgmt.ratelimit`, shared with the HTML pages."""

    scope = ""
    rate_setting = ""

    def allow_request(self, request: Request, view: APIView) -> bool:
        verdict = ratelimit.hit(
            self.scope,
            ratelimit.client_ip(request),
            getattr(settings, self.rate_setting),
        )
        self.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        return getattr(self, "retry_after", None)


class ComplaintSubmitThrottle(RateLimitThrottle):
    # The same scope as the form at /complaints/new/: one budget per address.
    scope = "complaint-submit"
    rate_setting = "COMPLAINT_SUBMIT_RATE"


class ComplaintTrackThrottle(RateLimitThrottle):
    # The same scope as the tracking page.
    scope = "complaint-track"
    rate_setting = "COMPLAINT_TRACK_RATE"


class IsStaffMember(BasePermission):
    """A signed-in user with a workflow role (a member of staff or a superuser)."""

    message = gettext_lazy("Only members of the bureau's staff may use this.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and role_of(user=user) is not None)


STAFF_PERMISSIONS = [IsAuthenticated, IsStaffMember]


def messages(text: Any, *keys: str) -> dict[str, Any]:
    """The same error message for several of a field's error keys."""
    return dict.fromkeys(keys, text)


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()

    class Meta:
        ref_name = "CodeName"


def code_name(obj: Any) -> dict[str, str] | None:
    return None if obj is None else {"code": obj.code, "name": obj.name}


def absolute(request: Request, path: str) -> str:
    base = settings.PUBLIC_BASE_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)
