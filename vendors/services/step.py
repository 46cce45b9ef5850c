"""The one locked step every relocation move goes through.

Each action's service says what it changes; `step` locks the relocation,
asks `selectors.relocation_refusal` (role, unit scope, status), checks the
note, applies the change, sets the action's target status, saves and writes
the `RelocationEvent` — in the caller's transaction (each service is
`@transaction.atomic`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt.errors import Conflict, full_clean_or_refuse
from vendors.models import Relocation
from vendors.selectors import relocation_refusal
from vendors.services.common import User, event_record, required_text
from vendors.workflow import ACTIONS


@dataclass
class Change:
    """What one action changes on the relocation and records in its event."""

    fields: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)


Apply = Callable[[Relocation, datetime], Change]


def lock(relocation: Relocation, expected_status: str | None = None) -> Relocation:
    """The relocation, locked for this transaction; a stale status is a Conflict."""
    locked = (
        Relocation.objects.select_for_update(no_key=True, of=("self",))
        .select_related("market", "stall", "vendor")
        .get(pk=relocation.pk)
    )
    if expected_status and locked.status != expected_status:
        raise Conflict(
            _(
                "Someone else has just changed this relocation: it is now "
                "%(status)s. Reload it to see what happened."
            )
            % {"status": locked.get_status_display()}
        )
    return locked


def step(
    action: str,
    *,
    relocation: Relocation,
    by: User,
    note: str = "",
    expected_status: str | None = None,
    apply: Apply | None = None,
) -> Relocation:
    """Lock, check the table, apply, record: the same for every move."""
    spec = ACTIONS[action]
    locked = lock(relocation, expected_status)
    refused = relocation_refusal(user=by, relocation=locked, action=action)
    if refused is not None:
        raise refused
    note = (note or "").strip()
    if spec.needs_note:
        note = required_text(
            note, field="note", message=_("Give a reason: the ledger needs one.")
        )
    now = timezone.now()
    from_status = locked.status
    change = apply(locked, now) if apply is not None else Change()
    fields = dict(change.fields)
    if spec.target is not None:
        fields["status"] = spec.target
    for name, value in fields.items():
        setattr(locked, name, value)
    full_clean_or_refuse(locked, validate_unique=False, validate_constraints=False)
    if fields:
        locked.save(update_fields=[*fields, "updated_at"])
    event_record(
        locked,
        action=action,
        by=by,
        from_status=from_status,
        note=note,
        payload=change.payload,
        at=now,
    )
    return locked
