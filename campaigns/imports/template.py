"""The campaign's tally template: one sheet per unit the user may record for.

Each sheet has a title row (the campaign, the unit, the period), the header
of `columns.sheet_columns` on row 2, and a row per day of the period so far
(per road segment of the unit, where the campaign has segments) with the
date (a date cell, shown as yyyy-mm-dd), the unit and the segment filled
in; the clerk types the figures. Rows left without figures are skipped by
the import. Cells check what is typed (the unit, the unit's segments, dates
in the period, numbers not below 0, whole where the metric counts).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from campaigns.imports.columns import DATE, NOTES, SEGMENT, SQUAD, Column
from campaigns.models import Campaign, RoadSegment
from squads.models import Squad

DATE_FORMAT = "yyyy-mm-dd"
HEADER_ROW = 2
# Rows formatted for dates and figures below the filled-in days.
SPARE_ROWS = 50
THIN = Side(style="thin", color="999999")


def sheet_title(name: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, no []:*?/\\), unique."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Sheet"
    title = base[:31]
    number = 2
    while title.casefold() in taken:
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(title.casefold())
    return title


def days_to_fill(campaign: Campaign, today: dt.date | None = None) -> list[dt.date]:
    """The period's days up to today (a tally for a day to come is refused)."""
    last = min(campaign.ends_on, today or timezone.localdate())
    days = (last - campaign.starts_on).days + 1
    return [campaign.starts_on + dt.timedelta(days=n) for n in range(max(days, 0))]


def workbook(
    *,
    campaign: Campaign,
    columns: Sequence[Column],
    units: Sequence[Squad],
    segments: dict[int, list[RoadSegment]],
    today: dt.date | None = None,
) -> bytes:
    """The template as .xlsx bytes."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    days = days_to_fill(campaign, today)
    for unit in units:
        sheet = book.create_sheet(sheet_title(unit.name, taken))
        _fill(sheet, campaign, columns, unit, segments.get(unit.pk, []), days)
    if not units:
        sheet = book.create_sheet(sheet_title(campaign.name, taken))
        _fill(sheet, campaign, columns, None, [], [])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(
    sheet: Worksheet,
    campaign: Campaign,
    columns: Sequence[Column],
    unit: Squad | None,
    segments: list[RoadSegment],
    days: list[dt.date],
) -> None:
    width = len(columns)
    last_column = get_column_letter(width)
    sheet.merge_cells(f"A1:{last_column}1")
    title = sheet.cell(row=1, column=1)
    title.value = _("%(campaign)s　%(unit)s　period %(start)s to %(end)s") % {
        "campaign": campaign.name,
        "unit": unit.name if unit else "",
        "start": campaign.starts_on.isoformat(),
        "end": campaign.ends_on.isoformat(),
    }
    title.font = Font(bold=True, size=13)
    title.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 24

    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, 1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=column.title)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )
        cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _width(column)
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"

    keys = [column.key for column in columns]
    row = HEADER_ROW + 1
    per_day: list[RoadSegment | None] = list(segments) or [None]
    for day in days:
        for segment in per_day:
            sheet.cell(row=row, column=1, value=day)
            if unit is not None:
                sheet.cell(row=row, column=keys.index(SQUAD) + 1, value=unit.name)
            if segment is not None and SEGMENT in keys:
                sheet.cell(row=row, column=keys.index(SEGMENT) + 1, value=segment.name)
            row += 1
    last_row = row - 1 + SPARE_ROWS
    date_column = keys.index(DATE) + 1
    for number in range(HEADER_ROW + 1, last_row + 1):
        sheet.cell(row=number, column=date_column).number_format = DATE_FORMAT
    _validations(sheet, campaign, columns, unit, segments, last_row)


def _width(column: Column) -> float:
    if column.key == DATE:
        return 12
    if column.key in (SQUAD, SEGMENT):
        return 18
    if column.key == NOTES:
        return 30
    return max(10, min(22, len(column.title) * 2 + 2))


def _validations(
    sheet: Worksheet,
    campaign: Campaign,
    columns: Sequence[Column],
    unit: Squad | None,
    segments: list[RoadSegment],
    last_row: int,
) -> None:
    first = HEADER_ROW + 1

    def area(index: int) -> str:
        letter = get_column_letter(index + 1)
        return f"{letter}{first}:{letter}{last_row}"

    dates = DataValidation(
        type="date",
        operator="between",
        formula1=f"DATE({campaign.starts_on.year},{campaign.starts_on.month},"
        f"{campaign.starts_on.day})",
        formula2=f"DATE({campaign.ends_on.year},{campaign.ends_on.month},"
        f"{campaign.ends_on.day})",
        allow_blank=True,
        showErrorMessage=True,
        error=_("The campaign runs from %(start)s to %(end)s.")
        % {
            "start": campaign.starts_on.isoformat(),
            "end": campaign.ends_on.isoformat(),
        },
    )
    wholes = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        error=_("A whole number, not below 0."),
    )
    decimals = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        error=_("A number, not below 0."),
    )
    for validation in (dates, wholes, decimals):
        sheet.add_data_validation(validation)
    for index, column in enumerate(columns):
        if column.key == DATE:
            dates.add(area(index))
        elif column.metric is not None:
            (wholes if column.metric.is_count else decimals).add(area(index))
        elif column.key == SQUAD and unit is not None:
            _choices(sheet, [unit.name], area(index))
        elif column.key == SEGMENT and segments:
            _choices(sheet, [s.name for s in segments], area(index))


def _choices(sheet: Worksheet, names: list[str], cells: str) -> None:
    """A drop-down of names, where Excel can hold them in the rule (255 chars)."""
    listed = ",".join(name.replace('"', "") for name in names)
    if "," in "".join(names) or len(listed) > 250:
        return
    validation = DataValidation(
        type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=False
    )
    sheet.add_data_validation(validation)
    validation.add(cells)
