"""The triage list's rows, drawn once per row from already-formatted values.

Django draws a changelist cell by cell: for each of 50 rows × 9 columns it
looks the column up again, formats the value through `display_for_value`,
renders the action checkbox through the form widget templates and runs
`format_html` and `gettext` per cell; on the complaints list that was most of
the page's CPU. Here the labels, the badges and the link are worked out once
per request and each row is one string with the same markup Django writes
(the same cells, classes, link and checkbox), which
`tests/complaints/test_changelist_rows.py` compares with Django's own.

Columns other than `ComplaintAdmin`'s, a popup or an editable list go back to
Django's cell-by-cell drawing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from citymgmt.phones import mask
from complaints.admin.display import status_badge
from complaints.deadlines.display import deadline_badge
from complaints.models import OPEN_STATUSES, Category, Channel, Complaint, Status

# The columns these rows draw, in list_display's order.
COLUMNS = [
    "reference",
    "submitted_short",
    "status_priority",
    "deadline",
    "category",
    "place",
    "channel",
    "phone_masked",
]


# What the rows read of a case and its joins (the badges' clock included):
# the page loads only these columns, so a row builds smaller instances.
# tests/complaints/test_changelist_rows.py draws rows of every kind with no
# query, so a field read here but missing below fails there.
FIELDS = [
    "reference",
    "submitted_at",
    "status",
    "priority",
    "channel",
    "phone",
    "current_due_at",
    "stage_started_at",
    "category__code",
    "category__name_zh",
    "category__name_en",
    "community__name",
    "squad__name",
    "deadline_rule__reminder_thresholds",
]


def draws(cl: ChangeList) -> bool:
    """Whether this changelist is the one these rows know how to draw."""
    columns = list(cl.list_display)
    if columns[:1] == ["action_checkbox"]:
        columns = columns[1:]
    return (
        columns == COLUMNS
        and list(cl.list_display_links or []) == ["reference"]
        and not cl.is_popup
        and getattr(cl, "formset", None) is None
        and not cl.to_field
    )


def result_rows(cl: ChangeList) -> list[SafeString]:
    """The inner HTML of each row's <tr>, in the order of cl.result_list."""
    results: list[Complaint] = list(cl.result_list)
    if not results:
        return []
    if not draws(cl):
        return [
            format_html_join(
                "", "{}", ((cell,) for cell in items_for_result(cl, r, None))
            )
            for r in results
        ]
    return list(_Rows(cl, results[0]).draw(results))


@dataclass(frozen=True)
class _Labels:
    """The words and badges of a language: from the code and its catalogs."""

    select: str  # the aria-label Django's checkbox column writes, less the case
    no_unit: str
    urgent: str
    channels: dict[str, str]
    statuses: dict[str, str]
    urgent_statuses: dict[str, str]


@functools.lru_cache(maxsize=16)
def _labels(language: str | None) -> _Labels:
    # Kept per process and language: they change only when code is deployed.
    urgent = escape(str(Category.Priority.URGENT.label))
    statuses = {
        value: str(status_badge(Complaint(status=value))) for value in Status.values
    }
    return _Labels(
        select=gettext("Select this object for an action - {}"),
        no_unit=escape(gettext("no unit yet")),
        urgent=urgent,
        channels={value: escape(str(label)) for value, label in Channel.choices},
        statuses=statuses,
        urgent_statuses={
            value: f'{badge} <span class="cd-badge cd-urgent">{urgent}</span>'
            for value, badge in statuses.items()
        },
    )


class _Rows:
    """What every row of one request shares: labels, badges, the link's pattern."""

    def __init__(self, cl: ChangeList, first: Complaint) -> None:
        self.checkbox = cl.list_display[0] == "action_checkbox"
        self.labels = _labels(get_language())
        self.empty = escape(str(cl.model_admin.get_empty_value_display()))
        self.now = timezone.now()
        self.zone = timezone.get_current_timezone()
        self.categories: dict[int, str] = {}
        # The change link is the same for every row but the id: draw the first
        # row's the way Django does and keep what surrounds its id.
        link = add_preserved_filters(
            {"preserved_filters": cl.preserved_filters, "opts": cl.opts},
            cl.url_for_result(first),
        )
        before, found, after = link.partition(f"/{first.pk}/")
        if not found:
            raise ValueError(f"the change link {link!r} does not hold the case's id")
        self.link_before = escape(before) + "/"
        self.link_after = "/" + escape(after)

    def draw(self, results: Iterable[Complaint]) -> Iterable[SafeString]:
        for case in results:
            # Every value in a cell went through escape() or is a badge
            # format_html drew; the rest is this module's own markup.
            yield mark_safe("".join(self._cells(case)))  # noqa: S308

    def _cells(self, case: Complaint) -> list[str]:
        reference = escape(case.reference)
        cells = []
        if self.checkbox:
            # As Django's: the translation as it is, the case escaped.
            label = self.labels.select.format(reference)
            cells.append(
                '<td class="action-checkbox"><input type="checkbox" '
                f'name="{ACTION_CHECKBOX_NAME}" value="{case.pk}" '
                f'class="action-select" aria-label="{label}"></td>'
            )
        submitted = case.submitted_at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")
        badges = (
            self.labels.urgent_statuses
            if case.priority == Category.Priority.URGENT
            else self.labels.statuses
        )
        status = badges.get(case.status) or self._status(case)
        cells += [
            f'<th class="field-reference"><a href="{self.link_before}{case.pk}'
            f'{self.link_after}">{reference}</a></th>',
            f'<td class="field-submitted_short">{submitted}</td>',
            f'<td class="field-status_priority">{status}</td>',
            f'<td class="field-deadline">{self._deadline(case)}</td>',
            f'<td class="field-category nowrap">{self._category(case)}</td>',
            f'<td class="field-place">{self._place(case)}</td>',
            f'<td class="field-channel">{self._channel(case)}</td>',
            f'<td class="field-phone_masked">{self._phone(case)}</td>',
        ]
        return cells

    def _status(self, case: Complaint) -> str:
        # A status the choices do not know (never stored: a CHECK refuses it).
        badge = str(status_badge(case))
        if case.priority == Category.Priority.URGENT:
            return (
                f'{badge} <span class="cd-badge cd-urgent">{self.labels.urgent}</span>'
            )
        return badge

    def _deadline(self, case: Complaint) -> str:
        if case.status not in OPEN_STATUSES or case.current_due_at is None:
            return "—"  # what deadline_badge says, without asking the calendar
        return str(deadline_badge(case, now=self.now))

    def _category(self, case: Complaint) -> str:
        if case.category_id is None:
            return self.empty
        text = self.categories.get(case.category_id)
        if text is None:
            text = self.categories[case.category_id] = escape(str(case.category))
        return text

    def _place(self, case: Complaint) -> str:
        community = escape(case.community.name) if case.community else "—"
        unit = escape(case.squad.name) if case.squad else self.labels.no_unit
        return f'{community}<br><span class="cd-muted">{unit}</span>'

    def _channel(self, case: Complaint) -> str:
        return self.labels.channels.get(case.channel, self.empty)

    def _phone(self, case: Complaint) -> str:
        # Masked even for those who may reveal it: a reveal is one logged act.
        masked = mask(case.phone)
        return escape(masked) if masked.strip() else self.empty
