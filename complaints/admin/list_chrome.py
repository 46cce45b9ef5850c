"""The triage list's result table drawn in Python, the markup of Django's
`admin/change_list_results.html` character for character.

The template walked each header's sort links and each row through the
engine; here the headers come from Django's own `result_headers` (labels,
classes, the sort links) and the rows from `complaints.admin.rows`, joined
with the template's own whitespace. `tests/complaints/test_changelist_chrome.py`
compares the whole table with what Django's `{% result_list %}` draws.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.views.main import ChangeList
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext

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
