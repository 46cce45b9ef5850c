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

from typing import Any
from urllib.parse import quote

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext


def nav_sidebar_html(request: Any, available_apps: list[dict[str, Any]]) -> SafeString:
    """Django's `admin/nav_sidebar.html` (with `app_list.html`, no change links)
    for the apps this request's user may see, built in Python: the same markup
    without the template engine's loop over every app and model."""
    path = quote(request.path, safe="/")
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
            name = str(model["object_name"]).lower()
            url = model.get("admin_url")
            current = bool(url) and url in path
            link = (
                format_html(
                    '<a href="{}"{}>{}</a>',
                    url,
                    mark_safe(' aria-current="page"') if current else "",
                    model["name"],
                )
                if url
                else conditional_escape(model["name"])
            )
            add = (
                format_html(
                    '<td><a href="{}" class="addlink" aria-describedby="{}-{}">{}</a>'
                    "</td>\n",
                    model["add_url"],
                    label,
                    name,
                    gettext("Add"),
                )
                if model.get("add_url")
                else mark_safe("<td></td>\n")
            )
            parts.append(
                format_html(
                    '<tr class="model-{}{}">\n<th scope="row" id="{}-{}">\n{}\n</th>\n'
                    "{}</tr>\n",
                    name,
                    mark_safe(" current-model") if current else "",
                    label,
                    name,
                    link,
                    add,
                )
            )
        parts.append("</table>\n</div>\n")
    parts.append("</nav>\n")
    return mark_safe("".join(parts))  # noqa: S308 - each part built by format_html
