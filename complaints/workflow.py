"""The closed loop as data: every action once, with all that follows from it.

`ACTIONS` holds one `ActionSpec` per `Action`: the states it starts from and
where it leads, who may take it, whether it needs a reason, whether the
citizen sees it, what it does to the deadline clocks, which SMS the citizen
gets, and the sentence the public timeline shows. The services in
`complaints.services.actions` apply it through one locked step; the
deadlines, the citizen's messages, the tracking page and the admin read it
from here. A new action is a new `Action` value, a spec here and a service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints import messages
from complaints.models import OPEN_STATUSES, Action, Stage, Status
from squads.roles import CITIZEN, DESK, LEADERS, SYSTEM, Role

__all__ = [
    "ACTIONS",
    "CITIZEN",
    "DESK",
    "LEADERS",
    "STAFF_ACTIONS",
    "SYSTEM",
    "TRANSITIONS",
    "ActionSpec",
    "ClockPlan",
    "PublicEntry",
]


@dataclass(frozen=True)
class ClockPlan:
    """What an action does to the deadline clocks (`complaints.deadlines`)."""

    # Stages whose due moments run from this action.
    starts: tuple[str, ...] = ()
    # Stages whose due moments no longer apply.
    clears: tuple[str, ...] = ()
    # Look the deadline rule up again: category, priority or rules may have changed.
    new_rule: bool = False
    # The current stage's clock starts now; False: it runs on from an earlier
    # start (signing keeps the disposal clock that dispatch started).
    restart: bool = True


@dataclass(frozen=True)
class PublicEntry:
    """How the citizen's timeline tells an event.

    `title` may use %(kind)s (request type), %(unit)s (the handling unit),
    %(rating)s, %(days)s and %(market)s (where a vendor was guided);
    `details` names the lines shown under it, from `complaints.timeline.DETAILS`.
    """

    title: Promise
    details: tuple[str, ...] = ()

    @property
    def shows_remark(self) -> bool:
        """Whether the citizen reads the staff's words (a reason, a result, their
        own comment); other remarks stay internal."""
        return bool(REMARK_DETAILS & set(self.details))


# The timeline details that quote the event's opinion word for word.
REMARK_DETAILS = frozenset({"reason", "result", "comment"})


CitizenMessage = Callable[..., "tuple[str, dict] | None"]


@dataclass(frozen=True)
class ActionSpec:
    """One action: where it may start, where it leads, and everything it causes."""

    action: Action
    sources: frozenset[str] = frozenset()
    target: str | None = None  # None: the status stays as it is
    roles: frozenset[str] = frozenset()
    needs_reason: bool = False
    public: bool = True
    clock: ClockPlan | None = None
    citizen_message: CitizenMessage | None = None
    timeline: PublicEntry | None = None

    @property
    def label(self) -> str:
        return str(self.action.label)

    @property
    def is_transition(self) -> bool:
        """A move in the closed loop (the others record a step beside it)."""
        return bool(self.roles)


UNIT = LEADERS | {Role.SUPERVISOR}
S = Status

ACTIONS: dict[str, ActionSpec] = {
    spec.action.value: spec
    for spec in [
        ActionSpec(
            Action.SUBMIT,
            clock=ClockPlan(starts=(Stage.ACCEPT,), new_rule=True),
            citizen_message=messages.received,
            timeline=PublicEntry(_("Your %(kind)s was received.")),
        ),
        ActionSpec(
            Action.ACCEPT,
            frozenset({S.SUBMITTED}),
            S.REGISTERED,
            DESK,
            clock=ClockPlan(starts=(Stage.DISPATCH,), new_rule=True),
            timeline=PublicEntry(_("Accepted and registered by the command centre.")),
        ),
        ActionSpec(
            Action.REJECT,
            frozenset({S.SUBMITTED}),
            S.REJECTED,
            DESK,
            needs_reason=True,
            citizen_message=messages.rejected,
            timeline=PublicEntry(_("Not accepted."), ("reason", "referral")),
        ),
        ActionSpec(
            Action.MERGE,
            frozenset({S.SUBMITTED, S.REGISTERED}),
            S.DUPLICATE,
            DESK,
            timeline=PublicEntry(
                _("Merged with an earlier case about the same problem."),
                ("duplicate_of",),
            ),
        ),
        ActionSpec(
            Action.DISPATCH,
            frozenset({S.REGISTERED}),
            S.DISPATCHED,
            DESK,
            clock=ClockPlan(starts=(Stage.SIGN, Stage.DISPOSE), new_rule=True),
            citizen_message=messages.dispatched,
            timeline=PublicEntry(_("Sent to %(unit)s for handling.")),
        ),
        ActionSpec(
            Action.SIGN,
            frozenset({S.DISPATCHED}),
            S.PROCESSING,
            UNIT,
            clock=ClockPlan(restart=False),
            timeline=PublicEntry(_("%(unit)s has started handling it.")),
        ),
        ActionSpec(
            Action.ASSIGN,
            frozenset({S.DISPATCHED, S.PROCESSING}),
            None,
            UNIT,
            public=False,
        ),
        ActionSpec(
            Action.DISPOSE,
            frozenset({S.PROCESSING}),
            S.DISPOSED,
            LEADERS | {Role.OFFICER, Role.SUPERVISOR},
            clock=ClockPlan(starts=(Stage.VERIFY,)),
            citizen_message=messages.disposed,
            timeline=PublicEntry(_("Handled by %(unit)s."), ("result", "method")),
        ),
        ActionSpec(
            Action.RETURN,
            frozenset({S.DISPATCHED, S.PROCESSING}),
            S.REGISTERED,
            UNIT,
            needs_reason=True,
            public=False,
            clock=ClockPlan(
                starts=(Stage.DISPATCH,),
                clears=(Stage.SIGN, Stage.DISPOSE),
                new_rule=True,
            ),
        ),
        ActionSpec(
            Action.VERIFY,
            frozenset({S.DISPOSED}),
            S.CLOSED,
            DESK,
            citizen_message=messages.closed,
            timeline=PublicEntry(_("Checked by the command centre and closed.")),
        ),
        ActionSpec(
            Action.REWORK,
            frozenset({S.DISPOSED}),
            S.PROCESSING,
            DESK,
            needs_reason=True,
            clock=ClockPlan(starts=(Stage.DISPOSE,), new_rule=True),
            timeline=PublicEntry(_("Sent back to the unit for more work.")),
        ),
        ActionSpec(
            Action.CANCEL,
            frozenset(OPEN_STATUSES),
            S.CANCELLED,
            frozenset({Role.SUPERVISOR}),
            needs_reason=True,
            timeline=PublicEntry(_("Cancelled."), ("reason",)),
        ),
        # 重办: a citizen dissatisfied with a closed case reopens it once.
        ActionSpec(
            Action.REOPEN,
            frozenset({S.CLOSED}),
            S.PROCESSING,
            frozenset({CITIZEN}),
            clock=ClockPlan(starts=(Stage.DISPOSE,), new_rule=True),
            timeline=PublicEntry(
                _("Reopened at your request and sent back to %(unit)s.")
            ),
        ),
        ActionSpec(
            Action.RATE,
            timeline=PublicEntry(_("Your rating: %(rating)s."), ("comment",)),
        ),
        ActionSpec(Action.REVEAL_PHONE, public=False),
        ActionSpec(Action.EXTENSION_REQUEST, public=False),
        ActionSpec(
            Action.EXTENSION_DECIDE,
            timeline=PublicEntry(
                _("The handling time was extended by %(days)d working days.")
            ),
        ),
        # Written by `complaint_relocation_record` for the vendors app: the
        # citizen reads where the vendor went, never who the vendor is.
        ActionSpec(
            Action.RELOCATION_LINKED,
            timeline=PublicEntry(_("A street vendor was guided into %(market)s.")),
        ),
    ]
}

# The moves of the closed loop, in the order the admin shows their buttons.
TRANSITIONS: dict[str, ActionSpec] = {
    name: spec for name, spec in ACTIONS.items() if spec.is_transition
}
# Actions staff take from the admin and the staff API (reopen comes from a rating).
STAFF_ACTIONS = [name for name, t in TRANSITIONS.items() if CITIZEN not in t.roles]
