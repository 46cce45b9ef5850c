"""The triage list's sidebar, result table and filters, drawn without a
template per cell.

The nav sidebar comes from citymgmt.navsidebar, the result table from
complaints.admin.list_chrome (its rows from complaints.admin.rows). The
filter panel writes the markup of Django's admin/filter.html from Python:
eight filters and their ~150 choices through the template engine cost more
than the rows.
"""

from __future__ import annotations

from django import template
from django.contrib.admin.filters import ListFilter
from django.contrib.admin.templatetags.admin_list import (
    admin_list_filter,
    result_list,
)
from django.contrib.admin.views.main import ChangeList
from django.template.loader import select_template
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from citymgmt.navsidebar import nav_sidebar_html
from complaints.admin.list_chrome import result_table_html
from complaints.admin.rows import draws

register = template.Library()


@register.simple_tag(takes_context=True)
def complaint_nav_sidebar(context: template.Context) -> SafeString:
    """What {% include "admin/nav_sidebar.html" %} draws, without the engine."""
    return nav_sidebar_html(context["request"], context["available_apps"])


@register.simple_tag
def complaint_result_list(cl: ChangeList) -> SafeString:
    """What Django's {% result_list cl %} draws; the table built in Python when
    the rows are the ones complaints.admin.rows draws."""
    if draws(cl):
        return result_table_html(cl)
    # A popup, a `_to_field` list or other columns: Django's own tag.
    opts = cl.opts
    return mark_safe(  # noqa: S308 - Django's own template, autoescaped
        select_template(
            [
                f"admin/{opts.app_label}/{opts.model_name}/change_list_results.html",
                f"admin/{opts.app_label}/change_list_results.html",
                "admin/change_list_results.html",
            ]
        ).render(result_list(cl))
    )


@register.simple_tag
def complaint_list_filter(cl: ChangeList, spec: ListFilter) -> SafeString:
    """What {% admin_list_filter cl spec %} draws with admin/filter.html."""
    if spec.template != "admin/filter.html":
        return admin_list_filter(cl, spec)  # type: ignore[arg-type]  # any ListFilter
    title = str(spec.title)
    choices = format_html_join(
        "",
        '\n    <li{}>\n    <a href="{}">{}</a></li>\n  ',
        (
            (
                SELECTED if choice["selected"] else "",
                iri_to_uri(str(choice["query_string"])),
                choice["display"],
            )
            for choice in spec.choices(cl)
        ),
    )
    return format_html(
        '\n<details data-filter-title="{}" open>\n  <summary>\n    {}\n'
        "  </summary>\n  <ul>\n  {}\n  </ul>\n</details>\n",
        title,
        by_title(title),
        choices,
    )


def by_title(title: str) -> SafeString:
    """Django's {% blocktranslate %} " By {{ filter_title }} ", the title escaped."""
    before, _, after = gettext(" By %(filter_title)s ").partition("%(filter_title)s")
    return format_html("{}{}{}", before, title, after)


SELECTED = SafeString(' class="selected"')
