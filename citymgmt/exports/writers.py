"""Write rows of cells to an xlsx or CSV file, a row at a time, in bounded memory.

xlsx: xlsxwriter in constant_memory mode (each row goes to a temporary file
once the next one starts); strings are always written as strings (a cell a
citizen typed as "=…" is text, never a formula), numbers as numbers, dates
and datetimes as Excel dates (the resources give local times). The header
row is bold and frozen, with a filter; column widths follow the header and
the first rows, counting a Chinese character as two.

The rows themselves are serialised by `StreamedWorksheet.append_row` (see
why there).

CSV: UTF-8 with a byte order mark, so Excel reads Chinese correctly; a text
cell that starts like a formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import xlsxwriter
from xlsxwriter.utility import _datetime_to_excel_datetime, xl_col_to_name
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import XMLwriter

# Excel's last row is 1,048,576: one is the header.
XLSX_MAX_ROWS = 1_048_575
# Rows read to size the columns; later rows do not widen them.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 6, 60
DATETIME_WIDTH, DATE_WIDTH = 17, 11
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SheetWriter(Protocol):
    def write(self, cells: Sequence[Any]) -> None: ...

    def close(self) -> None: ...


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a wide (CJK) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_name(title: str) -> str:
    """A worksheet name Excel accepts: 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip("' ")
    return (cleaned or "Sheet1")[:31]


class StreamedWorksheet(Worksheet):
    """xlsxwriter's worksheet, plus rows handed over as finished XML.

    Writing cell by cell through xlsxwriter's API cost about 10 µs a cell
    here (a decorator, a dimension check, a tuple and three regular
    expressions per string): 18 of the 37 s of 100,000 complaints. In
    constant_memory mode a row goes to the sheet's temporary file as XML
    anyway; `append_row` writes that XML itself, in the form xlsxwriter
    writes it (inline strings, numbers, style indexes), and keeps the
    dimensions and the row cursor as xlsxwriter's own writes do, so the
    rest (header, widths, frozen pane, filter, package) is xlsxwriter's.
    """

    def append_row(self, row: int, last_col: int, cells: str) -> None:
        if self._check_dimensions(row, last_col):
            raise OverflowError("more rows than an Excel sheet holds")
        if self.table:
            # A row written through the API (the header) is still pending.
            self._write_single_row(row)
        self.previous_row = row
        self.fh.write(f'<row r="{row + 1}">{cells}</row>')


# Excel's day 0 for every date after 1900-02-28 (its 1900 leap-year bug).
EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 - a spreadsheet's time has no zone
# Text that needs more than wrapping: markup characters, control characters
# (and Excel's own _xHHHH_ escapes), whitespace at either end.
NEEDS_CARE = re.compile(
    r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$"
)
NEEDS_CONTROL_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
# Excel's longest cell text, in UTF-16 units.
MAX_CELL_TEXT = 32767


def xml_text(text: str) -> str:
    """A cell's text as the <t> element of an inline string."""
    if len(text) <= MAX_CELL_TEXT // 2 and NEEDS_CARE.search(text) is None:
        return f"<t>{text}</t>"
    if len(text) > MAX_CELL_TEXT // 2 and len(text.encode("utf-16-le")) > 2 * (
        MAX_CELL_TEXT
    ):
        text = text.encode("utf-16-le")[: 2 * MAX_CELL_TEXT].decode(
            "utf-16-le", errors="ignore"
        )
    if NEEDS_CONTROL_ESCAPE.search(text):
        text = XMLwriter._escape_control_characters(text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if text[:1].isspace() or text[-1:].isspace():
        return f'<t xml:space="preserve">{text}</t>'
    return f"<t>{text}</t>"


def excel_serial(moment: datetime | date) -> float:
    """A local date or time as Excel's serial number (days since its epoch)."""
    at = moment if isinstance(moment, datetime) else datetime.combine(moment, time())
    if at.year < 1901:
        return _datetime_to_excel_datetime(at, False, True)
    delta = at.replace(tzinfo=None) - EXCEL_EPOCH
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400


class XlsxSheet:
    """One worksheet: a bold frozen header, then rows in order."""

    def __init__(self, path: Path, *, title: str, headers: Sequence[str]) -> None:
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "tmpdir": str(path.parent),
            },
        )
        self.sheet: StreamedWorksheet = self.workbook.add_worksheet(
            sheet_name(title), worksheet_class=StreamedWorksheet
        )
        header = self.workbook.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "valign": "vcenter",
                "text_wrap": True,
            }
        )
        datetime_format = self.workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        date_format = self.workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.columns = len(headers)
        self.letters = [xl_col_to_name(col) for col in range(self.columns)]
        self.widths = [display_width(str(h)) + 2 for h in headers]
        for col, text in enumerate(headers):
            self.sheet.write_string(0, col, str(text), header)
        self.sheet.freeze_panes(1, 0)
        # The style indexes the cells carry (as xlsxwriter gives them out).
        self.datetime_style = datetime_format._get_xf_index()
        self.date_style = date_format._get_xf_index()
        self.row = 0

    def write(self, cells: Sequence[Any]) -> None:
        self.row += 1
        number = self.row + 1
        letters = self.letters
        sample = self.row <= WIDTH_SAMPLE_ROWS
        parts: list[str] = []
        for col, value in enumerate(cells):
            if value is None or value == "":
                continue
            ref = f"{letters[col]}{number}"
            kind = type(value)
            if kind is str:
                parts.append(
                    f'<c r="{ref}" t="inlineStr"><is>{xml_text(value)}</is></c>'
                )
                if sample:
                    self._widen(col, display_width(value))
            elif kind is int:
                parts.append(f'<c r="{ref}"><v>{value}</v></c>')
                if sample:
                    self._widen(col, len(str(value)))
            elif kind is float or kind is Decimal:
                parts.append(f'<c r="{ref}"><v>{float(value):.16G}</v></c>')
                if sample:
                    self._widen(col, len(str(value)))
            elif kind is datetime:
                serial = excel_serial(value)
                parts.append(
                    f'<c r="{ref}" s="{self.datetime_style}"><v>{serial:.16G}</v></c>'
                )
                if sample:
                    self._widen(col, DATETIME_WIDTH)
            elif kind is date:
                serial = excel_serial(value)
                parts.append(
                    f'<c r="{ref}" s="{self.date_style}"><v>{serial:.16G}</v></c>'
                )
                if sample:
                    self._widen(col, DATE_WIDTH)
            elif kind is bool:
                parts.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            else:
                text = str(value)
                parts.append(
                    f'<c r="{ref}" t="inlineStr"><is>{xml_text(text)}</is></c>'
                )
                if sample:
                    self._widen(col, display_width(text))
        self.sheet.append_row(self.row, self.columns - 1, "".join(parts))

    def _widen(self, col: int, width: int) -> None:
        if width + 2 > self.widths[col]:
            self.widths[col] = width + 2

    def close(self) -> None:
        for col, width in enumerate(self.widths):
            self.sheet.set_column(col, col, max(MIN_WIDTH, min(MAX_WIDTH, width)))
        if self.columns:
            self.sheet.autofilter(0, 0, max(self.row, 1), self.columns - 1)
        self.workbook.close()


class CsvSheet:
    """A CSV file with a byte order mark, one line per row."""

    def __init__(self, path: Path, *, title: str, headers: Sequence[str]) -> None:
        self.handle = path.open("w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow([str(h) for h in headers])

    def write(self, cells: Sequence[Any]) -> None:
        self.writer.writerow([csv_text(value) for value in cells])

    def close(self) -> None:
        self.handle.close()


def csv_text(value: Any) -> Any:
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if kind is datetime:
        return value.isoformat(sep=" ", timespec="seconds")
    if kind is date:
        return value.isoformat()
    if kind is bool:
        return "TRUE" if value else "FALSE"
    return value


def open_sheet(
    format: str, path: Path, *, title: str, headers: Sequence[str]
) -> SheetWriter:
    if format == "xlsx":
        return XlsxSheet(path, title=title, headers=headers)
    return CsvSheet(path, title=title, headers=headers)
