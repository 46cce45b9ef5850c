"""Working-time deadlines of complaints: due moments per stage, and the sweep.

Each open case is in one clocked stage (`STAGE_OF_STATUS`). When a stage
begins, `schedule` stores its due moment, computed on the working-day
calendar (`citymgmt.workdays.calendar`) from the deadline rule of the case's
category and priority, together with `stage_started_at`, `current_due_at`
and `next_check_at`: the next moment the sweep has something to do for the
case (a reminder threshold, the deadline itself, or the escalation one
working day after it).

`sweep` reads only the cases whose `next_check_at` has come (a partial
index), sends what is due and moves `next_check_at` on. Each message is
keyed by a `Reminder` row unique per (case, stage, threshold, due moment):
two sweeps at once, a second run, or a re-run after a worker died mid-way
send nothing twice, because the rows and the outbox messages they cause
are written in one transaction, and a sweep only sends for the rows it
inserted itself.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from citymgmt.workdays.calendar import (
    add_working_days,
    add_working_hours,
    hours_per_working_day,
    is_working_day,
    working_seconds_between,
)
from complaints.models import (
    OPEN_STATUSES,
    Complaint,
    DeadlineRule,
    Reminder,
    Stage,
    Status,
)
from complaints.workflow import ACTIONS, ClockPlan
from squads.models import Member, Squad
from squads.roles import LEADERS, Role

logger = logging.getLogger(__name__)

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
# The desk (dispatchers) owns these stages; the unit owns signing and disposal.
DESK_STAGES = frozenset({Stage.ACCEPT, Stage.DISPATCH, Stage.VERIFY})
OVERDUE = Reminder.Threshold.OVERDUE.value
ESCALATED = Reminder.Threshold.ESCALATED.value
DEFAULT_THRESHOLDS = [50, 80]
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


# --- Due moments -----------------------------------------------------------------


def rule_for(*, category_id: int | None, priority: str) -> DeadlineRule | None:
    """The active rule for a category and priority, else the priority's default."""
    rules = DeadlineRule.objects.filter(is_active=True, priority=priority).filter(
        Q(category_id=category_id) | Q(category__isnull=True)
    )
    found = sorted(rules, key=lambda r: r.category_id is None)
    return found[0] if found else None


def stage_due(rule: DeadlineRule, stage: str, start: datetime) -> datetime:
    """The due moment of a stage that starts at `start` under this rule."""
    if stage == Stage.DISPOSE and rule.dispose_days:
        return add_working_days(start, rule.dispose_days)
    hours = {
        Stage.ACCEPT: rule.accept_hours,
        Stage.DISPATCH: rule.dispatch_hours,
        Stage.SIGN: rule.sign_hours,
        Stage.DISPOSE: rule.dispose_hours,
        Stage.VERIFY: rule.verify_hours,
    }[stage]
    return add_working_hours(start, float(hours or 0))


def current_stage(complaint: Complaint) -> str | None:
    return STAGE_OF_STATUS.get(complaint.status)


def thresholds_of(complaint: Complaint) -> list[int]:
    rule = complaint.deadline_rule if complaint.deadline_rule_id else None
    return rule.thresholds if rule is not None else list(DEFAULT_THRESHOLDS)


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


# --- How much time is left (the admin's badge) -----------------------------------


@dataclass(frozen=True)
class Clock:
    """Where an open case stands against the current stage's due moment."""

    state: str  # on_track | due_soon | overdue
    seconds: int  # working seconds left (>= 0) or past (> 0 when overdue)
    percent: float


def clock(complaint: Complaint, *, now: datetime | None = None) -> Clock | None:
    """The current stage's clock from the stored moments (no query), or None."""
    if complaint.status not in OPEN_STATUSES or complaint.current_due_at is None:
        return None
    now = now or timezone.now()
    due = complaint.current_due_at
    start = complaint.stage_started_at or due
    left = working_seconds_between(now, due)
    total = working_seconds_between(start, due)
    used = 100.0 if total <= 0 else (total - left) * 100 / total
    if left < 0 or (left == 0 and now >= due):
        return Clock("overdue", -left, used)
    thresholds = thresholds_of(complaint)
    soon = thresholds[-1] if thresholds else 100
    return Clock("due_soon" if used >= soon else "on_track", left, used)


def working_days_of(seconds: int) -> float:
    return seconds / (hours_per_working_day() * 3600)


# --- The sweep -----------------------------------------------------------------


@dataclass
class SweepReport:
    """What one sweep did: the cases it looked at and what it sent."""

    looked_at: int = 0
    reminders: Counter = field(default_factory=Counter)
    notifications: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "looked_at": self.looked_at,
            "reminders": dict(self.reminders),
            "notifications": self.notifications,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class Staff:
    """The people reminders go to, read once per sweep (small tables)."""

    dispatchers: list[Any]
    supervisors: list[Any]
    leaders: dict[int, list[Any]]
    parents: dict[int, int | None]

    @classmethod
    def load(cls) -> Staff:
        by_role: dict[str, list[Any]] = defaultdict(list)
        leaders: dict[int, list[Any]] = defaultdict(list)
        members = (
            Member.objects.filter(is_active=True, user__is_active=True)
            .select_related("user")
            .order_by("id")
        )
        for member in members:
            if member.role in LEADERS:
                if member.squad_id is not None:
                    leaders[member.squad_id].append(member.user)
            else:
                by_role[member.role].append(member.user)
        return cls(
            dispatchers=by_role[Role.DISPATCHER],
            supervisors=by_role[Role.SUPERVISOR],
            leaders=leaders,
            parents=dict(Squad.objects.values_list("id", "parent_id")),
        )

    def unit_leaders(self, squad_id: int | None) -> list[Any]:
        """The leaders of the case's unit, or of the nearest unit above with any."""
        seen: set[int] = set()
        while squad_id is not None and squad_id not in seen:
            seen.add(squad_id)
            if self.leaders.get(squad_id):
                return self.leaders[squad_id]
            squad_id = self.parents.get(squad_id)
        return []


def recipients(
    complaint: Complaint, *, stage: str, threshold: str, staff: Staff
) -> list[Any]:
    """Who hears of a threshold: the stage's owners; the desk when overdue;
    the supervisors one working day later."""
    if threshold == ESCALATED:
        people = list(staff.supervisors)
    else:
        if stage in DESK_STAGES:
            people = list(staff.dispatchers)
        else:
            people = []
            if complaint.assignee_id and complaint.assignee.is_active:
                people.append(complaint.assignee.user)
            people += staff.unit_leaders(complaint.squad_id)
        if threshold == OVERDUE:
            people += staff.dispatchers
    unique: dict[int, Any] = {}
    for user in people:
        if user is not None and user.is_active:
            unique.setdefault(user.pk, user)
    return list(unique.values())


def due_to_send(
    complaint: Complaint, *, now: datetime
) -> tuple[list[tuple[str, datetime]], datetime | None]:
    """The thresholds to send now and the next check after now.

    Of the reminder percentages passed, only the highest goes out (a case
    first seen at 85 % gets the 80 % reminder, not 50 % as well), and none
    once the case is overdue.
    """
    points = milestones(complaint)
    passed = [(label, moment) for label, moment in points if moment <= now]
    labels = {label for label, _ in passed}
    final = (OVERDUE, ESCALATED)
    send = [(label, moment) for label, moment in passed if label in final]
    percents = [(label, moment) for label, moment in passed if label not in final]
    if percents and OVERDUE not in labels:
        send.insert(0, percents[-1])
    later = [moment for _label, moment in points if moment > now]
    return send, (min(later) if later else None)


def _send(
    complaint: Complaint,
    reminder: Reminder,
    *,
    staff: Staff,
) -> int:
    from citymgmt.notifications.services import notify

    threshold = reminder.threshold
    template = {OVERDUE: "deadline_overdue", ESCALATED: "deadline_escalated"}.get(
        threshold, "deadline_reminder"
    )
    due_key = reminder.due_at.astimezone(UTC).isoformat()
    context = {
        "reference": complaint.reference,
        "stage": reminder.stage,
        "due_at": reminder.due_at,
        "unit": complaint.squad.name if complaint.squad_id else "",
    }
    if threshold.isdigit():
        context["percent"] = int(threshold)
    sent = 0
    for user in recipients(
        complaint, stage=reminder.stage, threshold=threshold, staff=staff
    ):
        key = (
            f"reminder:{complaint.pk}:{reminder.stage}:{threshold}:{due_key}:{user.pk}"
        )
        if notify(
            channel="site",
            template=template,
            context=context,
            user=user,
            dedupe_key=key,
        ):
            sent += 1
        if user.email and notify(
            channel="email",
            template=template,
            context=context,
            recipient=user.email,
            user=user,
            dedupe_key=f"{key}:email",
        ):
            sent += 1
    return sent


def _sweep_batch(
    ids: list[int], *, now: datetime, claim: uuid.UUID, staff: Staff
) -> tuple[int, Counter, int]:
    cases = list(
        # Rows a workflow move (or another sweep) holds are skipped: their
        # next check is recomputed by that move, or seen by the next sweep.
        Complaint.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
        .filter(id__in=ids, next_check_at__lte=now)
        .select_related("deadline_rule", "squad", "assignee__user")
        .order_by("id")
    )
    wanted: list[Reminder] = []
    for complaint in cases:
        stage = current_stage(complaint)
        if stage is None:
            complaint.next_check_at = None
            continue
        send, complaint.next_check_at = due_to_send(complaint, now=now)
        wanted += [
            Reminder(
                complaint=complaint,
                stage=stage,
                threshold=label,
                due_at=complaint.current_due_at,
                claim=claim,
                created_at=now,
            )
            for label, _moment in send
        ]
    Reminder.objects.bulk_create(wanted, ignore_conflicts=True)
    by_id = {complaint.pk: complaint for complaint in cases}
    # Only the rows this sweep inserted: a row another sweep inserted first
    # keeps that sweep's claim.
    mine = list(
        Reminder.objects.filter(claim=claim, complaint_id__in=list(by_id)).order_by(
            "complaint_id", "id"
        )
    )
    counts: Counter = Counter()
    notifications = 0
    for reminder in mine:
        counts[reminder.threshold] += 1
        notifications += _send(by_id[reminder.complaint_id], reminder, staff=staff)
    Complaint.objects.bulk_update(cases, ["next_check_at"])
    return len(cases), counts, notifications


def sweep(*, now: datetime | None = None, batch: int = 500) -> SweepReport:
    """Send every reminder, overdue notice and escalation that is due; once each."""
    started = time.monotonic()
    now = now or timezone.now()
    report = SweepReport()
    claim = uuid.uuid4()
    staff: Staff | None = None
    after: Q = Q()
    while True:
        # Keyset pagination on the partial index (next_check_at, id): each
        # batch is a short range scan, whatever the size of the table. A case
        # skipped because it was locked is left for the next sweep.
        found = list(
            Complaint.objects.filter(after, next_check_at__lte=now)
            .order_by("next_check_at", "id")
            .values_list("next_check_at", "id")[:batch]
        )
        if not found:
            break
        last_check, last_id = found[-1]
        after = Q(next_check_at__gt=last_check) | Q(
            next_check_at=last_check, id__gt=last_id
        )
        ids = [pk for _check, pk in found]
        if staff is None:
            staff = Staff.load()
        with transaction.atomic():
            looked, counts, notifications = _sweep_batch(
                ids, now=now, claim=claim, staff=staff
            )
        report.looked_at += looked
        report.reminders.update(counts)
        report.notifications += notifications
    report.seconds = time.monotonic() - started
    if report.reminders:
        logger.info("Deadline sweep: %s", report.as_dict())
    return report


# --- Digests -----------------------------------------------------------------

DIGEST_LINES = 30


def _case_line(complaint: Complaint) -> dict[str, Any]:
    return {
        "reference": complaint.reference,
        "stage": current_stage(complaint) or "",
        "due_at": complaint.current_due_at.isoformat()
        if complaint.current_due_at
        else "",
        "unit": complaint.squad.name if complaint.squad_id else "",
    }


def morning_digest(*, now: datetime | None = None) -> int:
    """Send each unit leader their open cases by due time; nothing on days off.

    Returns the number of leaders written to. Run twice on a day, it sends
    nothing more (one key per leader and day).
    """
    from citymgmt.notifications.services import notify
    from complaints.selectors import complaints_visible_to

    now = now or timezone.now()
    today = timezone.localdate(now)
    if not is_working_day(today):
        return 0
    leaders = (
        Member.objects.filter(
            role__in=list(LEADERS),
            is_active=True,
            user__is_active=True,
            squad__isnull=False,
        )
        .select_related("user")
        .order_by("id")
    )
    written = 0
    for member in leaders:
        user = member.user
        cases = complaints_visible_to(user=user).filter(status__in=list(OPEN_STATUSES))
        total = cases.count()
        if not total:
            continue
        first = cases.select_related("squad").order_by(
            F("current_due_at").asc(nulls_last=True), "id"
        )[:DIGEST_LINES]
        context = {"cases": [_case_line(c) for c in first], "count": total}
        key = f"digest:{today.isoformat()}:{user.pk}"
        with transaction.atomic():
            if notify(
                channel="site",
                template="morning_digest",
                context=context,
                user=user,
                dedupe_key=key,
            ):
                written += 1
            if user.email:
                notify(
                    channel="email",
                    template="morning_digest",
                    context=context,
                    recipient=user.email,
                    user=user,
                    dedupe_key=f"{key}:email",
                )
    return written


SUMMARY_LINES = 100


def overdue_summary(*, now: datetime | None = None) -> int:
    """Tell the supervisors which cases are overdue, unit by unit; nothing on days
    off. Returns the number of supervisors written to."""
    from citymgmt.notifications.services import notify

    now = now or timezone.now()
    today = timezone.localdate(now)
    if not is_working_day(today):
        return 0
    overdue = Complaint.objects.filter(
        status__in=list(OPEN_STATUSES), current_due_at__lt=now
    )
    per_unit = {
        row["squad__name"] or "—": row["n"]
        for row in overdue.values("squad__name").annotate(n=Count("id"))
    }
    total = sum(per_unit.values())
    if not total:
        return 0
    first = overdue.select_related("squad").order_by(
        F("squad__position").asc(nulls_first=True),
        "squad__code",
        "current_due_at",
        "id",
    )[:SUMMARY_LINES]
    context = {
        "cases": [_case_line(c) for c in first],
        "count": total,
        "per_unit": per_unit,
    }
    supervisors = (
        Member.objects.filter(
            role=Role.SUPERVISOR, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("id")
    )
    written = 0
    for member in supervisors:
        user = member.user
        key = f"overdue-summary:{today.isoformat()}:{user.pk}"
        with transaction.atomic():
            if notify(
                channel="site",
                template="overdue_summary",
                context=context,
                user=user,
                dedupe_key=key,
            ):
                written += 1
            if user.email:
                notify(
                    channel="email",
                    template="overdue_summary",
                    context=context,
                    recipient=user.email,
                    user=user,
                    dedupe_key=f"{key}:email",
                )
    return written
