"""From an uploaded file's sheets to the preview: each row, its outcome, its errors.

`parse` reads every sheet's header and rows into `TallyEntry` values (names
of units and road segments looked up once, in the user's scope);
`preview` hands them to `campaigns.services.tallies_record_many` (a dry run,
or the real write with the fingerprint the person confirmed) and turns its
answer into one `PreviewRow` per row of the file, every error named by its
row and column: “第 5 行，“日期”列：…”.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from campaigns.imports.columns import (
    DATE,
    NOTES,
    SEGMENT,
    SQUAD,
    Column,
    Header,
    find_header,
    match_header,
    normalise,
    sheet_columns,
)
from campaigns.imports.files import Cell, Sheet
from campaigns.models import Campaign, Metric, RoadSegment
from campaigns.selectors import campaign_metrics, road_segments_visible_to
from campaigns.services import (
    TallyBatch,
    TallyEntry,
    TallyOutcome,
    tallies_record_many,
    tally_figures,
)
from citymgmt.errors import Conflict, DomainError, InvalidInput
from squads.models import Squad
from squads.roles import User, squad_ids_in_scope

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


@dataclass
class ParsedRow:
    sheet: str
    number: int
    cells: list[str]  # the text of each column, in the columns' order
    entry: TallyEntry | None
    errors: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass
class Parsed:
    columns: list[Column]
    rows: list[ParsedRow]
    problems: list[str]  # the file's own: headers, no rows
    blank_rows: int
    several_sheets: bool


@dataclass
class PreviewRow:
    sheet: str
    number: int
    cells: list[str]
    outcome: str
    messages: list[str]
    # For an update: what each changed figure was (column index: text).
    before: dict[int, str] = field(default_factory=dict)


@dataclass
class Preview:
    columns: list[Column]
    rows: list[PreviewRow]
    problems: list[str]
    counts: dict[str, int]
    fingerprint: str = ""
    blank_rows: int = 0
    several_sheets: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.problems) or self.counts.get(TallyOutcome.ERROR, 0) > 0

    @property
    def confirmable(self) -> bool:
        return not self.has_errors and bool(self.rows)

    def error_messages(self) -> list[str]:
        return self.problems + [m for row in self.rows for m in row.messages]


def _text(value: Cell) -> str:
    """A cell as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\x00", "").strip()


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _figure(value: Cell) -> Any:
    """A cell as the service reads a figure (a float to its 15 significant digits,
    as Excel shows it, so 0.1 + 0.2 is 0.3)."""
    if isinstance(value, float):
        return format(value, ".15g")
    if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        return _text(value)
    return value


def _date(value: Cell) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007
            except ValueError:
                continue
    return None


class _Lookups:
    """Units and road segments by name, among those the user may see."""

    def __init__(self, *, user: User, campaign: Campaign) -> None:
        scope = squad_ids_in_scope(user=user)
        squads = Squad.objects.only("pk", "name", "code")
        if scope is not None:
            squads = squads.filter(pk__in=scope)
        self.squads: dict[str, Squad] = {}
        for squad in squads:
            self.squads.setdefault(normalise(squad.code), squad)
        for squad in squads:
            # A name wins over another unit's code.
            self.squads[normalise(squad.name)] = squad
        segments = road_segments_visible_to(user=user).only("pk", "name", "squad_id")
        in_campaign = set(campaign.road_segments.values_list("pk", flat=True))
        self.own: dict[tuple[int, str], RoadSegment] = {}
        self.others: dict[str, RoadSegment] = {}
        for segment in segments:
            name = normalise(segment.name)
            self.own[(segment.squad_id, name)] = segment
            if segment.pk in in_campaign:
                self.others.setdefault(name, segment)

    def segment(self, squad: Squad, name: str) -> RoadSegment | None:
        """The unit's segment of that name; else a campaign segment of another
        unit the user sees (the service then says whose it is)."""
        key = normalise(name)
        return self.own.get((squad.pk, key)) or self.others.get(key)


def parse(*, user: User, campaign: Campaign, sheets: Sequence[Sheet]) -> Parsed:
    """Every sheet's header and rows, as entries for the service."""
    metrics = campaign_metrics(campaign=campaign)
    has_segments = campaign.road_segments.exists()
    columns = sheet_columns(metrics=metrics, has_segments=has_segments)
    used = [s for s in sheets if any(not _blank(c) for row in s.rows for c in row)]
    several = len(used) > 1
    problems: list[str] = []
    headers: list[tuple[Sheet, Header]] = []
    for sheet in used:
        index = find_header(sheet.rows, columns)
        if index is None:
            problems.append(
                _label(
                    sheet.name,
                    None,
                    None,
                    _(
                        "no header row with the columns “日期” and “单位” in the "
                        "first %(count)s rows; use the campaign's template."
                    )
                    % {"count": 10},
                    several,
                )
            )
            continue
        header = match_header(sheet.rows[index], columns, row=index + 1)
        for kind, column in header.problems:
            problems.append(
                _label(
                    sheet.name, header.row, None, _header_problem(kind, column), several
                )
            )
        headers.append((sheet, header))
    if problems:
        return Parsed(columns, [], problems, 0, several)

    lookups = _Lookups(user=user, campaign=campaign)
    by_code = {m.code: m for m in metrics}
    rows: list[ParsedRow] = []
    blank_rows = 0
    for sheet, header in headers:
        for offset, cells in enumerate(sheet.rows[header.row :]):
            number = header.row + offset + 1
            row = _parse_row(
                sheet.name, number, cells, header, columns, lookups, by_code, campaign
            )
            if row is None:
                continue
            if row is _BLANK:
                blank_rows += 1
                continue
            rows.append(row)
            if len(rows) > settings.TALLY_IMPORT_MAX_ROWS:
                raise InvalidInput(
                    _(
                        "The file has more than %(limit)s rows; split it into "
                        "files of at most %(limit)s rows."
                    )
                    % {"limit": f"{settings.TALLY_IMPORT_MAX_ROWS:,}"},
                    field="file",
                )
    if not rows:
        problems.append(
            _(
                "The file has no tallies to import: fill in the figures under the "
                "header of the template."
            )
        )
    return Parsed(columns, rows, problems, blank_rows, several)


_BLANK = ParsedRow("", 0, [], None)


def _header_problem(kind: str, column: str) -> str:
    if kind == "missing":
        return _("the column “%(column)s” is missing.") % {"column": column}
    if kind == "twice":
        return _("the column “%(column)s” comes twice.") % {"column": column}
    return _(
        "“%(column)s” is not a column of this campaign's sheet; use the "
        "campaign's template."
    ) % {"column": column}


def _parse_row(
    sheet: str,
    number: int,
    cells: Sequence[Cell],
    header: Header,
    columns: Sequence[Column],
    lookups: _Lookups,
    metrics: dict[str, Metric],
    campaign: Campaign,
) -> ParsedRow | None:
    """One data row: None when it is empty, `_BLANK` when it has no figures
    (a day of the template not filled in), else its entry or its errors."""

    def cell(key: str) -> Cell:
        position = header.positions.get(key)
        if position is None or position >= len(cells):
            return None
        return cells[position]

    if all(_blank(value) for value in cells):
        return None
    values = {code: _figure(cell(code)) for code in metrics}
    has_notes = NOTES in header.positions
    notes = _text(cell(NOTES)) if has_notes else None
    if all(_blank(v) for v in values.values()) and not notes:
        return _BLANK
    texts = [_text(cell(column.key)) for column in columns]
    row = ParsedRow(sheet, number, texts, None)
    titles = {column.key: column.title for column in columns}

    raw_date = cell(DATE)
    date = _date(raw_date)
    if _blank(raw_date):
        row.errors.append((titles[DATE], _("give the date.")))
    elif date is None:
        row.errors.append(
            (
                titles[DATE],
                _("“%(value)s” is not a date; write it as %(example)s.")
                % {"value": _text(raw_date), "example": campaign.starts_on.isoformat()},
            )
        )
    elif not isinstance(raw_date, dt.date):
        texts[0] = date.isoformat()

    unit_text = _text(cell(SQUAD))
    squad = lookups.squads.get(normalise(unit_text)) if unit_text else None
    if not unit_text:
        row.errors.append((titles[SQUAD], _("give the unit.")))
    elif squad is None:
        row.errors.append(
            (
                titles[SQUAD],
                _("there is no unit “%(name)s” among those you may record for.")
                % {"name": unit_text},
            )
        )

    segment: RoadSegment | None = None
    segment_text = _text(cell(SEGMENT))
    if segment_text and squad is not None:
        segment = lookups.segment(squad, segment_text)
        if segment is None:
            row.errors.append(
                (
                    titles[SEGMENT],
                    _("“%(name)s” is not a road segment of %(unit)s.")
                    % {"name": segment_text, "unit": squad.name},
                )
            )
    if row.errors:
        # The figures are still checked, so one upload shows every problem.
        _figures, problems = tally_figures(values=values, metrics=metrics)
        row.errors.extend((titles.get(p.field or ""), p.message) for p in problems)
        return row
    assert date is not None and squad is not None  # noqa: S101
    row.entry = TallyEntry(
        squad=squad, date=date, values=values, road_segment=segment, notes=notes
    )
    return row


def _label(
    sheet: str, number: int | None, column: str | None, message: str, several: bool
) -> str:
    """A message with the place it is about: sheet (when several), row, column."""
    place = {"sheet": sheet, "row": number, "column": column, "message": message}
    if number is None:
        return _("Sheet “%(sheet)s”: %(message)s") % place
    if several:
        if column:
            return (
                _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: %(message)s")
                % place
            )
        return _("Sheet “%(sheet)s”, row %(row)s: %(message)s") % place
    if column:
        return _("Row %(row)s, column “%(column)s”: %(message)s") % place
    return _("Row %(row)s: %(message)s") % place


def _row_name(sheet: str, number: int, several: bool) -> str:
    if several:
        return _("row %(row)s of sheet “%(sheet)s”") % {"row": number, "sheet": sheet}
    return _("row %(row)s") % {"row": number}


def _figure_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def preview(
    *,
    user: User,
    campaign: Campaign,
    parsed: Parsed,
    dry_run: bool = True,
    expected: str | None = None,
) -> tuple[Preview, DomainError | None]:
    """What importing the parsed rows does (dry run) or did; the service's
    refusal of a confirmation, with the preview as it stands now."""
    empty = dict.fromkeys(TallyOutcome.values, 0)
    if parsed.problems:
        return (
            Preview(
                parsed.columns, [], parsed.problems, empty, "", 0, parsed.several_sheets
            ),
            None,
        )
    entries = [row.entry for row in parsed.rows if row.entry is not None]
    refusal: DomainError | None = None
    try:
        batch = tallies_record_many(
            by=user,
            campaign=campaign,
            entries=entries,
            dry_run=dry_run,
            expected=expected,
        )
    except (InvalidInput, Conflict) as refused:
        if "batch" not in refused.extra:
            raise
        batch = refused.extra["batch"]
        refusal = refused
    return _preview_of(parsed, batch), refusal


def _preview_of(parsed: Parsed, batch: TallyBatch) -> Preview:
    columns = parsed.columns
    several = parsed.several_sheets
    titles = {column.key: column.title for column in columns}
    titles.update({"squad": titles[SQUAD], "road_segment": titles.get(SEGMENT, "")})
    metric_columns = {
        column.metric.pk: index
        for index, column in enumerate(columns)
        if column.metric is not None
    }
    with_entry = [row for row in parsed.rows if row.entry is not None]
    index_of = {id(row): i for i, row in enumerate(with_entry)}
    rows: list[PreviewRow] = []
    counts = dict.fromkeys(TallyOutcome.values, 0)
    for row in parsed.rows:
        messages = [
            _label(row.sheet, row.number, column, message, several)
            for column, message in row.errors
        ]
        before: dict[int, str] = {}
        outcome: str = TallyOutcome.ERROR
        if row.entry is not None:
            result = batch.results[index_of[id(row)]]
            outcome = result.outcome
            for error in result.errors:
                if error.extra.get("duplicate"):
                    others = [with_entry[i] for i in result.duplicates]
                    message = _("the same unit, day and road segment as %(rows)s.") % {
                        "rows": _("; ").join(
                            _row_name(o.sheet, o.number, several) for o in others
                        )
                    }
                    messages.append(
                        _label(row.sheet, row.number, None, message, several)
                    )
                    continue
                column = titles.get(error.field or "")
                messages.append(
                    _label(row.sheet, row.number, column, error.message, several)
                )
            if outcome == TallyOutcome.UPDATE and result.before is not None:
                for metric_id, index in metric_columns.items():
                    old = result.before.get(metric_id)
                    if old != result.figures.get(metric_id):
                        before[index] = "" if old is None else _figure_text(old)
        counts[outcome] += 1
        rows.append(
            PreviewRow(row.sheet, row.number, row.cells, outcome, messages, before)
        )
    return Preview(
        columns,
        rows,
        [],
        counts,
        batch.fingerprint,
        parsed.blank_rows,
        several,
    )
