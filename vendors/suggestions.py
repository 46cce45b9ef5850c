"""Hotspot suggestions: where and when street-order complaints keep coming.

The rule (settings, defaults in brackets): HOTSPOT_SUGGEST_COMPLAINTS [3] or
more complaints in one community, filed in the last HOTSPOT_SUGGEST_DAYS [14]
days in a category of HOTSPOT_CATEGORY_CODES [09001 无照经营游商, 09005 店外经营,
09006 占道经营], whose local times of day (Asia/Shanghai, whatever the date)
lie at most HOTSPOT_SUGGEST_MINUTES [60] apart, suggest a hotspot.

Which complaints form a group: per community, the complaints sorted by time
of day; the span of HOTSPOT_SUGGEST_MINUTES holding the most of them (the
earliest such span on a tie) is a group if it holds enough; its complaints are
taken out and the rest searched again. Spans do not wrap past midnight.

The window suggested is the tightest span that holds the group, widened to
the quarter hour: its start rounded down, its end rounded up (15:40, 16:05,
16:30 → 15:30–16:30; a group all at 16:00 → 16:00–16:15).

Not suggested again: complaints already in a suggestion (suggested, confirmed
or dismissed — a dismissal is not undone by the next run), and a window that
overlaps (by time of day) an open suggestion of the community or a window of
its hotspots being watched or active. Rejected, duplicate and cancelled cases
do not count. So the daily job is idempotent: a second run finds nothing new.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import dates, timezone, translation
from django.utils.translation import gettext as _

from citymgmt.errors import NotAllowed
from citymgmt.notifications.services import notify_many, staff_messages
from citymgmt.workdays.calendar import is_working_day
from complaints.models import Complaint, Status
from squads.models import Member
from squads.roles import LEADERS, Role, squad_ids_in_scope
from vendors.models import (
    Hotspot,
    HotspotStatus,
    HotspotSuggestion,
    HotspotWindow,
    SuggestionStatus,
)
from vendors.selectors import in_scope
from vendors.services.common import User, require_role, require_scope
from vendors.services.hotspots import Window, hotspot_open

KEEPERS = LEADERS | {Role.SUPERVISOR}
QUARTER = 15
LAST_MINUTE = 24 * 60 - 1
# Cases that are not an occurrence of their own.
NOT_COUNTED = (Status.REJECTED, Status.DUPLICATE, Status.CANCELLED)
WATCHED = (HotspotStatus.WATCHING, HotspotStatus.ACTIVE)


@dataclass(frozen=True)
class Candidate:
    """A group of complaints that suggests a hotspot, not yet recorded."""

    community_id: int
    squad_id: int
    category_id: int
    start: time
    end: time
    weekdays: int
    on_working_days: bool
    place: str
    complaint_ids: tuple[int, ...]


@dataclass(frozen=True)
class _Case:
    id: int
    minute: int  # local minute of the day
    day: Any  # local date
    category_id: int
    address: str


def _as_time(minute: int) -> time:
    return time(minute // 60, minute % 60)


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def suggestion_window(minutes: Sequence[int]) -> tuple[time, time]:
    """The tightest span holding these minutes of the day, widened to quarters."""
    first, last = min(minutes), max(minutes)
    start = first - first % QUARTER
    end = last + (-last) % QUARTER
    if end == start:
        end = start + QUARTER
    return _as_time(start), _as_time(min(end, LAST_MINUTE))


def _groups(cases: list[_Case], *, width: int, least: int) -> list[list[_Case]]:
    """Groups of at least `least` cases within `width` minutes, largest first."""
    remaining = sorted(cases, key=lambda case: (case.minute, case.id))
    found = []
    while len(remaining) >= least:
        best_from, best_to = 0, 0
        end = 0
        for begin in range(len(remaining)):
            end = max(end, begin)
            while (
                end < len(remaining)
                and remaining[end].minute - remaining[begin].minute <= width
            ):
                end += 1
            if end - begin > best_to - best_from:
                best_from, best_to = begin, end
        if best_to - best_from < least:
            break
        found.append(remaining[best_from:best_to])
        remaining = remaining[:best_from] + remaining[best_to:]
    return found


def _overlaps(start: time, end: time, taken: Iterable[tuple[time, time]]) -> bool:
    return any(
        start < other_end and other_start < end for other_start, other_end in taken
    )


def hotspot_candidates(*, now: datetime | None = None) -> list[Candidate]:
    """The groups of recent street-order complaints that suggest a new hotspot."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.HOTSPOT_SUGGEST_DAYS)
    rows = (
        Complaint.objects.filter(
            category__code__in=list(settings.HOTSPOT_CATEGORY_CODES),
            submitted_at__gte=since,
            submitted_at__lte=now,
            community__covering_squad__isnull=False,
            hotspot_suggestions__isnull=True,
        )
        .exclude(status__in=NOT_COUNTED)
        .values_list(
            "id",
            "community_id",
            "community__covering_squad_id",
            "category_id",
            "submitted_at",
            "address",
        )
        .order_by("community_id", "submitted_at", "id")
    )
    per_community: dict[int, list[_Case]] = defaultdict(list)
    squads: dict[int, int] = {}
    for pk, community_id, squad_id, category_id, submitted_at, address in rows:
        local = timezone.localtime(submitted_at)
        per_community[community_id].append(
            _Case(
                id=pk,
                minute=local.hour * 60 + local.minute,
                day=local.date(),
                category_id=category_id,
                address=address,
            )
        )
        squads[community_id] = squad_id
    least = settings.HOTSPOT_SUGGEST_COMPLAINTS
    busy = [c for c, cases in per_community.items() if len(cases) >= least]
    if not busy:
        return []
    taken: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for community_id, start, end in HotspotSuggestion.objects.filter(
        community_id__in=busy, status=SuggestionStatus.SUGGESTED
    ).values_list("community_id", "start", "end"):
        taken[community_id].append((start, end))
    for community_id, start, end in HotspotWindow.objects.filter(
        hotspot__community_id__in=busy, hotspot__status__in=WATCHED
    ).values_list("hotspot__community_id", "start", "end"):
        taken[community_id].append((start, end))
    candidates = []
    for community_id in busy:
        groups = _groups(
            per_community[community_id],
            width=settings.HOTSPOT_SUGGEST_MINUTES,
            least=least,
        )
        for group in groups:
            start, end = suggestion_window([case.minute for case in group])
            if _overlaps(start, end, taken[community_id]):
                continue
            taken[community_id].append((start, end))
            by_time = sorted(group, key=lambda case: (case.day, case.minute, case.id))
            categories = Counter(case.category_id for case in by_time)
            candidates.append(
                Candidate(
                    community_id=community_id,
                    squad_id=squads[community_id],
                    category_id=categories.most_common(1)[0][0],
                    start=start,
                    end=end,
                    weekdays=sum({1 << case.day.weekday() for case in group}),
                    on_working_days=all(is_working_day(case.day) for case in group),
                    place=by_time[-1].address,
                    complaint_ids=tuple(sorted(case.id for case in group)),
                )
            )
    return candidates


def weekday_names(bits: int) -> str:
    """The weekdays of a bit set, in the active language (周一、周三 / Mon, Wed)."""
    names = [str(dates.WEEKDAYS_ABBR[day]) for day in range(7) if bits & (1 << day)]
    return _(", ").join(names)


def _tell_leaders(suggestion: HotspotSuggestion, *, count: int) -> int:
    leaders = Member.objects.filter(
        squad_id=suggestion.squad_id,
        role__in=list(LEADERS),
        is_active=True,
        user__is_active=True,
    ).select_related("user", "squad")
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "community": suggestion.community.name,
            "start": f"{suggestion.start:%H:%M}",
            "end": f"{suggestion.end:%H:%M}",
            "count": count,
            "days": settings.HOTSPOT_SUGGEST_DAYS,
            "weekdays": weekday_names(suggestion.weekdays),
        }
    messages = [
        message
        for member in leaders.order_by("id")
        for message in staff_messages(
            user=member.user,
            template="hotspot_suggested",
            context=context,
            dedupe_key=f"hotspot-suggested:{suggestion.pk}:{member.user_id}",
        )
    ]
    return notify_many(messages)


@transaction.atomic
def suggestion_record(
    *, candidate: Candidate, now: datetime | None = None
) -> HotspotSuggestion | None:
    """Record a suggested hotspot and tell the covering unit's leaders.

    Returns None when another run recorded the same window first.
    """
    now = now or timezone.now()
    suggestion = HotspotSuggestion(
        community_id=candidate.community_id,
        squad_id=candidate.squad_id,
        category_id=candidate.category_id,
        start=candidate.start,
        end=candidate.end,
        weekdays=candidate.weekdays,
        on_working_days=candidate.on_working_days,
        place=candidate.place[:256],
        created_at=now,
    )
    try:
        with transaction.atomic():
            suggestion.save()
    except IntegrityError:
        return None
    suggestion.complaints.add(*candidate.complaint_ids)
    _tell_leaders(suggestion, count=len(candidate.complaint_ids))
    return suggestion


def hotspots_suggest(*, now: datetime | None = None) -> int:
    """The daily job: record every new suggestion; returns how many."""
    recorded = 0
    for candidate in hotspot_candidates(now=now):
        if suggestion_record(candidate=candidate, now=now) is not None:
            recorded += 1
    return recorded


def suggestions_visible_to(*, user: User) -> QuerySet[HotspotSuggestion]:
    """The suggestions of the units in the user's scope."""
    qs = HotspotSuggestion.objects.select_related(
        "community", "squad", "category", "hotspot"
    )
    scope = squad_ids_in_scope(user=user)
    return qs if scope is None else qs.filter(squad_id__in=scope)


def _decide(suggestion: HotspotSuggestion, *, by: User) -> HotspotSuggestion:
    require_role(by, KEEPERS, what=_("decide on hotspot suggestions"))
    require_scope(
        by, suggestion.squad_id, message=_("No such hotspot suggestion in your unit.")
    )
    locked = (
        HotspotSuggestion.objects.select_for_update(no_key=True, of=("self",))
        .select_related("community")
        .get(pk=suggestion.pk)
    )
    if locked.status != SuggestionStatus.SUGGESTED:
        raise NotAllowed(
            _("This suggestion was already %(status)s.")
            % {"status": locked.get_status_display()}
        )
    return locked


def suggested_window(suggestion: HotspotSuggestion) -> Window:
    """The window a confirmation pre-fills: working days if every case came on one."""
    if suggestion.on_working_days:
        return Window(start=suggestion.start, end=suggestion.end, working_days=True)
    return Window(
        start=suggestion.start,
        end=suggestion.end,
        weekdays=tuple(suggestion.weekday_numbers()),
    )


@transaction.atomic
def suggestion_confirm(
    *,
    suggestion: HotspotSuggestion,
    by: User,
    name: str = "",
    place: str = "",
    window: Window | None = None,
) -> Hotspot:
    """Open the hotspot a suggestion names, its window pre-filled, its cases linked."""
    locked = _decide(suggestion, by=by)
    community = locked.community
    window = window or suggested_window(locked)
    name = (name or "").strip() or _("%(community)s %(start)s–%(end)s") % {
        "community": community.name,
        "start": f"{window.start:%H:%M}",
        "end": f"{window.end:%H:%M}",
    }
    place = (place or "").strip() or locked.place or community.name
    complaints = [
        complaint
        for complaint in locked.complaints.order_by("id")
        if in_scope(user=by, squad_id=complaint.squad_id)
    ]
    hotspot = hotspot_open(
        by=by,
        name=name,
        community=community,
        place=place,
        category=locked.category,
        windows=[window],
        complaints=complaints,
    )
    locked.status = SuggestionStatus.CONFIRMED
    locked.hotspot = hotspot
    locked.decided_at = timezone.now()
    locked.decided_by = by if by.pk else None
    locked.save(update_fields=["status", "hotspot", "decided_at", "decided_by"])
    return hotspot


@transaction.atomic
def suggestion_dismiss(
    *, suggestion: HotspotSuggestion, by: User, note: str = ""
) -> HotspotSuggestion:
    """Dismiss a suggestion; its complaints are not suggested again."""
    locked = _decide(suggestion, by=by)
    locked.status = SuggestionStatus.DISMISSED
    locked.decided_at = timezone.now()
    locked.decided_by = by if by.pk else None
    locked.note = (note or "").strip()
    locked.save(update_fields=["status", "decided_at", "decided_by", "note"])
    return locked


__all__ = [
    "Candidate",
    "hotspot_candidates",
    "hotspots_suggest",
    "suggested_window",
    "suggestion_confirm",
    "suggestion_dismiss",
    "suggestion_record",
    "suggestion_window",
    "suggestions_visible_to",
    "weekday_names",
]
