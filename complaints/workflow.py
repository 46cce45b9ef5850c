"""The closed loop as data: which action moves a complaint where, and who may take it.

Nothing else in the code decides whether a move is allowed; the one locked
service in `complaints.services.complaint_transition` applies this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from complaints.models import OPEN_STATUSES, Status
from squads.models import Member

Role = Member.Role
CITIZEN = "citizen"
SYSTEM = "system"
LEADERS = frozenset({Role.SQUAD_LEADER, Role.INSTRUCTOR})
DESK = frozenset({Role.DISPATCHER, Role.SUPERVISOR})


@dataclass(frozen=True)
class Transition:
    """An action: the states it starts from, where it leads, who may take it."""

    label: object
    sources: frozenset[str]
    target: str | None  # None: the status stays as it is
    roles: frozenset[str]
    needs_reason: bool = False
    public: bool = True


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(
        _("Accept"), frozenset({Status.SUBMITTED}), Status.REGISTERED, DESK
    ),
    "reject": Transition(
        _("Reject"),
        frozenset({Status.SUBMITTED}),
        Status.REJECTED,
        DESK,
        needs_reason=True,
    ),
    "merge": Transition(
        _("Merge as duplicate"),
        frozenset({Status.SUBMITTED, Status.REGISTERED}),
        Status.DUPLICATE,
        DESK,
    ),
    "dispatch": Transition(
        _("Dispatch"), frozenset({Status.REGISTERED}), Status.DISPATCHED, DESK
    ),
    "sign": Transition(
        _("Sign for"),
        frozenset({Status.DISPATCHED}),
        Status.PROCESSING,
        LEADERS | {Role.SUPERVISOR},
    ),
    "assign": Transition(
        _("Assign an officer"),
        frozenset({Status.DISPATCHED, Status.PROCESSING}),
        None,
        LEADERS | {Role.SUPERVISOR},
        public=False,
    ),
    "dispose": Transition(
        _("Report handling"),
        frozenset({Status.PROCESSING}),
        Status.DISPOSED,
        LEADERS | {Role.OFFICER, Role.SUPERVISOR},
    ),
    "return": Transition(
        _("Return (not our jurisdiction)"),
        frozenset({Status.DISPATCHED, Status.PROCESSING}),
        Status.REGISTERED,
        LEADERS | {Role.SUPERVISOR},
        needs_reason=True,
        public=False,
    ),
    "verify": Transition(
        _("Verify and close"), frozenset({Status.DISPOSED}), Status.CLOSED, DESK
    ),
    "rework": Transition(
        _("Send back for rework"),
        frozenset({Status.DISPOSED}),
        Status.PROCESSING,
        DESK,
        needs_reason=True,
    ),
    "cancel": Transition(
        _("Cancel"),
        frozenset(OPEN_STATUSES),
        Status.CANCELLED,
        frozenset({Role.SUPERVISOR}),
        needs_reason=True,
    ),
    # 重办: a citizen dissatisfied with a closed case reopens it once.
    "reopen": Transition(
        _("Reopen (citizen dissatisfied)"),
        frozenset({Status.CLOSED}),
        Status.PROCESSING,
        frozenset({CITIZEN}),
    ),
}

# Actions staff take from the admin and the staff API (reopen comes from a rating).
STAFF_ACTIONS = [name for name, t in TRANSITIONS.items() if CITIZEN not in t.roles]


class WorkflowError(Exception):
    """A move the workflow refuses; the message tells the person what to do."""

    status_code = 400

    def __init__(self, message: object, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class ActionNotAllowed(WorkflowError):
    """The action does not apply in this state, or not for this person."""


class PermissionDenied(WorkflowError):
    status_code = 403


class Conflict(WorkflowError):
    """Someone else changed the case first."""

    status_code = 409
