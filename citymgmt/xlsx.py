"""What the report workbooks share: sheet names, widths, merged cells, print setup.

The campaigns' report (`campaigns.report`) and the dashboard's monthly KPI
workbook (`dashboard.monthly`) are laid out as reports to a superior are:
a title merged across, 填报单位 and 填报日期, a period, a header of two or
three rows, totals as formulas, frozen panes, A4 landscape. These helpers
write those pieces with xlsxwriter; each workbook keeps its own texts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
# The base of every cell's format: the font Chinese official forms use.
BASE_FORMAT = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
HEADER_FORMAT = {
    **BASE_FORMAT,
    "border": 1,
    "bold": True,
    "align": "center",
    "text_wrap": True,
    "bg_color": "#D9E1F2",
}


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def label_width(texts: Iterable[str], *, least: int, most: int = 32) -> int:
    """A label column wide enough for its longest text, within least..most."""
    return max(least, min(max((display_width(t) for t in texts), default=0) + 2, most))


class SheetNames:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\, unique."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, wanted: str) -> str:
        base = FORBIDDEN_IN_SHEET_NAMES.sub("", wanted).strip().strip("'")
        base = base[:31] or "Sheet"
        name, n = base, 2
        # Excel compares names without case and reserves "History".
        while name.casefold() in self.used or name.casefold() == "history":
            suffix = f"({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        self.used.add(name.casefold())
        return name


def across(
    sheet: Worksheet, row: int, first: int, last: int, value: Any, fmt: Any
) -> None:
    """A value over columns first..last of a row (merged when wider than one)."""
    if last > first:
        sheet.merge_range(row, first, row, last, value, fmt)
    else:
        sheet.write(row, first, value, fmt)


def down(
    sheet: Worksheet, col: int, first: int, last: int, value: Any, fmt: Any
) -> None:
    """A value over rows first..last of a column (merged when taller than one)."""
    if last > first:
        sheet.merge_range(first, col, last, col, value, fmt)
    else:
        sheet.write(first, col, value, fmt)


def print_setup(
    sheet: Worksheet, *, header: tuple[int, int], label_cols: int, footer: str
) -> None:
    """Frozen below the header and right of the labels; A4 landscape, one page wide."""
    sheet.freeze_panes(header[1] + 1, label_cols)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(header[0], header[1])
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.set_footer(footer)


def sum_formula(col: int, first: int, last: int) -> str:
    """=SUM of a column's rows first..last (0-based)."""
    return f"=SUM({xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(last, col)})"


def cell(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col)
