"""The relocation ledger as data: every action once, where it starts and leads.

`ACTIONS` holds one `RelocationSpec` per `RelocationAction`: the statuses it
may start from, the status it leads to (None: it records a step beside the
status, like a follow-up visit), the roles that may take it and whether it
needs a note. `vendors.services.step` applies it under a row lock;
`vendors.selectors.relocation_refusal` and the admin's buttons read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from squads.roles import LEADERS, UNIT_ROLES, Role
from vendors.models import RelocationAction, RelocationStatus


@dataclass(frozen=True)
class RelocationSpec:
    """One action on a relocation: where it may start, where it leads, who takes it."""

    action: RelocationAction
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]
    needs_note: bool = False

    @property
    def label(self) -> str:
        return str(self.action.label)


# The unit's staff and supervisors act; the dispatcher reads the ledger.
STAFF = UNIT_ROLES | {Role.SUPERVISOR}
# Whether a vendor has settled is the leaders' judgement.
LEAD = LEADERS | {Role.SUPERVISOR}
R = RelocationStatus
A = RelocationAction

ACTIONS: dict[str, RelocationSpec] = {
    spec.action.value: spec
    for spec in [
        RelocationSpec(A.OFFER, frozenset(), R.OFFERED, STAFF),
        RelocationSpec(A.ACCEPT, frozenset({R.OFFERED}), R.ACCEPTED, STAFF),
        RelocationSpec(A.MOVE_IN, frozenset({R.ACCEPTED}), R.MOVED, STAFF),
        RelocationSpec(A.FOLLOW_UP, frozenset({R.MOVED, R.STABLE}), None, STAFF),
        RelocationSpec(A.MARK_STABLE, frozenset({R.MOVED}), R.STABLE, LEAD),
        RelocationSpec(
            A.MARK_RETURNED,
            frozenset({R.MOVED, R.STABLE}),
            R.RETURNED,
            STAFF,
            needs_note=True,
        ),
        RelocationSpec(
            A.DECLINE,
            frozenset({R.OFFERED, R.ACCEPTED}),
            R.DECLINED,
            STAFF,
            needs_note=True,
        ),
        # Names the case a relocation came from; the status stays. Like the
        # offer it is its own service, never an action form.
        RelocationSpec(A.LINK_COMPLAINT, frozenset(), None, STAFF),
    ]
}
