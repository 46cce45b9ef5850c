"""A day's figures as a row of inputs: built from a tally or from what was
typed, and saved through `tally_record` (and `tally_photos_add`).

The week grid shows seven of these; a tally's page shows one. Saving is all
or nothing: every row is tried so each refusal lands on its cell or row, and
if any was refused the transaction is rolled back and the rows are shown
again with what was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from campaigns import services
from campaigns.models import Campaign, Metric, RoadSegment, Tally, TallyPhoto
from citymgmt.errors import DomainError
from citymgmt.photos import prepare_photos
from squads.models import Squad


@dataclass
class Cell:
    metric: Metric
    name: str  # the input's name
    value: str  # as shown or as typed
    error: str = ""


@dataclass
class Row:
    date: dt.date
    prefix: str
    cells: list[Cell]
    notes: str
    tally: Tally | None
    photos: list[TallyPhoto]
    enabled: bool = True
    why_disabled: str = ""
    errors: list[str] = field(default_factory=list)
    notes_error: str = ""
    photos_error: str = ""
    photos_chosen: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(
            self.errors
            or self.notes_error
            or self.photos_error
            or any(c.error for c in self.cells)
        )

    @property
    def messages(self) -> list[str]:
        """Every refusal of the row, for a summary above a wide table."""
        return [
            *self.errors,
            *(c.error for c in self.cells if c.error),
            *(m for m in (self.notes_error, self.photos_error) if m),
        ]

    @property
    def filled(self) -> bool:
        return bool(self.notes.strip() or any(c.value.strip() for c in self.cells))

    def unchanged(self) -> bool:
        """What was typed is what the tally holds (nothing to save)."""
        if self.tally is None:
            return not self.filled
        held = {v.metric_id: v.value for v in self.tally.values.all()}
        for cell in self.cells:
            typed = cell.value.strip().replace(",", "")
            had = held.get(cell.metric.pk)
            if not typed:
                if had is not None:
                    return False
                continue
            try:
                if had is None or Decimal(typed) != had:
                    return False
            except InvalidOperation:
                return False
        return self.notes == self.tally.notes


def shown(value: Decimal | None, metric: Metric) -> str:
    """A stored figure as a person types it: 12, 12.5, 1100."""
    if value is None:
        return ""
    if metric.is_count or value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}"


def row_from_tally(
    *, day: dt.date, prefix: str, metrics: Sequence[Metric], tally: Tally | None
) -> Row:
    held = {v.metric_id: v.value for v in tally.values.all()} if tally else {}
    return Row(
        date=day,
        prefix=prefix,
        cells=[
            Cell(m, f"{prefix}-{m.code}", shown(held.get(m.pk), m)) for m in metrics
        ],
        notes=tally.notes if tally else "",
        tally=tally,
        photos=list(tally.photos.all()) if tally else [],
    )


def row_from_post(request: HttpRequest, row: Row) -> Row:
    """The same row with what was posted for it (a disabled row keeps its own)."""
    if not row.enabled:
        return row
    data = request.POST
    for cell in row.cells:
        cell.value = data.get(cell.name, "")
    row.notes = data.get(f"{row.prefix}-notes", "")
    row.photos_chosen = bool(request.FILES.getlist(f"{row.prefix}-photos"))
    return row


def _place(row: Row, error: DomainError) -> None:
    """A refusal onto the cell it names, else onto the row."""
    cells = {c.metric.code: c for c in row.cells}
    for name, messages in error.errors.items():
        text = " ".join(messages)
        if name in cells:
            cells[name].error = text
        elif name == "notes":
            row.notes_error = text
        elif name == "photos":
            row.photos_error = text
        else:
            row.errors.append(text)


def _figures_refused(row: Row) -> bool:
    """Put each figure's refusal on its cell, so every bad cell shows at once."""
    bad = False
    for cell in row.cells:
        refusal = services.figure_refusal(metric=cell.metric, raw=cell.value)
        if refusal is not None:
            cell.error = refusal.message
            bad = True
    return bad


def save_rows(
    request: HttpRequest,
    *,
    campaign: Campaign,
    squad: Squad,
    road_segment: RoadSegment | None,
    rows: Iterable[Row],
) -> int | None:
    """Record every enabled row that changed, in one transaction.

    Returns how many days were saved, or None when a row was refused (then
    nothing is saved and the refusals are on the rows).
    """
    saved = 0
    refused = False
    with transaction.atomic():
        for row in rows:
            if not row.enabled:
                continue
            uploads = request.FILES.getlist(f"{row.prefix}-photos")
            if not uploads and row.unchanged():
                continue
            try:
                photos = prepare_photos(uploads) if uploads else []
            except ValidationError as exc:
                row.photos_error = " ".join(exc.messages)
                refused = True
                continue
            if _figures_refused(row):
                refused = True
                continue
            try:
                # tally_record runs in a savepoint: a refused row leaves the
                # transaction usable, so the next rows are checked too.
                tally = services.tally_record(
                    by=request.user,
                    campaign=campaign,
                    squad=squad,
                    date=row.date,
                    road_segment=road_segment,
                    values={c.metric.code: c.value for c in row.cells},
                    notes=row.notes,
                )
                if photos:
                    services.tally_photos_add(
                        by=request.user, tally=tally, photos=photos
                    )
            except DomainError as err:
                _place(row, err)
                refused = True
            else:
                saved += 1
        if refused:
            transaction.set_rollback(True)
    return None if refused else saved


def photos_again_note(rows: Iterable[Row]) -> str:
    """A file input cannot be filled again: say so where photos were chosen."""
    if any(r.photos_chosen for r in rows):
        return _("Nothing was saved; choose the photos again before saving.")
    return ""
