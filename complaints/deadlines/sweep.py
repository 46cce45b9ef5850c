"""The sweep: send each reminder, overdue notice and escalation that is due, once.

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
from django.db.models import Q
from django.utils import timezone

from citymgmt.notifications.services import Message, notify_many, staff_messages
from complaints.deadlines.clock import ESCALATED, OVERDUE, current_stage, milestones
from complaints.models import Complaint, Reminder, Stage
from squads.models import Member, Squad
from squads.roles import LEADERS, Role

logger = logging.getLogger(__name__)

# The desk (dispatchers) owns these stages; the unit owns signing and disposal.
DESK_STAGES = frozenset({Stage.ACCEPT, Stage.DISPATCH, Stage.VERIFY})


@dataclass
class SweepReport:
    """What one sweep did: the cases it looked at and what it sent."""

    looked_at: int = 0
    reminders: Counter[str] = field(default_factory=Counter)
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
            assignee = complaint.assignee
            if assignee is not None and assignee.is_active:
                people.append(assignee.user)
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


def _reminder_messages(
    complaint: Complaint,
    reminder: Reminder,
    *,
    staff: Staff,
) -> list[Message]:
    """One reminder's messages to each of its recipients (bell, and email)."""
    threshold = reminder.threshold
    template = {OVERDUE: "deadline_overdue", ESCALATED: "deadline_escalated"}.get(
        threshold, "deadline_reminder"
    )
    due_key = reminder.due_at.astimezone(UTC).isoformat()
    context = {
        "reference": complaint.reference,
        "stage": reminder.stage,
        "due_at": reminder.due_at,
        "unit": complaint.squad.name if complaint.squad is not None else "",
    }
    if threshold.isdigit():
        context["percent"] = int(threshold)
    messages: list[Message] = []
    for user in recipients(
        complaint, stage=reminder.stage, threshold=threshold, staff=staff
    ):
        key = (
            f"reminder:{complaint.pk}:{reminder.stage}:{threshold}:{due_key}:{user.pk}"
        )
        messages += staff_messages(
            user=user, template=template, context=context, dedupe_key=key
        )
    return messages


def _sweep_batch(
    ids: list[int], *, now: datetime, claim: uuid.UUID, staff: Staff
) -> tuple[int, Counter[str], int]:
    """Lock the batch's due cases, claim their reminders and send the claimed ones;
    return the cases looked at, the reminders by threshold and the messages."""
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
        stage, due = current_stage(complaint), complaint.current_due_at
        if stage is None or due is None:
            # Nothing to watch: closed, or no rule gave the stage a due moment.
            complaint.next_check_at = None
            continue
        send, complaint.next_check_at = due_to_send(complaint, now=now)
        wanted += [
            Reminder(
                complaint=complaint,
                stage=stage,
                threshold=label,
                due_at=due,
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
    counts: Counter[str] = Counter()
    messages: list[Message] = []
    for reminder in mine:
        counts[reminder.threshold] += 1
        messages += _reminder_messages(
            by_id[reminder.complaint_id], reminder, staff=staff
        )
    # The batch's messages in one INSERT, published after commit in batches.
    notifications = notify_many(messages)
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
