"""The monthly KPI workbook (城市管理数字化指标月报), in the layout of a report upward.

`monthly_data` reads what the workbook shows through the KPI selectors
(`dashboard.kpis`), in a fixed number of queries whatever the number of
units; `workbook_bytes` writes it with xlsxwriter and the shared layout
pieces of `citymgmt.xlsx`:

- 指标汇总 (first): the title "<bureau> 城市管理数字化指标月报 2026年11月"
  merged across, 填报单位 and 填报日期, 统计期间; a two-level header (序号
  and 单位 merged down, the groups 处置 · 结案 · 满意 · 平均时长 · 721 占比
  merged across over each indicator's name); a row per unit in the user's
  scope (and one for the cases not yet dispatched to a unit); 合计/全局: the
  counts as =SUM formulas, 按期处置率 as the summed 按期处置数 over the summed
  应处置数, the other rates and hours the scope's own figures (their
  numerators are not columns of the sheet).
- one sheet per unit: its categories × the same indicators, and its totals.

Rates are numbers formatted 0.0 %, hours numbers with two decimals; a rate
with nothing to divide by is an empty cell. Every sheet freezes below the
header and right of the labels and prints A4 landscape, one page wide.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from campaigns.report import reporting_unit_name
from citymgmt import xlsx
from citymgmt.errors import InvalidInput
from dashboard import kpis
from dashboard.periods import Period, PeriodKind
from squads.models import Squad
from squads.roles import User, squad_ids_in_scope

CONTEXT = "monthly workbook"
FIRST_MONTH = dt.date(2000, 1, 1)
# The header's two rows, after three rows of title.
HEADER = (3, 4)
LABEL_COLS = 2


def label(text: str) -> str:
    return pgettext(CONTEXT, text)


@dataclass(frozen=True)
class Column:
    key: str  # an indicator of kpis.INDICATORS
    group: str  # the header's upper row (English msgid, CONTEXT)


COLUMNS = [
    Column("to_dispose", "Disposal"),
    Column("disposed", "Disposal"),
    Column("disposed_on_time", "Disposal"),
    Column("on_time_disposal_rate", "Disposal"),
    Column("late_disposal_rate", "Disposal"),
    Column("extension_rate", "Disposal"),
    Column("closure_rate", "Closure"),
    Column("on_time_closure_rate", "Closure"),
    Column("rework_rate", "Closure"),
    Column("satisfaction_rate", "Satisfaction"),
    Column("accept_hours_avg", "Average working hours"),
    Column("dispose_hours_avg", "Average working hours"),
    Column("method_service_share", "721 shares"),
    Column("method_management_share", "721 shares"),
    Column("method_enforcement_share", "721 shares"),
]
KINDS = {indicator.key: indicator.kind for indicator in kpis.INDICATORS}
# A total that is a formula of two count columns: (numerator, denominator).
RATIO_FORMULAS = {"on_time_disposal_rate": ("disposed_on_time", "to_dispose")}


def month_period(value: str, *, today: dt.date | None = None) -> Period:
    """The month "YYYY-MM" as a period; a refusal a person can act on."""
    today = today or timezone.localdate()
    try:
        year, month = (int(part) for part in value.strip().split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        raise InvalidInput(
            _("Give the month as year-month, for example 2026-11."), field="month"
        ) from None
    if not FIRST_MONTH <= first <= today:
        raise InvalidInput(
            _("Choose a month from 2000-01 to this month."), field="month"
        )
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return Period(PeriodKind.CUSTOM, first, min(last, today))


def recent_months(*, today: dt.date | None = None, count: int = 12) -> list[dt.date]:
    """The first day of this month and of the count - 1 months before, newest first."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1
    return [dt.date((index - n) // 12, (index - n) % 12 + 1, 1) for n in range(count)]


# --- the reads --------------------------------------------------------------


@dataclass
class UnitRow:
    unit: Squad | None  # None: the cases not yet dispatched to a unit
    values: kpis.Values
    categories: list[kpis.Row]


@dataclass
class MonthlyData:
    month: dt.date
    period: Period
    today: dt.date
    bureau: str
    reporting_unit: str
    rows: list[UnitRow]
    total: kpis.Values


def monthly_data(
    *, user: User, period: Period, today: dt.date | None = None
) -> MonthlyData:
    """What the month's workbook shows this user: a fixed number of queries.

    The units are the active units in the user's scope below the bureau and
    any unit with cases in the month, in display order; the figures are
    `kpis.grouped(by="unit")`, `kpis.unit_categories` and `kpis.totals`.
    """
    scope = kpis.scope_for(user=user)
    grouped, _source = kpis.grouped(scope=scope, period=period, by="unit")
    by_code = {row.key["code"]: row for row in grouped}
    per_unit = kpis.unit_categories(scope=scope, period=period)
    visible = squad_ids_in_scope(user=user)
    squads = list(
        Squad.objects.only("id", "code", "name", "parent_id", "is_active", "position")
    )
    top = [s for s in squads if s.parent_id is None]
    units = [
        s
        for s in squads
        if s.code in by_code
        or (
            s.is_active
            and s.parent_id is not None
            and (visible is None or s.pk in visible)
        )
    ]
    units.sort(key=lambda s: (s.position, s.code))
    rows = [
        UnitRow(
            unit=unit,
            values=by_code[unit.code].values
            if unit.code in by_code
            else kpis.empty_values(),
            categories=per_unit.get(unit.pk, []),
        )
        for unit in units
    ]
    if None in by_code:
        rows.append(UnitRow(None, by_code[None].values, per_unit.get(None, [])))
    totals = kpis.totals(scope=scope, period=period)
    top.sort(key=lambda s: (s.position, s.code))
    return MonthlyData(
        month=period.start,
        period=period,
        today=today or timezone.localdate(),
        bureau=top[0].name if top else "",
        reporting_unit=reporting_unit_name(user=user),
        rows=rows,
        total=totals.values,
    )


# --- the workbook -----------------------------------------------------------


class Styles:
    def __init__(self, book: Workbook) -> None:
        base = xlsx.BASE_FORMAT
        cell = {**base, "border": 1}
        bold = {**cell, "bold": True}
        self.title = book.add_format(
            {**base, "bold": True, "font_size": 16, "align": "center"}
        )
        self.meta = book.add_format({**base, "align": "left"})
        self.meta_right = book.add_format({**base, "align": "right"})
        self.header = book.add_format(xlsx.HEADER_FORMAT)
        self.text = book.add_format({**cell, "align": "left"})
        self.center = book.add_format({**cell, "align": "center"})
        self.total_label = book.add_format({**bold, "align": "center"})
        self.figures = {
            False: {
                "count": book.add_format({**cell, "num_format": "#,##0"}),
                "rate": book.add_format({**cell, "num_format": "0.0%"}),
                "hours": book.add_format({**cell, "num_format": "0.00"}),
            },
            True: {
                "count": book.add_format({**bold, "num_format": "#,##0"}),
                "rate": book.add_format({**bold, "num_format": "0.0%"}),
                "hours": book.add_format({**bold, "num_format": "0.00"}),
            },
        }

    def figure(self, key: str, *, total: bool = False) -> Any:
        return self.figures[total][KINDS[key]]


def title(data: MonthlyData) -> str:
    return label("%(bureau)s Digital City Management Indicators, %(month)s") % {
        "bureau": data.bureau,
        "month": label("%(year)d-%(month)02d")
        % {"year": data.month.year, "month": data.month.month},
    }


def _title_rows(
    sheet: Worksheet, styles: Styles, data: MonthlyData, unit_name: str, last: int
) -> None:
    xlsx.across(sheet, 0, 0, last, title(data), styles.title)
    sheet.set_row(0, 30)
    middle = max(1, (last + 1) // 2)
    xlsx.across(
        sheet,
        1,
        0,
        middle - 1,
        label("Reporting unit: %(unit)s") % {"unit": unit_name},
        styles.meta,
    )
    xlsx.across(
        sheet,
        1,
        middle,
        last,
        label("Reporting date: %(date)s") % {"date": data.today.isoformat()},
        styles.meta_right,
    )
    xlsx.across(
        sheet,
        2,
        0,
        last,
        label("Period: %(start)s to %(end)s")
        % {
            "start": data.period.start.isoformat(),
            "end": data.period.end.isoformat(),
        },
        styles.meta,
    )


def _header(sheet: Worksheet, styles: Styles, row_label: str, rows: list[str]) -> None:
    top, bottom = HEADER
    xlsx.down(sheet, 0, top, bottom, label("No."), styles.header)
    xlsx.down(sheet, 1, top, bottom, row_label, styles.header)
    names = {indicator.key: str(indicator.label) for indicator in kpis.INDICATORS}
    start = 0
    while start < len(COLUMNS):
        end = start
        while end + 1 < len(COLUMNS) and COLUMNS[end + 1].group == COLUMNS[start].group:
            end += 1
        xlsx.across(
            sheet,
            top,
            LABEL_COLS + start,
            LABEL_COLS + end,
            label(COLUMNS[start].group),
            styles.header,
        )
        start = end + 1
    for offset, column in enumerate(COLUMNS):
        name = names[column.key]
        sheet.write(bottom, LABEL_COLS + offset, name, styles.header)
        width = xlsx.display_width(name) // 2 + 2
        sheet.set_column(LABEL_COLS + offset, LABEL_COLS + offset, max(9, width))
    sheet.set_row(bottom, 36)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, xlsx.label_width([*rows, row_label], least=14))


def _value_cell(
    sheet: Worksheet, row: int, col: int, key: str, value: Any, fmt: Any
) -> None:
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def _table(
    sheet: Worksheet,
    styles: Styles,
    rows: list[tuple[str, kpis.Values]],
    total: kpis.Values,
    total_label: str,
) -> None:
    """The rows under the header, then the total row of formulas and figures."""
    first = HEADER[1] + 1
    for index, (name, values) in enumerate(rows):
        row = first + index
        sheet.write_number(row, 0, index + 1, styles.center)
        sheet.write_string(row, 1, name, styles.text)
        for offset, column in enumerate(COLUMNS):
            _value_cell(
                sheet,
                row,
                LABEL_COLS + offset,
                column.key,
                values.get(column.key),
                styles.figure(column.key),
            )
    last = first + len(rows) - 1
    total_row = first + len(rows)
    xlsx.across(sheet, total_row, 0, 1, total_label, styles.total_label)
    cols = {column.key: LABEL_COLS + n for n, column in enumerate(COLUMNS)}
    for column in COLUMNS:
        col, key = cols[column.key], column.key
        fmt = styles.figure(key, total=True)
        value = total.get(key)
        if KINDS[key] == "count" and rows:
            sheet.write_formula(
                total_row, col, xlsx.sum_formula(col, first, last), fmt, value or 0
            )
        elif key in RATIO_FORMULAS and rows:
            part, whole = (
                xlsx.cell(total_row, cols[name]) for name in RATIO_FORMULAS[key]
            )
            sheet.write_formula(
                total_row,
                col,
                f'=IF({whole}=0,"",{part}/{whole})',
                fmt,
                "" if value is None else value,
            )
        else:
            _value_cell(sheet, total_row, col, key, value, fmt)


def _footer() -> str:
    return label("&CPage &P of &N")


def _last_col() -> int:
    return LABEL_COLS + len(COLUMNS) - 1


def unit_name(row: UnitRow) -> str:
    return row.unit.name if row.unit else label("Not yet dispatched to a unit")


def _summary(sheet: Worksheet, styles: Styles, data: MonthlyData) -> None:
    _title_rows(sheet, styles, data, data.reporting_unit, _last_col())
    names = [unit_name(row) for row in data.rows]
    _header(sheet, styles, label("Unit"), names)
    _table(
        sheet,
        styles,
        [(unit_name(row), row.values) for row in data.rows],
        data.total,
        label("Total / bureau-wide"),
    )
    xlsx.print_setup(sheet, header=HEADER, label_cols=LABEL_COLS, footer=_footer())


def _unit_sheet(
    sheet: Worksheet, styles: Styles, data: MonthlyData, row: UnitRow
) -> None:
    _title_rows(sheet, styles, data, unit_name(row), _last_col())
    names = [str(category.key["name"]) for category in row.categories]
    _header(sheet, styles, label("Category"), names)
    _table(
        sheet,
        styles,
        [(str(c.key["name"]), c.values) for c in row.categories],
        row.values,
        label("Total"),
    )
    xlsx.print_setup(sheet, header=HEADER, label_cols=LABEL_COLS, footer=_footer())


def workbook_bytes(data: MonthlyData) -> bytes:
    """The month's workbook: 指标汇总 first, then a sheet per unit."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": title(data)})
    styles = Styles(book)
    names = xlsx.SheetNames()
    _summary(book.add_worksheet(names.take(label("Indicator summary"))), styles, data)
    for row in data.rows:
        _unit_sheet(book.add_worksheet(names.take(unit_name(row))), styles, data, row)
    book.close()
    return buffer.getvalue()


def filename(data: MonthlyData) -> str:
    name = label("Digital City Management Indicators %(month)s.xlsx") % {
        "month": f"{data.month:%Y-%m}"
    }
    return xlsx.FORBIDDEN_IN_SHEET_NAMES.sub("", name).replace(" ", "_")
