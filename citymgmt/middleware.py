"""Request guards: a strict Content-Security-Policy, no NUL byte past the door,
and no body that could not be read whole reaching a view.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
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
        return refusal(request, message, status=400)


def refusal(
    request: HttpRequest,
    message: str,
    *,
    status: int,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A request refused before any view: the API's error format, or a page.

    The page is 400.html or 413.html in the visitor's language; `context`
    may carry a form to show again with what was typed.
    """
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    template = "413.html" if status == 413 else "400.html"
    response = TemplateResponse(
        request, template, {"message": message, **(context or {})}, status=status
    )
    return response.render()


# Request bodies

BODY_METHODS = {"POST", "PUT", "PATCH"}
UTF8 = {"utf-8", "ascii"}


def reads_partial_body(view: Callable[..., HttpResponse]) -> Callable[..., Any]:
    """Mark a view that shows again what could be read of a broken body.

    Such a view gets `request.body_refusal` (the message) instead of the
    400 page, and `request.POST` holds the fields read before the break.
    """
    view.reads_partial_body = True  # type: ignore[attr-defined]
    return view


@dataclass(frozen=True)
class BodyProblem:
    message: str
    status: int = 400
    # The fields before the break were read (request.POST holds them).
    partial: bool = False


class _WatchedStream:
    """The request's stream, counting what arrives and watching for the end.

    A multipart body is whole only when its closing delimiter arrived;
    a body that ends before its Content-Length was cut on the way.
    """

    def __init__(self, stream: Any, boundary: bytes | None) -> None:
        self._stream = stream
        self.received = 0
        self._closing = b"--" + boundary + b"--" if boundary else None
        self._tail = b""
        self.closed_properly = boundary is None

    def _saw(self, data: bytes) -> bytes:
        self.received += len(data)
        if self._closing is not None and not self.closed_properly:
            window = self._tail + data
            self.closed_properly = self._closing in window
            self._tail = window[-len(self._closing) :]
        return data

    def read(self, *args: Any) -> bytes:
        return self._saw(self._stream.read(*args))

    def readline(self, *args: Any) -> bytes:
        return self._saw(self._stream.readline(*args))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _incomplete(*, partial: bool = False) -> BodyProblem:
    return BodyProblem(
        _(
            "What was sent arrived incomplete: the connection may have dropped "
            "during the upload. Nothing was filed. Check the connection and send "
            "it again; choose any photos again."
        ),
        partial=partial,
    )


def _unreadable() -> BodyProblem:
    return BodyProblem(
        _(
            "What was sent could not be read: the form data is malformed. Nothing "
            "was filed. Reload the page and send it again."
        )
    )


def too_big(limit: int | None = None) -> BodyProblem:
    """413: the body is over `limit` bytes (the multipart limit by default)."""
    limit = settings.REQUEST_MAX_BYTES if limit is None else limit
    return BodyProblem(
        _(
            "What was sent is too large: one submission may be at most %(max)d MB "
            "in all. Nothing was filed. Send fewer or smaller photos."
        )
        % {"max": max(1, limit // 1024 // 1024)},
        status=413,
    )


def body_problem(request: HttpRequest) -> BodyProblem | None:
    """Why a request's body cannot be used, or None; form bodies are read here.

    The one check for every view and the API: a charset other than UTF-8
    (its text would be stored garbled), a body over the limit (413, decided
    on Content-Length before reading), and a form body that is malformed,
    cut short or left unfinished by a client that went away.
    """
    if request.method not in BODY_METHODS or _content_length(request) == 0:
        return None
    charset = request.content_params.get("charset")
    if charset is not None and _codec(charset) not in UTF8:
        return BodyProblem(
            _(
                "The text was sent in the character set “%(charset)s”; only UTF-8 "
                "is accepted. Nothing was filed. Send it again in UTF-8."
            )
            % {"charset": charset[:40]}
        )
    multipart = request.content_type == "multipart/form-data"
    limit = (
        settings.REQUEST_MAX_BYTES
        if multipart
        else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )
    length = _content_length(request)
    if length > limit:
        return too_big(limit)
    if request.content_type not in (
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    ) or getattr(request, "_read_started", True):
        return None
    boundary = request.content_params.get("boundary", "") if multipart else None
    watched = _WatchedStream(
        request._stream,  # type: ignore[attr-defined]
        boundary.encode("ascii", "replace") if boundary is not None else None,
    )
    request._stream = watched  # type: ignore[attr-defined]
    try:
        request.POST  # noqa: B018 - reads the body, here rather than in a view
        request.FILES  # noqa: B018
    except RequestDataTooBig:
        return too_big(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    except UnreadablePostError:
        return _incomplete()
    except (MultiPartParserError, SuspiciousOperation):
        return _unreadable()
    if watched.received < length or not watched.closed_properly:
        return _incomplete(partial=True)
    return None


def _codec(charset: str) -> str:
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return charset


class RefuseUnreadableBodiesMiddleware:
    """Answer 400 (or 413) to a body that cannot be read whole, before any view.

    Django's multipart parser files what it read of a cut body and drops an
    unfinished photo silently; here such a body is refused, in the API's
    format or on a page in the visitor's language. A view marked with
    `reads_partial_body` shows its form again with what could be read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: Any,
        kwargs: Any,
    ) -> HttpResponse | None:
        problem = body_problem(request)
        if problem is None:
            return None
        if problem.partial and getattr(view, "reads_partial_body", False):
            request.body_refusal = problem.message  # type: ignore[attr-defined]
            return None
        return refusal(request, problem.message, status=problem.status)
