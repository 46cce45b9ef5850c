from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    """The site icon at /favicon.ico, for clients that ask there, not the <link>."""
    path = finders.find("favicon.ico")
    if not isinstance(path, str):
        raise Http404("No site icon.")
    return FileResponse(open(path, "rb"), content_type="image/x-icon")
