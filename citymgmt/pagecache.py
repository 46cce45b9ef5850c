"""Public pages rendered once per language, with the visitor's CSRF token put in.

The home page and the blank complaint form change only when code is deployed
or an admin edits reference data (categories, areas). They are rendered once
per language and kept:

- pages that depend on code alone (`versioned=False`, the home page) in this
  process;
- pages that show reference data (`versioned=True`, the blank form) in the
  shared cache, under a key with the reference data's version
  (`citymgmt.refdata.version()`). The services that save categories and
  areas call `refdata.changed()`, which gives it a new version, so every
  process renders such a page again at its next request. A cached page also
  expires after PAGE_SECONDS, for data changed outside the services (a
  migration).

A cached page holds a placeholder where `{% csrf_token %}` goes; each request
gets its own token put in, so no visitor ever sees another's token. When the
shared cache is down, the page is rendered as it always was.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from citymgmt import refdata
from citymgmt.ratelimit import CACHE_ERRORS

PAGE_SECONDS = 600
# What the cached page holds instead of a visitor's CSRF token.
TOKEN_PLACEHOLDER = "citydesk-csrf-token-placeholder"  # noqa: S105 (not a secret)

_local: dict[str, str] = {}


def clear() -> None:
    """Forget every rendered page (this process's and the shared ones)."""
    _local.clear()
    refdata.renew()


def cached_page(
    request: HttpRequest,
    name: str,
    render: Callable[[str], str],
    *,
    versioned: bool,
) -> HttpResponse:
    """The page `render(csrf_token)` draws, drawn once per language.

    Only GET and HEAD requests without a query string come here; the
    caller renders the others itself.
    """
    token = get_token(request)
    key = f"pages:{name}:{get_language()}"
    if not versioned:
        html = _local.get(key)
        if html is None:
            html = _local[key] = render(TOKEN_PLACEHOLDER)
        return _response(html, token)
    version = refdata.version()
    if version is None:  # the shared cache is down: draw it for this request
        return _response(render(token), token)
    key = f"{key}:{version}"
    try:
        html = cache.get(key)
    except CACHE_ERRORS:
        return _response(render(token), token)
    if html is None:
        html = render(TOKEN_PLACEHOLDER)
        try:
            cache.set(key, html, PAGE_SECONDS)
        except CACHE_ERRORS:
            pass
    return _response(html, token)


def _response(html: str, token: str) -> HttpResponse:
    return HttpResponse(html.replace(TOKEN_PLACEHOLDER, token))
