"""Moving a demo case back in time: office hours, stage stamps, due times."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from complaints import deadlines
from complaints.deadlines import durations
from complaints.models import Attachment, Complaint, ComplaintEvent, DailySequence


def office_hours(at: datetime, rng: random.Random) -> datetime:
    """Move a staff action into the command centre's day shift (08:00-21:00)."""
    local = timezone.localtime(at)
    if local.hour < 8:
        day = local.date()
    elif local.hour >= 21:
        day = local.date() + timedelta(days=1)
    else:
        return at
    start = timezone.make_aware(datetime.combine(day, time(8)))
    return start + timedelta(minutes=rng.randint(0, 50))


STAGES = {
    "accept": "accepted_at",
    "dispatch": "dispatched_at",
    "sign": "signed_at",
    "dispose": "disposed_at",
    "verify": "closed_at",
    "reject": "closed_at",
    "merge": "closed_at",
    "cancel": "closed_at",
    "rate": "rated_at",
}


def backdate(complaint: Complaint, timeline: list[tuple[ComplaintEvent, datetime]]):
    """Move a case's events, photos and stage times to the planned moments."""
    stamps: dict[str, datetime] = {}
    for event, at in timeline:
        ComplaintEvent.objects.filter(pk=event.pk).update(created_at=at)
        Attachment.objects.filter(event_id=event.pk).update(created_at=at)
        if event.action in STAGES:
            stamps[STAGES[event.action]] = at  # the last one counts
    current = Complaint.objects.filter(pk=complaint.pk)
    row = current.values(*set(STAGES.values()), "consent_at").get()
    start = timeline[0][1]
    update: dict[str, Any] = {"submitted_at": start, "updated_at": timeline[-1][1]}
    if row["consent_at"] is not None:
        update["consent_at"] = start
    for name in set(STAGES.values()):
        if row[name] is not None:
            update[name] = stamps[name]
    current.update(**update)
    # Due times as the clock would have set them at the backdated moments.
    moved = current.get()
    current.update(**{name: getattr(moved, name) for name in deadlines.replay(moved)})
    # Working durations as the services would have stored them then.
    current.update(
        **durations.from_history(
            moved.events.order_by("created_at", "id").values_list(
                "action", "created_at"
            )
        )
    )


def renumber(complaints: list[Complaint], before: dict) -> None:
    """Number each case on the day it was filed, after what the day had."""
    for complaint in complaints:
        Complaint.objects.filter(pk=complaint.pk).update(
            reference=f"demo-{complaint.pk}"
        )
    by_day: dict[Any, list[Complaint]] = defaultdict(list)
    rows = Complaint.objects.filter(pk__in=[c.pk for c in complaints])
    for complaint in rows.order_by("submitted_at", "pk"):
        by_day[timezone.localdate(complaint.submitted_at)].append(complaint)
    for day, cases in by_day.items():
        start = before.get(day, 0)
        for n, complaint in enumerate(cases, start=start + 1):
            Complaint.objects.filter(pk=complaint.pk).update(
                reference=f"{day:%Y%m%d}-{n:04d}"
            )
    # The submissions themselves counted on the day they ran: undo that.
    for day in set(DailySequence.objects.values_list("day", flat=True)):
        if day not in by_day and day not in before:
            DailySequence.objects.filter(day=day).delete()
    for day in set(before) | set(by_day):
        DailySequence.objects.update_or_create(
            day=day, defaults={"last": before.get(day, 0) + len(by_day[day])}
        )
