"""The campaign report workbook (工作情况统计表), in the layout superiors expect.

`report_data` reads what the workbook shows, in a fixed number of queries
whatever the number of units and days; `workbook_bytes` writes it with
xlsxwriter:

- 汇总 (summary), first: a title row merged across, 填报单位 and 填报日期,
  统计期间; a header of three rows: the leading columns 序号 and 单位 merged
  down all three, a group row (填报数据 over the tallied metrics, 系统统计
  over the linked counts), each metric's name, its unit of measure (块, 张,
  米…); one row per unit in the user's scope; 合计 (=SUM formulas), 目标
  and 完成率 (formulas, as percentages) where the campaign has targets.
- one sheet per unit: its days as rows (dates, yyyy-mm-dd; a row per road
  segment where the campaign has segments), the metrics with the same
  two-level header, a 合计 row of formulas.

Every sheet freezes its panes below the header and right of the label
columns and prints on A4 landscape, one page wide, the header rows repeated
on each page, the page number in the footer. Figures are numbers, dates are
dates; formulas carry their computed value for readers that do not
recalculate.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import pgettext
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from campaigns import linked, stats
from campaigns.models import Campaign, CampaignTarget, Metric, MetricKind, RoadSegment
from citymgmt import xlsx
from citymgmt.xlsx import (
    FORBIDDEN_IN_SHEET_NAMES,
    SheetNames,
    across,
    display_width,
    down,
    label_width,
    sum_formula,
)
from citymgmt.xlsx import cell as xl_rowcol_to_cell
from squads.models import Squad
from squads.roles import BUREAU_WIDE, User, member_for, role_of, squad_ids_in_scope

CONTEXT = "campaign report"

# Header rows of the summary (group, metric name, unit of measure) and of a
# unit's sheet (metric name, unit of measure), after three rows of title.
SUMMARY_HEADER = (3, 5)
UNIT_HEADER = (3, 4)


def label(text: str) -> str:
    return pgettext(CONTEXT, text)


# --- the reads --------------------------------------------------------------


@dataclass
class ReportData:
    """Everything the workbook shows, read before a cell is written."""

    campaign: Campaign
    start: dt.date
    end: dt.date
    today: dt.date
    reporting_unit: str
    metrics: list[Metric]
    targets: dict[int, Decimal | None]
    units: list[Squad]
    segments: dict[int, RoadSegment]
    unit_totals: dict[tuple[int, int], Decimal]
    daily: dict[stats.DayKey, Decimal]
    linked: list[linked.LinkedCount] = field(default_factory=list)
    linked_counts: dict[str, dict[int, int]] = field(default_factory=dict)

    @property
    def days(self) -> list[dt.date]:
        """The period's days up to today (a unit's sheet has no future rows)."""
        last = min(self.end, self.today)
        count = (last - self.start).days + 1
        return [self.start + dt.timedelta(days=n) for n in range(max(count, 0))]


def reporting_unit_name(*, user: User) -> str:
    """填报单位: the user's unit, or the bureau (the top unit) for bureau-wide roles."""
    member = member_for(user=user)
    if role_of(user=user) not in BUREAU_WIDE and member and member.squad:
        return member.squad.name
    top = (
        Squad.objects.filter(parent__isnull=True, is_active=True)
        .order_by("position", "code")
        .values_list("name", flat=True)
        .first()
    )
    return top or ""


def report_units(
    *,
    campaign: Campaign,
    scope: set[int] | None,
    with_figures: Iterable[int],
) -> list[Squad]:
    """The summary's rows: the units taking part, in the user's scope.

    The participating units and any unit with figures (a unit taken out of
    the campaign after it tallied still counts); the lead unit only when it
    takes part, has figures, or nothing else would be left.
    """
    taking_part = set(campaign.squads.values_list("pk", flat=True))
    ids = taking_part | set(with_figures)
    if not ids:
        ids = {campaign.lead_squad_id}
    if scope is not None:
        ids &= scope
        if not ids and campaign.lead_squad_id in scope:
            ids = {campaign.lead_squad_id}
    return list(Squad.objects.filter(pk__in=ids).order_by("position", "code"))


def report_data(
    *,
    campaign: Campaign,
    user: User,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> ReportData:
    """What the workbook of a campaign shows this user, in a fixed number of queries.

    The caller has looked the campaign up through `campaigns_visible_to`.
    """
    start = start or campaign.starts_on
    end = end or campaign.ends_on
    targets = list(
        CampaignTarget.objects.filter(campaign=campaign).select_related("metric")
    )
    unit_totals = stats.unit_metric_totals(
        campaign=campaign, user=user, start=start, end=end
    )
    units = report_units(
        campaign=campaign,
        scope=squad_ids_in_scope(user=user),
        with_figures={squad_id for squad_id, _metric in unit_totals},
    )
    unit_ids = [unit.pk for unit in units]
    daily = stats.daily_unit_totals(campaign=campaign, user=user, start=start, end=end)
    # The campaign's segments, and any a tally names that was taken out of it.
    tallied_segments = {key[2] for key in daily if key[2] is not None}
    segments = RoadSegment.objects.filter(
        Q(campaigns=campaign) | Q(pk__in=tallied_segments)
    ).distinct()
    return ReportData(
        campaign=campaign,
        start=start,
        end=end,
        today=today or timezone.localdate(),
        reporting_unit=reporting_unit_name(user=user),
        metrics=[target.metric for target in targets],
        targets={target.metric_id: target.target for target in targets},
        units=units,
        segments={segment.pk: segment for segment in segments},
        unit_totals=unit_totals,
        daily=daily,
        linked=list(linked.LINKED),
        linked_counts=linked.linked_counts(
            campaign=campaign, squad_ids=unit_ids, start=start, end=end
        ),
    )


# --- the workbook -----------------------------------------------------------


def number(value: Decimal | int | None) -> int | float | None:
    """A figure as Excel stores it: whole numbers as integers."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


class Styles:
    """The workbook's formats, made once."""

    def __init__(self, book: Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
        cell = {**base, "border": 1}
        self.title = book.add_format(
            {**base, "bold": True, "font_size": 16, "align": "center"}
        )
        self.meta = book.add_format({**base, "align": "left"})
        self.meta_right = book.add_format({**base, "align": "right"})
        self.header = book.add_format(
            {
                **cell,
                "bold": True,
                "align": "center",
                "text_wrap": True,
                "bg_color": "#D9E1F2",
            }
        )
        self.text = book.add_format({**cell, "align": "left"})
        self.center = book.add_format({**cell, "align": "center"})
        self.date = book.add_format(
            {**cell, "align": "center", "num_format": "yyyy-mm-dd"}
        )
        self.count = book.add_format({**cell, "num_format": "#,##0"})
        self.decimal = book.add_format({**cell, "num_format": "#,##0.00"})
        self.total_label = book.add_format({**cell, "bold": True, "align": "center"})
        self.total_count = book.add_format(
            {**cell, "bold": True, "num_format": "#,##0"}
        )
        self.total_decimal = book.add_format(
            {**cell, "bold": True, "num_format": "#,##0.00"}
        )
        self.percent = book.add_format({**cell, "bold": True, "num_format": "0.0%"})

    def figure(self, metric: Metric | None, *, total: bool = False) -> Any:
        counted = metric is None or metric.kind == MetricKind.COUNT
        if total:
            return self.total_count if counted else self.total_decimal
        return self.count if counted else self.decimal


def _figure_width(title: str) -> int:
    """A metric column's width: its name on one line, or on two when long."""
    width = display_width(title) + 2
    if width > 16:
        width = math.ceil(display_width(title) / 2) + 2
    return max(10, min(width, 16))


def print_setup(sheet: Worksheet, *, header: tuple[int, int], label_cols: int) -> None:
    xlsx.print_setup(
        sheet, header=header, label_cols=label_cols, footer=label("&CPage &P of &N")
    )


def _title_rows(
    sheet: Worksheet,
    styles: Styles,
    *,
    data: ReportData,
    unit_name: str,
    last_col: int,
) -> None:
    """Rows 1–3: the title, 填报单位 and 填报日期, 统计期间."""
    title = label("%(campaign)s Work Statistics") % {"campaign": data.campaign.name}
    across(sheet, 0, 0, last_col, title, styles.title)
    sheet.set_row(0, 30)
    middle = max(1, (last_col + 1) // 2)
    across(
        sheet,
        1,
        0,
        middle - 1,
        label("Reporting unit: %(unit)s") % {"unit": unit_name},
        styles.meta,
    )
    across(
        sheet,
        1,
        middle,
        last_col,
        label("Reporting date: %(date)s") % {"date": data.today.isoformat()},
        styles.meta_right,
    )
    across(
        sheet,
        2,
        0,
        last_col,
        label("Period: %(start)s to %(end)s")
        % {"start": data.start.isoformat(), "end": data.end.isoformat()},
        styles.meta,
    )


def _summary(sheet: Worksheet, styles: Styles, data: ReportData) -> None:
    metrics, counters = data.metrics, data.linked
    first_fig = 2
    linked_col = first_fig + len(metrics)
    last_col = max(linked_col + len(counters) - 1, 1)
    _title_rows(
        sheet, styles, data=data, unit_name=data.reporting_unit, last_col=last_col
    )
    top, bottom = SUMMARY_HEADER
    down(sheet, 0, top, bottom, label("No."), styles.header)
    down(sheet, 1, top, bottom, label("Unit"), styles.header)
    if metrics:
        across(sheet, top, first_fig, linked_col - 1, label("Reported"), styles.header)
    if counters:
        across(
            sheet,
            top,
            linked_col,
            linked_col + len(counters) - 1,
            label("From the system"),
            styles.header,
        )
    for offset, metric in enumerate(metrics):
        col = first_fig + offset
        sheet.write(top + 1, col, metric.name_zh, styles.header)
        sheet.write(top + 2, col, metric.unit, styles.header)
        sheet.set_column(col, col, _figure_width(metric.name_zh))
    for offset, counter in enumerate(counters):
        col = linked_col + offset
        name = str(counter.label)
        sheet.write(top + 1, col, name, styles.header)
        sheet.write(top + 2, col, counter.unit, styles.header)
        sheet.set_column(col, col, _figure_width(name))
    sheet.set_row(top + 1, 36)
    sheet.set_column(0, 0, 6)
    sheet.set_column(
        1, 1, label_width([u.name for u in data.units] + ["单位"], least=14)
    )

    first_row = bottom + 1
    for index, unit in enumerate(data.units):
        row = first_row + index
        sheet.write_number(row, 0, index + 1, styles.center)
        sheet.write_string(row, 1, unit.name, styles.text)
        for offset, metric in enumerate(metrics):
            value = data.unit_totals.get((unit.pk, metric.pk), Decimal(0))
            sheet.write_number(
                row, first_fig + offset, number(value) or 0, styles.figure(metric)
            )
        for offset, counter in enumerate(counters):
            count = data.linked_counts.get(counter.code, {}).get(unit.pk, 0)
            sheet.write_number(row, linked_col + offset, count, styles.count)

    last_row = first_row + len(data.units) - 1
    total_row = first_row + len(data.units)
    across(sheet, total_row, 0, 1, label("Total"), styles.total_label)
    totals: dict[int, Decimal] = {}
    for offset, metric in enumerate(metrics):
        col = first_fig + offset
        totals[metric.pk] = sum(
            (data.unit_totals.get((u.pk, metric.pk), Decimal(0)) for u in data.units),
            Decimal(0),
        )
        _total_cell(
            sheet,
            total_row,
            col,
            first_row,
            last_row,
            number(totals[metric.pk]) or 0,
            styles.figure(metric, total=True),
        )
    for offset, counter in enumerate(counters):
        counts = data.linked_counts.get(counter.code, {})
        _total_cell(
            sheet,
            total_row,
            linked_col + offset,
            first_row,
            last_row,
            sum(counts.get(u.pk, 0) for u in data.units),
            styles.total_count,
        )

    if not any(target is not None for target in data.targets.values()):
        print_setup(sheet, header=SUMMARY_HEADER, label_cols=2)
        return
    target_row, rate_row = total_row + 1, total_row + 2
    across(sheet, target_row, 0, 1, label("Target"), styles.total_label)
    across(sheet, rate_row, 0, 1, label("Completion rate"), styles.total_label)
    for offset, metric in enumerate(metrics):
        col = first_fig + offset
        target = data.targets.get(metric.pk)
        if target is None:
            sheet.write_blank(target_row, col, None, styles.text)
            sheet.write_blank(rate_row, col, None, styles.text)
            continue
        sheet.write_number(
            target_row, col, number(target) or 0, styles.figure(metric, total=True)
        )
        if target > 0:
            done = xl_rowcol_to_cell(total_row, col)
            goal = xl_rowcol_to_cell(target_row, col)
            sheet.write_formula(
                rate_row,
                col,
                f"={done}/{goal}",
                styles.percent,
                float(totals[metric.pk] / target),
            )
        else:
            sheet.write_blank(rate_row, col, None, styles.text)
    for offset in range(len(counters)):
        sheet.write_blank(target_row, linked_col + offset, None, styles.text)
        sheet.write_blank(rate_row, linked_col + offset, None, styles.text)
    print_setup(sheet, header=SUMMARY_HEADER, label_cols=2)


def _total_cell(
    sheet: Worksheet,
    row: int,
    col: int,
    first_row: int,
    last_row: int,
    value: int | float,
    fmt: Any,
) -> None:
    """=SUM over the rows above, with its value; a plain 0 with no rows."""
    if last_row < first_row:
        sheet.write_number(row, col, 0, fmt)
    else:
        sheet.write_formula(row, col, sum_formula(col, first_row, last_row), fmt, value)


def _unit_rows(
    data: ReportData, unit: Squad
) -> list[tuple[dt.date, int | None, dict[int, Decimal]]]:
    """(day, road segment id, {metric_id: figure}) for each row of a unit's sheet.

    Every day of the period up to today; a day with figures on several road
    segments has a row for each; a day without figures an empty row.
    """
    by_day: dict[dt.date, dict[int | None, dict[int, Decimal]]] = {}
    for (squad_id, day, segment_id, metric_id), total in data.daily.items():
        if squad_id == unit.pk:
            by_day.setdefault(day, {}).setdefault(segment_id, {})[metric_id] = total

    def segment_order(segment_id: int | None) -> tuple[int, str]:
        if segment_id is None:
            return (0, "")
        segment = data.segments.get(segment_id)
        return (1, segment.name if segment else "")

    rows: list[tuple[dt.date, int | None, dict[int, Decimal]]] = []
    for day in data.days:
        segments = by_day.get(day)
        if not segments:
            rows.append((day, None, {}))
            continue
        for segment_id in sorted(segments, key=segment_order):
            rows.append((day, segment_id, segments[segment_id]))
    return rows


def _unit_sheet(
    sheet: Worksheet, styles: Styles, data: ReportData, unit: Squad
) -> None:
    metrics = data.metrics
    with_segments = bool(data.segments)
    label_cols = 2 if with_segments else 1
    last_col = max(label_cols + len(metrics) - 1, label_cols)
    _title_rows(sheet, styles, data=data, unit_name=unit.name, last_col=last_col)
    top, bottom = UNIT_HEADER
    down(sheet, 0, top, bottom, label("Date"), styles.header)
    sheet.set_column(0, 0, 12)
    if with_segments:
        down(sheet, 1, top, bottom, label("Road segment"), styles.header)
        sheet.set_column(
            1,
            1,
            label_width([s.name for s in data.segments.values()], least=12, most=24),
        )
    for offset, metric in enumerate(metrics):
        col = label_cols + offset
        sheet.write(top, col, metric.name_zh, styles.header)
        sheet.write(bottom, col, metric.unit, styles.header)
        sheet.set_column(col, col, _figure_width(metric.name_zh))
    sheet.set_row(top, 36)

    rows = _unit_rows(data, unit)
    first_row = bottom + 1
    for index, (day, segment_id, figures) in enumerate(rows):
        row = first_row + index
        sheet.write_datetime(row, 0, dt.datetime.combine(day, dt.time.min), styles.date)
        if with_segments:
            segment = data.segments.get(segment_id) if segment_id else None
            sheet.write_string(row, 1, segment.name if segment else "", styles.text)
        for offset, metric in enumerate(metrics):
            col = label_cols + offset
            value = figures.get(metric.pk)
            if value is None:
                sheet.write_blank(row, col, None, styles.figure(metric))
            else:
                sheet.write_number(row, col, number(value) or 0, styles.figure(metric))

    last_row = first_row + len(rows) - 1
    total_row = first_row + len(rows)
    across(sheet, total_row, 0, label_cols - 1, label("Total"), styles.total_label)
    for offset, metric in enumerate(metrics):
        total = data.unit_totals.get((unit.pk, metric.pk), Decimal(0))
        _total_cell(
            sheet,
            total_row,
            label_cols + offset,
            first_row,
            last_row,
            number(total) or 0,
            styles.figure(metric, total=True),
        )
    print_setup(sheet, header=UNIT_HEADER, label_cols=label_cols)


def workbook_bytes(data: ReportData) -> bytes:
    """The report as an .xlsx file: 汇总 first, then a sheet per unit."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties(
        {
            "title": label("%(campaign)s Work Statistics")
            % {"campaign": data.campaign.name}
        }
    )
    styles = Styles(book)
    names = SheetNames()
    _summary(book.add_worksheet(names.take(label("Summary"))), styles, data)
    for unit in data.units:
        _unit_sheet(book.add_worksheet(names.take(unit.name)), styles, data, unit)
    book.close()
    return buffer.getvalue()


def report_filename(data: ReportData) -> str:
    title = label("%(campaign)s Work Statistics") % {"campaign": data.campaign.name}
    name = f"{title}_{data.start.isoformat()}_{data.end.isoformat()}.xlsx"
    return FORBIDDEN_IN_SHEET_NAMES.sub("", name).replace(" ", "")
