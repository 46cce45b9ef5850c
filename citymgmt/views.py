from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from citymgmt.middleware import refusal, too_big


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


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
