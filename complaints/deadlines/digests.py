"""Daily digests: each unit leader's open cases, and the supervisors' overdue list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from citymgmt.notifications.models import Notification
from citymgmt.notifications.services import notify_staff
from citymgmt.workdays.calendar import is_working_day
from complaints.deadlines.clock import current_stage
from complaints.models import OPEN_STATUSES, Complaint
from complaints.selectors import complaints_visible_to
from squads.models import Member
from squads.roles import LEADERS, Role

DIGEST_LINES = 30


def _case_line(complaint: Complaint) -> dict[str, Any]:
    return {
        "reference": complaint.reference,
        "stage": current_stage(complaint) or "",
        "due_at": complaint.current_due_at.isoformat()
        if complaint.current_due_at
        else "",
        "unit": complaint.squad.name if complaint.squad is not None else "",
    }


def _write(user: Any, *, template: str, context: dict[str, Any], key: str) -> bool:
    """Write a digest to the bell (and email); True if the bell's row is new."""
    with transaction.atomic():
        rows = notify_staff(
            user=user, template=template, context=context, dedupe_key=key
        )
    return any(row.channel == Notification.Channel.SITE for row in rows)


def morning_digest(*, now: datetime | None = None) -> int:
    """Send each unit leader their open cases by due time; nothing on days off.

    Returns the number of leaders written to. Run twice on a day, it sends
    nothing more (one key per leader and day).
    """
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
        if _write(user, template="morning_digest", context=context, key=key):
            written += 1
    return written


SUMMARY_LINES = 100


def overdue_summary(*, now: datetime | None = None) -> int:
    """Tell the supervisors which cases are overdue, unit by unit; nothing on days
    off. Returns the number of supervisors written to."""
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
        if _write(user, template="overdue_summary", context=context, key=key):
            written += 1
    return written
