"""Reading an uploaded tally file: an Excel workbook (.xlsx) or a CSV file.

A workbook is read with python-calamine (a Rust reader, many times faster
than openpyxl on 10,000 rows); a CSV file must be UTF-8, with or without
the BOM Excel writes. Whatever cannot be read is refused with
`InvalidInput` (field "file") and a message saying what to do; nothing here
raises anything else.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from citymgmt.errors import InvalidInput

XLSX = "xlsx"
CSV = "csv"
ZIP_MAGIC = b"PK\x03\x04"
# An old .xls workbook, or any workbook saved with a password (both are OLE files).
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# A workbook this much larger unpacked than the upload limit is refused unread.
UNPACKED_FACTOR = 20
# Rows a sheet may have above its data (a title, the period, the header).
ROWS_ABOVE = 10

Cell = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@dataclass
class Sheet:
    name: str
    # Rows from the sheet's first row and first column: rows[i] is row i + 1.
    rows: list[list[Cell]]


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, field="file")


def kind_of(head: bytes, name: str) -> str:
    """XLSX or CSV, from the first bytes (the name only tells CSV from other text)."""
    if not head:
        raise _refuse(_("The file is empty."))
    if head.startswith(ZIP_MAGIC):
        return XLSX
    if head.startswith(OLE_MAGIC):
        raise _refuse(
            _(
                "This is an old Excel workbook (.xls) or one protected by a "
                "password: open it in Excel and save it as an .xlsx workbook "
                "without a password."
            )
        )
    if name.lower().endswith((".csv", ".txt")) and b"\x00" not in head:
        return CSV
    raise _refuse(
        _("Upload an Excel workbook (.xlsx) or a CSV file; this file is neither.")
    )


def _too_many_rows() -> InvalidInput:
    return _refuse(
        _(
            "The file has more than %(limit)s rows; split it into files of "
            "at most %(limit)s rows."
        )
        % {"limit": f"{settings.TALLY_IMPORT_MAX_ROWS:,}"}
    )


def read(path: Path, *, name: str) -> list[Sheet]:
    """The sheets of an uploaded file, each with its rows."""
    with path.open("rb") as handle:
        head = handle.read(8)
    kind = kind_of(head, name)
    return _read_xlsx(path) if kind == XLSX else _read_csv(path)


def _unreadable() -> InvalidInput:
    return _refuse(
        _(
            "The workbook cannot be read: it is damaged or not an Excel "
            "workbook. Open it in Excel, save it as .xlsx and upload it again."
        )
    )


def _read_xlsx(path: Path) -> list[Sheet]:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable() from None
    if "xl/workbook.xml" not in names:
        raise _unreadable()
    if unpacked > settings.TALLY_IMPORT_MAX_BYTES * UNPACKED_FACTOR:
        raise _too_many_rows()
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine's errors share no base class
        raise _unreadable() from None
    sheets: list[Sheet] = []
    total = 0
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            # The sheet's extent is known before its cells are turned into
            # Python values: refuse a long one before that.
            total += max(sheet.height - ROWS_ABOVE, 0)
            if total > settings.TALLY_IMPORT_MAX_ROWS:
                raise _too_many_rows()
            rows = sheet.to_python(skip_empty_area=False)
            sheets.append(Sheet(meta.name, [list(row) for row in rows]))
    except InvalidInput:
        raise
    except Exception:  # a damaged sheet, whatever calamine calls it
        raise _unreadable() from None
    finally:
        workbook.close()
    return sheets


def _read_csv(path: Path) -> list[Sheet]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(
            _(
                "The CSV file is not in UTF-8. In Excel choose “Save as” → "
                "“CSV UTF-8 (comma delimited)”, or upload the .xlsx workbook."
            )
        ) from None
    if "\x00" in text:
        raise _refuse(
            _("Upload an Excel workbook (.xlsx) or a CSV file; this file is neither.")
        )
    rows: list[list[Any]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(list(row))
            if len(rows) > settings.TALLY_IMPORT_MAX_ROWS + ROWS_ABOVE:
                raise _too_many_rows()
    except csv.Error:
        raise _refuse(
            _("The CSV file cannot be read: check its quotes and commas.")
        ) from None
    return [Sheet("", rows)]
