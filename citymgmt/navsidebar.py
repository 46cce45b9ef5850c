"""The admin's navigation sidebar drawn in Python, for the pages that draw
their chrome themselves (the complaints list and case page).

Django draws `admin/nav_sidebar.html` and `admin/app_list.html` with the
template engine, a loop over every app and model the user may see on each
page; here the same elements, attributes and text are joined in Python.
Only the whitespace between tags differs, where HTML ignores it (between
table rows and cells, around a cell's only link), which
`tests/citymgmt/test_nav_sidebar.py` checks against Django's own templates.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

# Sidebars drawn, by everything one reads (`_sidebar_key`); a user's apps are
# one of a few lists per role, so the bound is never reached in use.
_SIDEBARS: dict[tuple[Any, ...], SafeString] = {}
_MAX_SIDEBARS = 256


def _sidebar_key(path: str, available_apps: list[dict[str, Any]]) -> tuple[Any, ...]:
    """Every value `_nav_sidebar_html` reads: the language of its own words,
    and of each app and model what it prints and whether the path is its."""
    return (
        get_language(),
        tuple(
            (
                app["app_label"],
                app["app_url"],
                app["app_url"] in path,
                str(app["name"]),
                tuple(
                    (
                        model["object_name"],
                        str(model["name"]),
                        model.get("admin_url"),
                        bool(model.get("admin_url")) and model["admin_url"] in path,
                        model.get("add_url"),
                    )
                    for model in app["models"]
                ),
            )
            for app in available_apps
        ),
    )


def nav_sidebar_html(request: Any, available_apps: list[dict[str, Any]]) -> SafeString:
    """Django's `admin/nav_sidebar.html` (with `app_list.html`, no change links)
    for the apps this request's user may see, built in Python: the same markup
    without the template engine's loop over every app and model.

    Kept per process by every value it is drawn from (`_sidebar_key`), so the
    same apps in the same language on the same section are drawn once.
    """
    path = quote(request.path, safe="/")
    key = _sidebar_key(path, available_apps)
    known = _SIDEBARS.get(key)
    if known is None:
        if len(_SIDEBARS) >= _MAX_SIDEBARS:
            _SIDEBARS.clear()
        known = _SIDEBARS[key] = _nav_sidebar_html(path, available_apps)
    return known


def _nav_sidebar_html(path: str, available_apps: list[dict[str, Any]]) -> SafeString:
    parts = [
        format_html(
            '<button class="sticky toggle-nav-sidebar" id="toggle-nav-sidebar" '
            'aria-label="{}"></button>\n'
            '<nav class="sticky" id="nav-sidebar" aria-label="{}">\n'
            '<input type="search" id="nav-filter" placeholder="{}" aria-label="{}">\n',
            gettext("Toggle navigation"),
            gettext("Sidebar"),
            gettext("Start typing to filter…"),
            gettext("Filter navigation items"),
        )
    ]
    if not available_apps:
        parts.append(
            format_html(
                "<p>{}</p>\n",
                gettext("You don’t have permission to view or edit anything."),
            )
        )
    headings = format_html(
        '<thead class="visually-hidden">\n<tr>\n<th scope="col">{}</th>\n'
        '<th scope="col">{}</th>\n<th scope="col">{}</th>\n</tr>\n</thead>\n',
        gettext("Model name"),
        gettext("Add link"),
        gettext("Change or view list link"),
    )
    for app in available_apps:
        label = app["app_label"]
        parts.append(
            format_html(
                '<div class="app-{} module{}">\n<table>\n<caption>\n'
                '<a href="{}" class="section" title="{}">{}</a>\n</caption>\n{}',
                label,
                mark_safe(" current-app") if app["app_url"] in path else "",
                app["app_url"],
                # As {% blocktranslate %}: the name escaped, the sentence not.
                mark_safe(  # noqa: S308 - the translated sentence is ours and Django's
                    gettext("Models in the %(name)s application")
                    % {"name": conditional_escape(app["name"])}
                ),
                app["name"],
                headings,
            )
        )
        for model in app["models"]:
            parts.append(_model_row(model, label, path))
        parts.append("</table>\n</div>\n")
    parts.append("</nav>\n")
    # Each part built by format_html or from values passed through escaped().
    return mark_safe("".join(parts))  # noqa: S308


def _model_row(model: dict[str, Any], label: str, path: str) -> str:
    """A model's row: plain joins, format_html per model cost the most here."""
    name = str(model["object_name"]).lower()
    url = model.get("admin_url")
    current = bool(url) and url in path
    if url:
        aria = ' aria-current="page"' if current else ""
        link = f'<a href="{escaped(url)}"{aria}>{escaped(model["name"])}</a>'
    else:
        link = escaped(model["name"])
    add_url = model.get("add_url")
    add = (
        f'<td><a href="{escaped(add_url)}" class="addlink" '
        f'aria-describedby="{escaped(label)}-{escaped(name)}">'
        f"{escaped(gettext('Add'))}</a></td>\n"
        if add_url
        else "<td></td>\n"
    )
    return (
        f'<tr class="model-{escaped(name)}{" current-model" if current else ""}">\n'
        f'<th scope="row" id="{escaped(label)}-{escaped(name)}">\n{link}\n</th>\n'
        f"{add}</tr>\n"
    )


def escaped(value: Any) -> str:
    """`conditional_escape` as text: markup marked safe kept, anything else
    escaped; without the lazy-argument wrapper and SafeString it builds, which
    a page pays for at every value it draws."""
    if isinstance(value, Promise):
        value = str(value)
    html = getattr(value, "__html__", None)
    return str(html()) if html is not None else escape(str(value))
