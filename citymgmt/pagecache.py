"""Public pages rendered once per language, with the visitor's CSRF token put in.

The home page and the blank complaint form change only when code is deployed
or an admin edits reference data (categories, areas). They are rendered once
per language and kept:

- pages that depend on code alone (`versioned=False`, the home page) in this
  process;
- pages that show reference data (`versioned=True`, the blank form) in the
  shared cache, under a key with the reference-data version. The services
  that save categories and areas call `reference_data_changed()`, which sets
  a new version after their transaction commits, so every process renders
  such a page again at its next request. A cached page also expires after
  PAGE_SECONDS, for data changed outside the services (a migration).

A cached page holds a placeholder where `{% csrf_token %}` goes; each request
gets its own token put in, so no visitor ever sees another's token. When the
shared cache is down, the page is rendered as it always was.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from citymgmt.ratelimit import CACHE_ERRORS

VERSION_KEY = "pages:reference-version"
PAGE_SECONDS = 600
# What the cached page holds instead of a visitor's CSRF token.
TOKEN_PLACEHOLDER = "citydesk-csrf-token-placeholder"  # noqa: S105 (not a secret)

_local: dict[str, str] = {}


def reference_data_changed() -> None:
    """Pages showing reference data are rendered again once this transaction commits."""
    transaction.on_commit(_new_version)


def _new_version() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    except CACHE_ERRORS:
        # Pages then expire on their own, after PAGE_SECONDS at the latest.
        pass


def clear() -> None:
    """Forget every rendered page (this process's and the shared ones)."""
    _local.clear()
    _new_version()


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
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, None):
                version = cache.get(VERSION_KEY, version)
        key = f"{key}:{version}"
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
