"""The columns of a campaign's tally sheet: the template writes them, the import
reads them.

The headers are the bureau's own (日期 | 单位 | 包靠路段 | one per metric with
its unit, "拆除违规广告牌（块）" | 备注) whatever the language of the page: they
are the file's layout, which superiors and clerks share. The import also
takes the English names and a metric's name without its unit, with
full-width or ASCII brackets, in any order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from campaigns.models import Metric

DATE = "date"
SQUAD = "squad"
SEGMENT = "road_segment"
NOTES = "notes"
# The rows above the header a sheet may have (a title, the period).
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    key: str  # DATE, SQUAD, SEGMENT, NOTES or a metric's code
    title: str  # the header the template writes
    aliases: frozenset[str] = field(default=frozenset())
    required: bool = True
    metric: Metric | None = None


def normalise(text: Any) -> str:
    """A header as compared: no spaces, ASCII brackets, case folded."""
    if text is None:
        return ""
    plain = str(text).translate(str.maketrans("（）［］", "()[]"))
    return re.sub(r"\s+", "", plain).casefold()


def metric_title(metric: Metric) -> str:
    return f"{metric.name_zh}（{metric.unit}）"


def _aliases(*names: str) -> frozenset[str]:
    return frozenset(normalise(name) for name in names if name)


def sheet_columns(*, metrics: Sequence[Metric], has_segments: bool) -> list[Column]:
    """The columns of a campaign's sheet, in the template's order."""
    columns = [
        Column(DATE, "日期", _aliases("日期", "date")),
        Column(SQUAD, "单位", _aliases("单位", "unit", "填报单位")),
    ]
    if has_segments:
        columns.append(
            Column(
                SEGMENT,
                "包靠路段",
                _aliases("包靠路段", "路段", "road segment"),
                required=False,
            )
        )
    for metric in metrics:
        columns.append(
            Column(
                metric.code,
                metric_title(metric),
                _aliases(
                    metric_title(metric),
                    metric.name_zh,
                    metric.name_en,
                    f"{metric.name_en} ({metric.unit})",
                    metric.code,
                ),
                metric=metric,
            )
        )
    columns.append(Column(NOTES, "备注", _aliases("备注", "notes"), required=False))
    return columns


@dataclass
class Header:
    """Where a sheet's header is and which column holds what."""

    row: int  # 1-based, as a spreadsheet shows it
    positions: dict[str, int]  # column key: 0-based position in the row
    problems: list[tuple[str, str]]  # (column title or header text, message key)


def is_header(cells: Iterable[Any], columns: Sequence[Column]) -> bool:
    seen = {normalise(cell) for cell in cells}
    return bool(seen & columns[0].aliases) and bool(seen & columns[1].aliases)


def find_header(rows: Sequence[Sequence[Any]], columns: Sequence[Column]) -> int | None:
    """The index of the header row among the first rows, or None."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if is_header(cells, columns):
            return index
    return None


def match_header(
    cells: Sequence[Any], columns: Sequence[Column], *, row: int
) -> Header:
    """Which column of the sheet holds what; what is missing, unknown or twice.

    Problems are ("missing", title), ("unknown", text) or ("twice", title).
    """
    by_alias = {alias: column for column in columns for alias in column.aliases}
    positions: dict[str, int] = {}
    problems: list[tuple[str, str]] = []
    for position, cell in enumerate(cells):
        text = normalise(cell)
        if not text:
            continue
        column = by_alias.get(text)
        if column is None:
            problems.append(("unknown", str(cell).strip()))
        elif column.key in positions:
            problems.append(("twice", column.title))
        else:
            positions[column.key] = position
    for column in columns:
        if column.required and column.key not in positions:
            problems.append(("missing", column.title))
    return Header(row=row, positions=positions, problems=problems)
