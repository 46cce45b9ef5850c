"""Duty posts laid out on working days, and the leaders' list of posts unchecked.

Each active hotspot gets a post (定时定点值守) on every working day of the
calendar (citymgmt.workdays: holidays off, 调休 make-up days on), one per
window that applies that day: a working-days window on every working day, a
weekday window on those of its weekdays that are working days (officers'
duty follows the calendar). Watching and cleared hotspots get none.

The duty digest is its own message rather than a section of the complaints'
morning digest: complaints does not know vendors (dependencies point
vendors → complaints), and a leader with no open case still hears about a
post nobody checked in at.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from citymgmt.notifications.services import notify_many, staff_messages
from citymgmt.workdays.calendar import is_working_day
from squads.models import Member
from squads.roles import LEADERS, squad_ids_in_scope
from vendors.models import CheckIn, DutyPost, HotspotStatus, HotspotWindow

DIGEST_LINES = 30
# How far back the digest looks for the last working day before today.
LOOK_BACK_DAYS = 15


def windows_on(day: date) -> QuerySet[HotspotWindow]:
    """The windows of active hotspots that call for a post on this day."""
    windows = HotspotWindow.objects.filter(hotspot__status=HotspotStatus.ACTIVE)
    if not is_working_day(day):
        return windows.none()
    bit = 1 << day.weekday()
    return windows.annotate(on_the_day=F("weekdays").bitand(bit)).filter(
        Q(working_days=True) | Q(on_the_day__gt=0)
    )


@transaction.atomic
def duty_posts_create(*, day: date | None = None) -> int:
    """Lay out the day's duty posts at the active hotspots; returns how many are new.

    Run twice, it adds nothing: a post is unique per hotspot, day and start.
    """
    day = day or timezone.localdate()
    rows = list(
        windows_on(day).select_related("hotspot").order_by("hotspot_id", "start", "id")
    )
    if not rows:
        return 0
    existing = set(
        DutyPost.objects.filter(
            date=day, hotspot_id__in={w.hotspot_id for w in rows}
        ).values_list("hotspot_id", "start")
    )
    new = []
    for window in rows:
        if (window.hotspot_id, window.start) in existing:
            continue
        existing.add((window.hotspot_id, window.start))
        new.append(
            DutyPost(
                hotspot_id=window.hotspot_id,
                window=window,
                date=day,
                start=window.start,
                end=window.end,
                squad_id=window.hotspot.squad_id,
            )
        )
    # A racing run inserts the same (hotspot, date, start): the row is skipped.
    created = DutyPost.objects.bulk_create(new, ignore_conflicts=True)
    return len(created)


def previous_working_day(day: date) -> date:
    """The last working day before this one (at most LOOK_BACK_DAYS back)."""
    for back in range(1, LOOK_BACK_DAYS + 1):
        earlier = day - timedelta(days=back)
        if is_working_day(earlier):
            return earlier
    return day - timedelta(days=1)


def posts_without_checkin(
    *, today: date | None = None, squad_ids: set[int] | None = None
) -> QuerySet[DutyPost]:
    """Posts of the last working day and today that nobody checked in at."""
    today = today or timezone.localdate()
    posts = DutyPost.objects.filter(
        date__gte=previous_working_day(today), date__lte=today
    ).filter(~Exists(CheckIn.objects.filter(post=OuterRef("pk"))))
    if squad_ids is not None:
        posts = posts.filter(squad_id__in=squad_ids)
    return posts.select_related("hotspot").order_by("date", "start", "id")


def _line(post: DutyPost) -> dict[str, str]:
    return {
        "date": post.date.isoformat(),
        "start": f"{post.start:%H:%M}",
        "end": f"{post.end:%H:%M}",
        "hotspot": post.hotspot.name,
    }


@transaction.atomic
def duty_digest(*, now: datetime | None = None) -> int:
    """Tell each unit leader the posts in their scope without a check-in.

    Nothing on days off; returns the messages written (the bell, and email for
    a leader with an address). Run twice on a day, it writes nothing more (one
    key per leader and day).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not is_working_day(today):
        return 0
    posts = list(posts_without_checkin(today=today))
    if not posts:
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
    messages = []
    for member in leaders:
        scope = squad_ids_in_scope(user=member.user)
        theirs = [p for p in posts if scope is None or p.squad_id in scope]
        if not theirs:
            continue
        context = {
            "cases": [_line(post) for post in theirs[:DIGEST_LINES]],
            "count": len(theirs),
        }
        messages += staff_messages(
            user=member.user,
            template="duty_digest",
            context=context,
            dedupe_key=f"duty-digest:{today.isoformat()}:{member.user_id}",
        )
    return notify_many(messages)


__all__ = [
    "duty_digest",
    "duty_posts_create",
    "posts_without_checkin",
    "previous_working_day",
    "windows_on",
]
