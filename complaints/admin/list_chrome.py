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

from django.conf import settings
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.views.main import (
    ALL_VAR,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    PAGE_VAR,
    SEARCH_VAR,
    ChangeList,
)
from django.forms.widgets import Media
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from citymgmt.admin_apps import kept_reverse
from citymgmt.navsidebar import escaped
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
            f'\n    <a href="{_url("admin:notifications_mine")}" id="bell" '
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
            f'{indent}<a href="{_url("admin:password_change")}">'
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
        f'action="{_url("admin:logout")}">\n'
        f"                    {csrf}\n"
        f'                    <button type="submit">{gettext("Log out")}</button>\n'
        f"                </form>{indent}{_theme_toggle(get_language())}\n            "
    )
    return "".join(parts)


def _docs_root() -> str:
    """Where admindocs lives, if the URLconf has it."""
    return kept_reverse("django-admindocs-docroot") or ""


@functools.lru_cache(maxsize=16)
def _theme_toggle(language: str | None) -> str:
    # Only words of Django's catalog: the same for every request in a language.
    return render_to_string("admin/color_theme_toggle.html")


def date_hierarchy_html(dates: dict[str, Any]) -> SafeString:
    """What admin/date_hierarchy.html draws for `ComplaintChangeList.date_choices`."""
    parts = []
    if dates.get("show"):
        parts.append('\n<nav class="toplinks">\n\n\n')
        back = dates.get("back")
        if back:
            parts.append(
                f'<a href="{escaped(back["link"])}" class="date-back">&lsaquo; '
                f"{escaped(back['title'])}</a>"
            )
        parts.append("\n\n\n")
        for choice in dates.get("choices") or ():
            title = escaped(choice["title"])
            link = choice.get("link")
            parts.append(
                f'\n<a href="{escaped(link)}">{title}</a>\n' if link else f"\n{title}\n"
            )
        parts.append("\n\n\n</nav>\n")
    parts.append("\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped


def search_form_html(cl: ChangeList) -> SafeString:
    """What Django's {% search_form cl %} draws with admin/search_form.html."""
    if not cl.search_fields:
        return mark_safe("\n\n")
    help_text = cl.search_help_text
    described = ' aria-describedby="searchbar_helptext"' if help_text else ""
    parts = [
        '\n\n<div id="toolbar"><form id="changelist-search" method="get" '
        'role="search">\n<div><!-- DIV needed for valid HTML -->\n'
        f'<label for="searchbar"><img src="{_static("admin/img/search.svg")}" '
        'alt="Search"></label>\n'
        f'<input type="text" size="40" name="{SEARCH_VAR}" '
        f'value="{escaped(cl.query)}" id="searchbar"{described}>\n'
        f'<input type="submit" value="{gettext("Search")}">\n'
    ]
    if cl.result_count != cl.full_result_count:
        found = ngettext(
            "%(counter)s result", "%(counter)s results", cl.result_count
        ) % {"counter": cl.result_count}
        popup = f"{IS_POPUP_VAR}=1" if cl.is_popup else ""
        if cl.is_popup and cl.add_facets:
            popup += "&"  # as the template writes it
        facets = IS_FACETS_VAR if cl.add_facets else ""
        everything = (
            gettext("%(full_result_count)s total")
            % {"full_result_count": cl.full_result_count}
            if cl.show_full_result_count
            else gettext("Show all")
        )
        parts.append(
            f'\n    <span class="small quiet">{found} (<a href="?{popup}{facets}">'
            f"{everything}</a>)</span>\n"
        )
    parts.append("\n")
    for name, value in cl.params.items():
        parts.append("\n    ")
        if name != SEARCH_VAR:
            parts.append(
                f'<input type="hidden" name="{escaped(name)}" value="{escaped(value)}">'
            )
        parts.append("\n")
    parts.append("\n</div>\n")
    if help_text:
        parts.append(
            '\n<br class="clear">\n<div class="help" id="searchbar_helptext">'
            f"{escaped(help_text)}</div>\n"
        )
    parts.append("\n</form></div>\n\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped


def pagination_html(cl: ChangeList) -> SafeString:
    """What {% pagination cl %} draws with the list's own pagination.html."""
    required = (not cl.show_all or not cl.can_show_all) and cl.multi_page
    parts = ['\n\n<p class="paginator">\n']
    if required:
        parts.append("\n")
        paginator = cl.paginator
        for i in paginator.get_elided_page_range(cl.page_num):
            if i == paginator.ELLIPSIS:
                number = f"{escaped(paginator.ELLIPSIS)} "
            elif i == cl.page_num:
                number = f'<span class="this-page">{i}</span> '
            else:
                end = ' class="end"' if i == paginator.num_pages else ""
                link = escaped(cl.get_query_string({PAGE_VAR: i}))
                number = f'<a href="{link}"{end}>{i}</a> '
            parts.append(f"\n    {number}\n")
        parts.append("\n")
    parts.append("\n")
    count = cl.result_count
    if getattr(cl.paginator, "capped", False):
        parts.append(gettext("more than %(count)s complaints") % {"count": count})
    else:
        name = cl.opts.verbose_name if count == 1 else cl.opts.verbose_name_plural
        parts.append(f"{count} {escaped(name)}")
    parts.append("\n")
    if cl.can_show_all and not cl.show_all and cl.multi_page:
        show_all = escaped(cl.get_query_string({ALL_VAR: ""}))
        parts.append(f'<a href="{show_all}" class="showall">{gettext("Show all")}</a>')
    parts.append("\n</p>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped


def _static(path: str) -> str:
    """A static file's address: from the code and the collected manifest, so
    kept per process (and per STATIC_URL, which tests may change)."""
    return _static_at(settings.STATIC_URL, path)


@functools.lru_cache(maxsize=64)
def _static_at(base: str | None, path: str) -> str:
    return escaped(static(path))


def extra_style_html(context: Any) -> SafeString:
    """The head's style sheets: templates/admin/base_site.html's bell, then
    Django's admin/change_list.html `extrastyle` block."""
    cl = context["cl"]
    parts = [
        f'\n  <link rel="stylesheet" href="{_static("notifications/bell.css")}">'
        f'\n  <link rel="stylesheet" href="{_static("admin/css/changelists.css")}">'
        "\n  "
    ]
    if cl.formset:
        parts.append(
            f'\n    <link rel="stylesheet" href="{_static("admin/css/forms.css")}">\n  '
        )
    parts.append("\n  ")
    if cl.formset or context.get("action_form"):
        parts.append(f'\n    <script src="{_url("admin:jsi18n")}"></script>\n  ')
    parts.append(f"\n  {_media(context['media'], 'css')}\n  ")
    if not context.get("actions_on_top") and not context.get("actions_on_bottom"):
        parts.append(
            "\n    <style>\n      #changelist table thead th:first-child "
            "{width: inherit}\n    </style>\n  "
        )
    parts.append("\n")
    return mark_safe("".join(parts))  # noqa: S308 - addresses escaped


def extra_head_html(context: Any) -> SafeString:
    """The head's icon and scripts: templates/admin/base_site.html's icon, then
    Django's admin/change_list.html `extrahead` block."""
    return mark_safe(  # noqa: S308 - addresses escaped
        f'\n<link rel="icon" href="{_static("favicon.ico")}" '
        'sizes="16x16 32x32 48x48 64x64">\n'
        f"{_media(context['media'], 'js')}\n"
        f'<script src="{_static("admin/js/filters.js")}" defer></script>\n'
    )


def _media(media: Any, kind: str) -> str:
    """`{{ media.css }}` or `{{ media.js }}`, drawn once per process for a list
    of plain paths (the addresses come from the code and the manifest)."""
    if kind == "js":
        paths = media._js
        if all(isinstance(path, str) for path in paths):
            return _drawn_media(settings.STATIC_URL, "js", tuple(paths))
    else:
        by_medium = media._css
        if all(isinstance(p, str) for paths in by_medium.values() for p in paths):
            return _drawn_media(
                settings.STATIC_URL,
                "css",
                tuple((medium, tuple(paths)) for medium, paths in by_medium.items()),
            )
    return str(media[kind])


@functools.lru_cache(maxsize=32)
def _drawn_media(base: str | None, kind: str, paths: tuple[Any, ...]) -> str:
    if kind == "js":
        return str(Media(js=list(paths)))
    return str(Media(css={medium: list(files) for medium, files in paths}))


def title_html(context: Any) -> SafeString:
    """The <title>: admin/change_list.html's `title` block over base_site.html's."""
    cl = context["cl"]
    errors = gettext("Error:") + " " if cl.formset and cl.formset.errors else ""
    subtitle = context.get("subtitle")
    before = f"{escaped(subtitle)} | " if subtitle else ""
    site = context.get("site_title") or gettext("Django site admin")
    return mark_safe(  # noqa: S308 - values escaped
        f"{errors}{before}{escaped(context.get('title', ''))} | {escaped(site)}"
    )


def head_links_html(block: str) -> SafeString:
    """admin/base.html's `stylesheet` or `dark-mode-vars` block."""
    if block == "stylesheet":
        return mark_safe(_static("admin/css/base.css"))  # noqa: S308 - escaped
    return mark_safe(  # noqa: S308 - escaped
        f'\n  <link rel="stylesheet" href="{_static("admin/css/dark_mode.css")}">\n'
        f'  <script src="{_static("admin/js/theme.js")}"></script>\n'
    )


def branding_html(context: Any) -> SafeString:
    """admin/base_site.html's `branding` block."""
    header = context.get("site_header") or gettext("Django administration")
    parts = [
        f'\n<div id="site-name"><a href="{_url("admin:index")}">'
        f"{escaped(header)}</a></div>\n"
    ]
    if context["user"].is_anonymous:
        parts.append(f"\n  {_theme_toggle(get_language())}\n")
    parts.append("\n")
    return mark_safe("".join(parts))  # noqa: S308 - values escaped


def breadcrumbs_html(cl: ChangeList) -> SafeString:
    """admin/change_list.html's `breadcrumbs` block."""
    opts = cl.opts
    app_url = _url("admin:app_list", app_label=opts.app_label)
    return mark_safe(  # noqa: S308 - values escaped
        f'\n<div class="breadcrumbs">\n<a href="{_url("admin:index")}">'
        f"{gettext('Home')}</a>\n"
        f'&rsaquo; <a href="{app_url}">{escaped(opts.app_config.verbose_name)}</a>\n'
        f"&rsaquo; {_capfirst(opts.verbose_name_plural)}\n</div>\n"
    )


def _url(name: str, **kwargs: str) -> str:
    """An address of the URLconf, escaped (kept per process and script prefix
    by `kept_reverse`)."""
    url = kept_reverse(name, **kwargs)
    if url is None:
        raise NoReverseMatch(name)
    return escaped(url)
