"""The case page drawn from a frame: Django's admin chrome rendered once per
process and language, a request only filling in its holes.

The change form's templates (base, header, user tools, breadcrumbs, object
tools, submit row, scripts) are most of what the template engine did per
request, and almost all of it is the same for every case and every user. The
frame is those templates rendered through the engine with a placeholder where
a request's own value goes (the case, the user's name, the CSRF token, the
fieldsets, the timeline, the action panel, the photos); whatever else the
templates read is either the same for every request or part of the frame's
key. The engine still draws the parts that branch on the case (the action
panel, the photos), each on its own.

What the frame's context holds is listed here, not copied from the view's:
a value left out renders empty, which the test comparing the two paths
(tests/complaints/test_case_frame.py) sees, instead of one request's data
being kept for the next.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.admin.utils import quote
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatewords
from django.template.loader import get_template, select_template
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.translation import get_language, get_language_bidi


def _hole(name: str) -> str:
    # Private-use characters: escaping leaves them, no text of ours has them.
    return f"\ue000{name}\ue001"


_HOLE_RE = re.compile("\ue000(\\w+)\ue001")
# An id in a URL pattern must be digits: the frame's case has these, each
# occurrence then turned into the "pk" hole.
_FRAME_PK = "90817263544536271809"

# Values of the view's context the frame copies; each is part of its key.
_KEYED = (
    "site_title",
    "site_header",
    "site_url",
    "has_permission",
    "is_nav_sidebar_enabled",
    "title",
    "add",
    "change",
    "has_view_permission",
    "has_add_permission",
    "has_change_permission",
    "has_delete_permission",
    "has_editable_inline_admin_formsets",
    "has_file_field",
    "has_absolute_url",
    "absolute_url",
    "save_as",
    "save_on_top",
    "to_field_var",
    "is_popup_var",
    "app_label",
)
# Values the view gives every case page the same way (code, not data).
_FIXED = ("opts", "media", "adminform", "inline_admin_formsets")

_FRAMES: dict[tuple[Any, ...], tuple[str, ...]] = {}
# Frames differ by language, the bell's count and a few flags: a bound that
# is never reached in use, so a process cannot grow without end.
_MAX_FRAMES = 256


class _FrameUser:
    """The user tools' view of a user, with the name left as a hole."""

    is_active = True
    is_staff = True
    is_anonymous = False
    is_authenticated = True

    def __init__(self, usable_password: bool) -> None:
        self._usable_password = usable_password

    def get_short_name(self) -> str:
        return _hole("user")

    def get_username(self) -> str:
        return _hole("user")

    def has_usable_password(self) -> bool:
        return self._usable_password


class _FrameCase:
    """The case as the frame's templates read it: its id and its name as holes."""

    pk = _FRAME_PK

    def __str__(self) -> str:
        return _hole("crumb")


def _now_offset() -> str:
    """What `{% now "Z" %}` in the admin's base template prints now."""
    tzinfo = timezone.get_current_timezone() if settings.USE_TZ else None
    return date_filter(datetime.now(tz=tzinfo), "Z")


def _frame_key(
    request: HttpRequest, data: dict[str, Any], bell_unread: int | None
) -> tuple[Any, ...]:
    return (
        tuple(data["template_name"]),
        get_language(),
        get_language_bidi(),
        _now_offset(),
        request.user.has_usable_password(),
        bell_unread,
        *(str(data[name]) for name in _KEYED),
    )


def _build_frame(data: dict[str, Any], key: tuple[Any, ...]) -> tuple[str, ...]:
    """The page with every request's value as a hole: markup and hole names,
    alternating, markup first."""
    usable_password, bell_unread = key[4], key[5]
    context = {
        **{name: data[name] for name in _KEYED + _FIXED},
        "LANGUAGES": settings.LANGUAGES,
        "user": _FrameUser(usable_password),
        "bell_unread": bell_unread,
        "messages": [],
        "is_popup": False,
        "to_field": None,
        "errors": None,
        "form_url": "",
        "preserved_filters": "",
        "original": _FrameCase(),
        "csrf_token": _hole("csrf"),
        "subtitle": _hole("subtitle"),
        "nav_sidebar": _hole("nav_sidebar"),
        "case_panel": _hole("case_panel"),
        "case_fieldsets": _hole("case_fieldsets"),
        "case_photos": _hole("case_photos"),
        "timeline": _hole("timeline"),
    }
    html = select_template(data["template_name"]).render(context)
    return tuple(_HOLE_RE.split(html.replace(_FRAME_PK, _hole("pk"))))


def _processed(request: HttpRequest) -> dict[str, Any]:
    """What the template engine's context processors give this request: they
    run as for a rendered page (the bell's count among them)."""
    found: dict[str, Any] = {}
    for processor in engines["django"].engine.template_context_processors:  # type: ignore[attr-defined]
        found.update(processor(request))
    return found


def _eligible(data: dict[str, Any], processed: dict[str, Any]) -> bool:
    """Whether the frame draws this page as the templates would: no messages
    to show, no changelist filters carried along, nothing but the plain page."""
    return (
        getattr(settings, "CASE_PAGE_FRAME", True)
        and not data.get("is_popup")
        and data.get("to_field") is None
        and not data.get("errors")
        and not data.get("preserved_filters")
        and not data.get("form_url")
        and not data.get("inline_admin_formsets")
        and len(processed["messages"]) == 0
    )


def case_page_response(
    request: HttpRequest, response: TemplateResponse
) -> HttpResponse | None:
    """The case page from its frame, or None when only the templates may draw
    it (then `response`, not yet rendered, is the page)."""
    data = {**(response.context_data or {}), "template_name": response.template_name}
    processed = _processed(request)
    if not _eligible(data, processed):
        return None
    key = _frame_key(request, data, processed.get("bell_unread"))
    frame = _FRAMES.get(key)
    if frame is None:
        if len(_FRAMES) >= _MAX_FRAMES:
            _FRAMES.clear()
        frame = _FRAMES[key] = _build_frame(data, key)
    complaint = data["original"]
    user = request.user
    token = get_token(request)
    panel = get_template("admin/complaints/complaint/_case_panel.html").render(
        {**data, "csrf_token": "NOTPROVIDED" if token is None else str(token)}
    )
    photos = get_template("admin/complaints/complaint/_case_photos.html").render(
        {"photo_groups": data["photo_groups"]}
    )
    values = {
        "csrf": token,
        "user": user.get_short_name() or user.get_username(),  # type: ignore[union-attr]
        "pk": quote(complaint.pk),
        "crumb": truncatewords(complaint, 18),
        "subtitle": data["subtitle"],
        "nav_sidebar": data["nav_sidebar"],
        "case_panel": panel,
        "case_fieldsets": data["case_fieldsets"],
        "case_photos": photos,
        "timeline": data["timeline"],
    }
    # As `{{ value }}` prints each: escaped unless marked safe.
    filled = [
        part if index % 2 == 0 else str(conditional_escape(values[part]))
        for index, part in enumerate(frame)
    ]
    return HttpResponse("".join(filled))
