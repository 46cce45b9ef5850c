"""The triage list's result table drawn in Python, the markup of Django's
`admin/change_list_results.html` character for character.

The template walked each header's sort links and each row through the
engine; here the headers come from Django's own `result_headers` (labels,
classes, the sort links) and the rows from `complaints.admin.rows`, joined
with the template's own whitespace. `tests/complaints/test_changelist_chrome.py`
compares the whole table with what Django's `{% result_list %}` draws.
"""

from __future__ import annotations

import functools
from html import escape
from typing import Any

from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.views.main import ChangeList
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from complaints.admin.rows import result_rows


def result_table_html(cl: ChangeList) -> SafeString:
    """What {% result_list cl %} draws for a list these rows know (rows.draws)."""
    headers = list(result_headers(cl))
    sorted_fields = sum(1 for h in headers if h["sortable"] and h["sorted"])
    rows = result_rows(cl)
    parts = ["\n\n"]
    if rows:
        parts.append(
            '\n<div class="results">\n<table id="result_list">\n<thead>\n<tr>\n'
        )
        parts.extend(_header(h, sorted_fields) for h in headers)
        parts.append("\n</tr>\n</thead>\n<tbody>\n")
        parts.extend(f"\n\n<tr>{row}</tr>\n" for row in rows)
        parts.append("\n</tbody>\n</table>\n</div>\n")
    parts.append("\n")
    # Django's own labels, classes and links, escaped as the template would.
    return mark_safe("".join(parts))  # noqa: S308


def _capfirst(text: Any) -> str:
    """`{{ text|capfirst }}`: the first letter upper-cased, escaped unless safe."""
    value = str(text)
    shown = value[0].upper() + value[1:] if value else value
    return shown if isinstance(value, SafeData) else escape(shown)


def _header(header: dict[str, Any], sorted_fields: int) -> str:
    parts = [f'\n<th scope="col"{header["class_attrib"]}>\n   ']
    if header["sortable"] and header["sort_priority"] > 0:
        priority = header["sort_priority"]
        remove = conditional_escape(header["url_remove"])
        parts.append(
            '\n       <div class="sortoptions">\n'
            f'         <a class="sortremove" href="{remove}"'
            f' title="{gettext("Remove from sorting")}"></a>\n         '
        )
        if sorted_fields > 1:
            title = gettext("Sorting priority: %(priority_number)s") % {
                "priority_number": priority
            }
            parts.append(
                f'<span class="sortpriority" title="{title}">{priority}</span>'
            )
        direction = "ascending" if header["ascending"] else "descending"
        parts.append(
            f'\n         <a href="{conditional_escape(header["url_toggle"])}"'
            f' class="toggle {direction}" title="{gettext("Toggle sorting")}"></a>\n'
            "       </div>\n   "
        )
    text = _capfirst(header["text"])
    if header["sortable"]:
        label = f'<a href="{conditional_escape(header["url_primary"])}">{text}</a>'
    else:
        label = f"<span>{text}</span>"
    parts.append(
        f'\n   <div class="text">{label}</div>\n   <div class="clear"></div>\n</th>'
    )
    return "".join(parts)


def user_links_html(context: Any) -> SafeString:
    """The header's user links: templates/admin/base_site.html's bell, then
    Django's own links (admin/base.html's `userlinks` block), as they draw them.

    The list's whole page is compared with the templates' by
    tests/complaints/test_changelist_page.py, so a change to either template
    that this does not follow fails there.
    """
    parts = ["\n  "]
    unread = context.get("bell_unread")
    if unread is not None:
        title = ngettext(
            "%(counter)s unread notification",
            "%(counter)s unread notifications",
            unread,
        ) % {"counter": unread}
        parts.append(
            f'\n    <a href="{escape(reverse("admin:notifications_mine"))}" id="bell" '
            f'class="bell{" bell-unread" if unread else ""}"\n'
            f'       title="{title}">\n      {BELL_ICON} {gettext("Notifications")}\n'
            f'      <span class="bell-count" id="bell-count">{unread}</span></a> /\n  '
        )
    parts.append("\n  ")
    parts.append(_django_user_links(context))
    parts.append("\n")
    # Every value escaped above; the translations are the templates' own.
    return mark_safe("".join(parts))  # noqa: S308


BELL_ICON = (
    '<svg class="bell-icon" aria-hidden="true" width="12" height="12" '
    'viewBox="0 0 16 16"><path fill="currentColor" d="M8 16a2 2 0 0 0 2-2H6a2 2 '
    "0 0 0 2 2zm5-5V7a5 5 0 0 0-4-4.9V1a1 1 0 0 0-2 0v1.1A5 5 0 0 0 3 7v4l-2 2v1h14v-"
    '1z"/></svg>'
)


def _django_user_links(context: Any) -> str:
    indent = "\n                "
    parts = [indent]
    site_url = context.get("site_url")
    if site_url:
        parts.append(
            f'\n                    <a href="{escape(str(site_url))}">'
            f"{gettext('View site')}</a> /{indent}"
        )
    parts.append(indent)
    user = context["user"]
    if user.is_active and user.is_staff:
        parts.append("\n                    \n                    ")
        docs = _docs_root()
        if docs:
            parts.append(
                f'\n                        <a href="{escape(docs)}">'
                f"{gettext('Documentation')}</a> /\n                    "
            )
        parts.append(indent)
    parts.append(indent)
    if user.has_usable_password():
        parts.append(
            f'{indent}<a href="{escape(reverse("admin:password_change"))}">'
            f"{gettext('Change password')}</a> /{indent}"
        )
    # As {% csrf_token %}: nothing when the view asked for none.
    csrf_value = str(context.get("csrf_token") or "")
    csrf = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_value)}">'
        if csrf_value not in ("", "NOTPROVIDED")
        else ""
    )
    parts.append(
        f'{indent}<form id="logout-form" method="post" '
        f'action="{escape(reverse("admin:logout"))}">\n'
        f"                    {csrf}\n"
        f'                    <button type="submit">{gettext("Log out")}</button>\n'
        f"                </form>{indent}{_theme_toggle(get_language())}\n            "
    )
    return "".join(parts)


@functools.cache
def _docs_root() -> str:
    """Where admindocs lives, if the URLconf has it: it comes from code."""
    try:
        return reverse("django-admindocs-docroot")
    except NoReverseMatch:
        return ""


@functools.lru_cache(maxsize=16)
def _theme_toggle(language: str | None) -> str:
    # Only words of Django's catalog: the same for every request in a language.
    return render_to_string("admin/color_theme_toggle.html")
