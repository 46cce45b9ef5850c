"""Request guards: a strict Content-Security-Policy, and no NUL byte past the door."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # The Django admin and Swagger UI set style attributes inline.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


class RefuseNulBytesMiddleware:
    """Answer 400 to a path or query string that carries a NUL byte.

    No address or filter of ours has a use for one, and PostgreSQL refuses
    it in any text (a 500 wherever a value reaches a query). Placed after
    LocaleMiddleware, so the message is in the visitor's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return self._refuse(request)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        message = _(
            "The address contains a character that cannot be used (a NUL byte). "
            "Check the link or what you typed and try again."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        response = TemplateResponse(
            request, "400.html", {"message": message}, status=400
        )
        return response.render()
