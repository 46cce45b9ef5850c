"""What every vendors service shares: who acts, the scope check, photos, events."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import IntegrityError, models
from django.utils.translation import gettext as _

from citymgmt.errors import Forbidden, InvalidInput, NotFound
from citymgmt.photos import PreparedPhoto
from squads.models import Member
from squads.roles import SYSTEM, member_for, role_of
from vendors.models import Relocation, RelocationEvent
from vendors.selectors import in_scope

__all__ = ["User"]


def require_role(by: User, roles: Iterable[str], *, what: str) -> str:
    """The user's role, or a refusal when it is not one of `roles`."""
    role = role_of(user=by)
    if role not in set(roles):
        raise Forbidden(
            _("Your role may not %(what)s.") % {"what": what},
        )
    assert role is not None  # noqa: S101
    return role


def require_scope(by: User, squad_id: int | None, *, message: str) -> None:
    """Refuse a row of a unit outside the user's scope, as if it did not exist."""
    if not in_scope(user=by, squad_id=squad_id):
        raise NotFound(message)


def acting_member(by: User) -> Member | None:
    return member_for(user=by)


def required_text(value: str | None, *, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(message, field=field)
    return text


def attach_photo(
    instance: models.Model, photo: PreparedPhoto | None, *, field: str = "photo"
) -> None:
    """Put a prepared photo and its thumbnail on a row, under a random name."""
    if photo is None:
        return
    stem = uuid.uuid4().hex
    getattr(instance, field).save(f"{stem}.jpg", ContentFile(photo.data), save=False)
    getattr(instance, f"{field}_thumbnail").save(
        f"{stem}-thumb.jpg", ContentFile(photo.thumbnail), save=False
    )


def event_record(
    relocation: Relocation,
    *,
    action: str,
    by: User | None,
    from_status: str,
    note: str = "",
    payload: dict[str, Any] | None = None,
    at: datetime,
) -> RelocationEvent:
    """Write one event of a relocation's timeline."""
    actor = by if by is not None and by.pk else None
    return RelocationEvent.objects.create(
        relocation=relocation,
        action=action,
        from_status=from_status,
        to_status=relocation.status,
        actor=actor,
        role=(role_of(user=by) if by is not None else None) or SYSTEM,
        note=note,
        payload=payload or {},
        at=at,
    )


# What SQLite says instead of a constraint's name: the columns it covers.
SQLITE_COLUMNS = {
    "relocation_one_holder_per_stall": "vendors_relocation.stall_id",
    "relocation_one_open_per_vendor": "vendors_relocation.vendor_id",
    "stall_number_unique_per_market": "vendors_stall.market_id, vendors_stall.number",
}


def violates(error: IntegrityError, constraint: str) -> bool:
    """Whether a database refusal is this constraint's (PostgreSQL names it)."""
    diag = getattr(error.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return name == constraint
    text = str(error)
    return constraint in text or SQLITE_COLUMNS.get(constraint, "\0") in text
