from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from citymgmt import pagecache
from citymgmt.middleware import refusal, too_big


def home(request: HttpRequest) -> HttpResponse:
    """The same for every visitor: drawn once per language (citymgmt.pagecache)."""
    if request.GET:
        return render(request, "home.html")
    return pagecache.cached_page(
        request,
        "home",
        lambda token: render_to_string(
            "home.html", {"csrf_token": token}, request=request
        ),
        versioned=False,
    )


def bad_request(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    """400 (413 for a body over the limit), in the visitor's language.

    Django answers here for what it refuses itself (a suspicious request, a
    malformed body a view read); the API gets its error format.
    """
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return refusal(request, too_big(limit).message, status=413)
    return refusal(
        request,
        _(
            "Part of what was sent could not be read. Nothing was changed. Check "
            "it and send it again."
        ),
        status=400,
    )


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    """The site icon at /favicon.ico, for clients that ask there, not the <link>."""
    path = finders.find("favicon.ico")
    if not isinstance(path, str):
        raise Http404("No site icon.")
    return FileResponse(open(path, "rb"), content_type="image/x-icon")


def wait_text(seconds: int) -> str:
    """How long to wait, in words: "1 min 30 s"."""
    minutes, rest = divmod(max(1, seconds), 60)
    if minutes and rest:
        return _("%(minutes)d min %(seconds)d s") % {
            "minutes": minutes,
            "seconds": rest,
        }
    if minutes:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(seconds)d s") % {"seconds": rest}


def throttled_page(
    request: HttpRequest,
    retry_after: int,
    *,
    form_template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The 429 page of a public form: when to retry, with the form and what was
    typed in it."""
    response = render(
        request,
        "429.html",
        {
            **context,
            "form_template": form_template,
            "wait": wait_text(retry_after),
            "retry_at": timezone.localtime() + timedelta(seconds=retry_after),
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
