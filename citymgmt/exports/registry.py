"""What can be exported: each app registers its lists here (the core imports no app).

An `ExportKind` names a list (`complaints`, `relocations`, `tallies`), its
model (whose admin, with `ExportAdminMixin`, makes the queryset), the
`ExportResource` that defines the columns, and two hooks about phones:
`reveals_phones(user)` (whether this user's file holds full numbers) and
`record_reveals(by=, rows=, job_id=)`, called about once a second while
a file with full numbers is written, with the rows written since (each a
tuple of the row's `reveal_paths`), to log them the way the app logs a
reveal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from citymgmt.exports.resources import ExportResource


def _never(user: Any) -> bool:
    return False


@dataclass(frozen=True)
class ExportKind:
    name: str
    model: type[models.Model]
    resource: type[ExportResource]
    label: Any  # a lazy translation: the sheet's and the file's name
    reveals_phones: Callable[[Any], bool] = _never
    record_reveals: Callable[..., None] | None = None
    reveal_paths: tuple[str, ...] = ("pk",)


KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    """Add a list that can be exported (once per name; importing twice is fine)."""
    KINDS.setdefault(kind.name, kind)
    return KINDS[kind.name]


def kind_named(name: str) -> ExportKind:
    return KINDS[name]
