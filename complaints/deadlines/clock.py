"""Due moments of each clocked stage on the working-day calendar.

Each open case is in one clocked stage (`STAGE_OF_STATUS`). When a stage
begins, `schedule` stores its due moment, computed on the working-day
calendar (`citymgmt.workdays.calendar`) from the deadline rule of the case's
category and priority, together with `stage_started_at`, `current_due_at`
and `next_check_at`: the next moment the sweep has something to do for the
case (a reminder threshold, the deadline itself, or the escalation one
working day after it).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from citymgmt import refdata
from citymgmt.workdays.calendar import (
    add_working_days,
    add_working_hours,
    working_seconds_between,
)
from complaints.models import (
    DEFAULT_REMINDER_THRESHOLDS,
    OPEN_STATUSES,
    Complaint,
    DeadlineRule,
    Reminder,
    Stage,
    Status,
)
from complaints.workflow import ACTIONS, ClockPlan

STAGE_OF_STATUS: dict[str, str] = {
    Status.SUBMITTED: Stage.ACCEPT,
    Status.REGISTERED: Stage.DISPATCH,
    Status.DISPATCHED: Stage.SIGN,
    Status.PROCESSING: Stage.DISPOSE,
    Status.DISPOSED: Stage.VERIFY,
}
DUE_FIELD: dict[str, str] = {
    Stage.ACCEPT: "accept_due_at",
    Stage.DISPATCH: "dispatch_due_at",
    Stage.SIGN: "sign_due_at",
    Stage.DISPOSE: "dispose_due_at",
    Stage.VERIFY: "verify_due_at",
}
OVERDUE = Reminder.Threshold.OVERDUE.value
ESCALATED = Reminder.Threshold.ESCALATED.value
SCHEDULE_FIELDS = [
    "deadline_rule",
    "accept_due_at",
    "dispatch_due_at",
    "sign_due_at",
    "dispose_due_at",
    "verify_due_at",
    "stage_started_at",
    "current_due_at",
    "next_check_at",
]


def _load_rules() -> dict[tuple[str, int | None], DeadlineRule]:
    rules: dict[tuple[str, int | None], DeadlineRule] = {}
    for rule in DeadlineRule.objects.filter(is_active=True).order_by("id"):
        rules.setdefault((rule.priority, rule.category_id), rule)
    return rules


def rule_for(*, category_id: int | None, priority: str) -> DeadlineRule | None:
    """The active rule for a category and priority, else the priority's default.

    The rules are reference data: read once per process and again after a
    supervisor saves one (`deadline_rule_save` calls `refdata.changed()`).
    """
    rules = refdata.cached("complaints.deadline_rules", _load_rules)
    return rules.get((priority, category_id)) or rules.get((priority, None))


def stage_due(rule: DeadlineRule, stage: str, start: datetime) -> datetime:
    """The due moment of a stage that starts at `start` under this rule."""
    if stage == Stage.DISPOSE and rule.dispose_days:
        return add_working_days(start, rule.dispose_days)
    hours: dict[str, Decimal | None] = {
        Stage.ACCEPT: rule.accept_hours,
        Stage.DISPATCH: rule.dispatch_hours,
        Stage.SIGN: rule.sign_hours,
        Stage.DISPOSE: rule.dispose_hours,
        Stage.VERIFY: rule.verify_hours,
    }
    return add_working_hours(start, float(hours[stage] or 0))


def current_stage(complaint: Complaint) -> str | None:
    return STAGE_OF_STATUS.get(complaint.status)


def thresholds_of(complaint: Complaint) -> list[int]:
    rule = complaint.deadline_rule if complaint.deadline_rule_id else None
    return rule.thresholds if rule is not None else list(DEFAULT_REMINDER_THRESHOLDS)


def milestones(complaint: Complaint) -> list[tuple[str, datetime]]:
    """The current stage's reminder, overdue and escalation moments, in order."""
    start, due = complaint.stage_started_at, complaint.current_due_at
    if start is None or due is None:
        return []
    total = max(working_seconds_between(start, due), 0)
    points = [
        (str(p), add_working_hours(start, total * p / 100 / 3600))
        for p in thresholds_of(complaint)
    ]
    points.append((OVERDUE, due))
    points.append((ESCALATED, add_working_days(due, 1)))
    return points


def next_check(complaint: Complaint, *, after: datetime) -> datetime | None:
    """The first milestone of the current stage later than `after`, or None."""
    later = [moment for _label, moment in milestones(complaint) if moment > after]
    return min(later) if later else None


def schedule(
    complaint: Complaint, *, plan: ClockPlan | None, at: datetime
) -> list[str]:
    """Set the due moments an action's plan starts (on the instance); return the
    fields changed.

    Call after the action has set the new status. A case that is no longer
    open has nothing more to watch; an action without a plan (an assignment,
    a rating) leaves the clock running.
    """
    changed: list[str] = []

    def put(name: str, value: Any) -> None:
        setattr(complaint, name, value)
        changed.append(name)

    stage = current_stage(complaint)
    if stage is None:
        # Closed, rejected, merged or cancelled: nothing more to watch.
        for name in ("stage_started_at", "current_due_at", "next_check_at"):
            if getattr(complaint, name) is not None:
                put(name, None)
        return changed
    if plan is None:
        return changed
    if plan.new_rule:
        put(
            "deadline_rule",
            rule_for(category_id=complaint.category_id, priority=complaint.priority),
        )
    rule = complaint.deadline_rule if complaint.deadline_rule_id else None
    for begun in plan.starts:
        put(DUE_FIELD[begun], stage_due(rule, begun, at) if rule is not None else None)
    for dropped in plan.clears:
        put(DUE_FIELD[dropped], None)
    if plan.restart:
        put("stage_started_at", at)
    elif complaint.stage_started_at is None:
        # The stage's clock started earlier (disposal runs from dispatch).
        put("stage_started_at", complaint.dispatched_at or at)
    put("current_due_at", getattr(complaint, DUE_FIELD[stage]))
    put("next_check_at", next_check(complaint, after=at))
    return changed


def extend(complaint: Complaint, *, working_days: int, at: datetime) -> list[str]:
    """Move the disposal due moment by working days (an approved 延期)."""
    if complaint.dispose_due_at is None:
        return []
    complaint.dispose_due_at = add_working_days(complaint.dispose_due_at, working_days)
    changed = ["dispose_due_at"]
    if current_stage(complaint) == Stage.DISPOSE:
        complaint.current_due_at = complaint.dispose_due_at
        complaint.next_check_at = next_check(complaint, after=at)
        changed += ["current_due_at", "next_check_at"]
    return changed


def replay(complaint: Complaint) -> list[str]:
    """Recompute a case's due moments from its event history (demo, backfill).

    Gives what `schedule` would have stored had each action happened live at
    the time its event records.
    """
    status = complaint.status
    for name in SCHEDULE_FIELDS:
        setattr(complaint, name, None)
    complaint.deadline_rule_id = None
    for action, to_status, at in complaint.events.order_by(
        "created_at", "id"
    ).values_list("action", "to_status", "created_at"):
        if action == "dispatch":
            complaint.dispatched_at = at
        complaint.status = to_status or complaint.status
        spec = ACTIONS.get(action)
        schedule(complaint, plan=spec.clock if spec else None, at=at)
    complaint.status = status
    if current_stage(complaint) is None:
        complaint.stage_started_at = complaint.current_due_at = None
        complaint.next_check_at = None
    return list(SCHEDULE_FIELDS)


@transaction.atomic
def backfill(*, batch: int = 500) -> int:
    """Give open cases without due moments their deadlines from their history."""
    count = 0
    rows = Complaint.objects.filter(
        status__in=list(OPEN_STATUSES), current_due_at__isnull=True
    ).order_by("id")
    for complaint in rows.iterator(chunk_size=batch):
        Complaint.objects.filter(pk=complaint.pk).update(
            **{name: getattr(complaint, name) for name in replay(complaint)}
        )
        count += 1
    return count
