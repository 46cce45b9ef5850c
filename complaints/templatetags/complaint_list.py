"""The triage list's sidebar, result table and filters, drawn without a
template per cell.

The nav sidebar comes from citymgmt.navsidebar, the result table from
complaints.admin.list_chrome (its rows from complaints.admin.rows). The
filter panel writes the markup of Django's admin/filter.html from Python:
eight filters and their ~150 choices through the template engine cost more
than the rows.
"""

from __future__ import annotations

import functools
from html import escape
from typing import Any

from django import template
from django.contrib.admin.filters import ListFilter
from django.contrib.admin.templatetags.admin_list import (
    admin_list_filter,
    result_list,
)
from django.contrib.admin.views.main import ChangeList
from django.template.loader import select_template
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from citymgmt.navsidebar import escaped, nav_sidebar_html
from complaints.admin.list_chrome import (
    branding_html,
    breadcrumbs_html,
    date_hierarchy_html,
    extra_head_html,
    extra_style_html,
    head_links_html,
    pagination_html,
    result_table_html,
    search_form_html,
    title_html,
    user_links_html,
)
from complaints.admin.rows import draws

register = template.Library()


@register.simple_tag(takes_context=True)
def complaint_nav_sidebar(context: template.Context) -> SafeString:
    """What {% include "admin/nav_sidebar.html" %} draws, without the engine."""
    # The template's first line, {% load i18n %}, leaves a line break.
    sidebar = nav_sidebar_html(context["request"], context["available_apps"])
    return mark_safe("\n" + sidebar)  # noqa: S308 - drawn escaped


@register.simple_tag(takes_context=True)
def complaint_user_links(context: template.Context) -> SafeString:
    """What the header's {% block userlinks %} draws (the bell, Django's links)."""
    return user_links_html(context)


@register.simple_tag(takes_context=True)
def complaint_extra_style(context: template.Context) -> SafeString:
    """What the head's {% block extrastyle %} draws."""
    return extra_style_html(context)


@register.simple_tag(takes_context=True)
def complaint_extra_head(context: template.Context) -> SafeString:
    """What the head's {% block extrahead %} draws."""
    return extra_head_html(context)


@register.simple_tag(takes_context=True)
def complaint_title(context: template.Context) -> SafeString:
    """What the page's {% block title %} draws."""
    return title_html(context)


@register.simple_tag
def complaint_head_links(block: str) -> SafeString:
    """What base.html's {% block stylesheet %} or {% block dark-mode-vars %} draws."""
    return head_links_html(block)


@register.simple_tag(takes_context=True)
def complaint_branding(context: template.Context) -> SafeString:
    """What the header's {% block branding %} draws."""
    return branding_html(context)


@register.simple_tag
def complaint_breadcrumbs(cl: ChangeList) -> SafeString:
    """What the list's {% block breadcrumbs %} draws."""
    return breadcrumbs_html(cl)


@register.simple_tag
def complaint_date_hierarchy(cl: ChangeList) -> SafeString:
    """The date drill-down as admin/date_hierarchy.html draws cl.date_choices."""
    return date_hierarchy_html(cl.date_choices())


@register.simple_tag
def complaint_search_form(cl: ChangeList) -> SafeString:
    """What {% search_form cl %} draws."""
    return search_form_html(cl)


@register.simple_tag
def complaint_pagination(cl: ChangeList) -> SafeString:
    """What {% pagination cl %} draws with the list's pagination.html."""
    return pagination_html(cl)


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


@register.simple_tag(takes_context=True)
def complaint_actions(context: template.Context) -> SafeString:
    """What {% admin_actions %} draws with admin/actions.html."""
    # As Django's tag: the bar at the bottom submits its own index.
    index = context["action_index"] = context.get("action_index", -1) + 1
    cl = context["cl"]
    parts = [
        '\n<div class="actions">\n  \n    \n    ',
        _action_fields(context["action_form"]),
        "\n    \n    \n    "
        f'<button type="submit" class="button" '
        f'title="{gettext("Run the selected action")}" name="index" '
        f'value="{index or 0}">{gettext("Go")}</button>\n    \n    \n    ',
    ]
    if context["actions_selection_counter"]:
        shown = len(cl.result_list)
        parts.append(
            f'\n        <span class="action-counter" data-actions-icnt="{shown}">'
            f"{escape(str(context['selection_note']))}</span>\n        "
        )
        if cl.result_count != shown:
            select_all = gettext("Select all %(total_count)s %(module_name)s") % {
                "total_count": cl.result_count,
                "module_name": escape(str(context["module_name"])),
            }
            select_across = gettext("Click here to select the objects across all pages")
            parts.append(
                '\n        <span class="all hidden">'
                f"{escape(str(context['selection_note_all']))}</span>\n"
                '        <span class="question hidden">\n'
                f'            <a role="button" href="#" title="{select_across}">'
                f"{select_all}</a>\n        </span>\n"
                '        <span class="clear hidden"><a role="button" href="#">'
                f"{gettext('Clear selection')}</a></span>\n        "
            )
        parts.append("\n    ")
    parts.append("\n    \n  \n</div>\n")
    # The translations are Django's, the values escaped above.
    return mark_safe("".join(parts))  # noqa: S308


def _action_fields(form: Any) -> str:
    """The action form's fields as actions.html draws them, once per language
    and list of actions: an unbound form draws the same for the same choices."""
    choices = tuple(
        (value, str(label)) for value, label in form.fields["action"].choices
    )
    return _drawn_action_fields(type(form), get_language(), choices)


@functools.lru_cache(maxsize=32)
def _drawn_action_fields(
    form_class: type, language: str | None, choices: tuple[tuple[str, str], ...]
) -> str:
    form = form_class(auto_id=None)
    form.fields["action"].choices = list(choices)
    fields = template.Template(
        "{% for field in action_form %}{% if field.label %}<label>{{ field.label }} "
        "{{ field }}</label>{% else %}{{ field }}{% endif %}{% endfor %}"
    )
    return fields.render(template.Context({"action_form": form}))


@register.simple_tag
def complaint_list_filter(cl: ChangeList, spec: ListFilter) -> SafeString:
    """What {% admin_list_filter cl spec %} draws with admin/filter.html."""
    if spec.template != "admin/filter.html":
        return admin_list_filter(cl, spec)  # type: ignore[arg-type]  # any ListFilter
    title = str(spec.title)
    # Plain joins: format_html per choice (~150 a page) cost more than the
    # choices themselves. Each value escaped as the template's autoescape does.
    choices = "".join(
        f"\n    <li{SELECTED if choice['selected'] else ''}>\n    "
        f'<a href="{escape(iri_to_uri(str(choice["query_string"])))}">'
        f"{escaped(choice['display'])}</a></li>\n  "
        for choice in spec.choices(cl)
    )
    return mark_safe(  # noqa: S308 - every value escaped above or by format_html
        f'\n<details data-filter-title="{escape(title)}" open>\n  <summary>\n    '
        f"{by_title(title)}\n  </summary>\n  <ul>\n  {choices}\n  </ul>\n</details>\n"
    )


def by_title(title: str) -> SafeString:
    """Django's {% blocktranslate %} " By {{ filter_title }} ", the title escaped."""
    before, _, after = gettext(" By %(filter_title)s ").partition("%(filter_title)s")
    return format_html("{}{}{}", before, title, after)


SELECTED = SafeString(' class="selected"')
