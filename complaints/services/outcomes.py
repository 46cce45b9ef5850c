"""What another app records on a case: a vendor of the case guided into a market.

The vendors app calls this (vendors may import complaints, not the other way
round), so the case's timeline shows a relocation offered from the case or
linked to it. The event names the market and the stall, never the vendor.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from citymgmt.errors import NotFound
from complaints.models import Action, Complaint, ComplaintEvent
from complaints.services.events import event_record
from squads.roles import squad_ids_in_scope


@transaction.atomic
def complaint_relocation_record(
    *,
    complaint: Complaint,
    by: User,
    relocation_id: int,
    market: str,
    stall: str = "",
) -> ComplaintEvent:
    """Record on the case that a vendor was guided into a market (引导入市)."""
    scope = squad_ids_in_scope(user=by)
    if scope is not None and complaint.squad_id not in scope:
        raise NotFound(_("No such case in your unit."))
    payload: dict[str, object] = {"relocation": relocation_id, "market": market}
    if stall:
        payload["stall"] = stall
    return event_record(
        complaint,
        action=Action.RELOCATION_LINKED,
        by=by,
        opinion="",
        payload=payload,
    )
