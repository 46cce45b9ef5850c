"""Hotspots (流动摊点聚集点), their time windows, duty posts and check-ins."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt.errors import InvalidInput, NotAllowed, full_clean_or_refuse
from citymgmt.photos import PreparedPhoto
from complaints.models import Category, Complaint
from squads.models import Area
from squads.roles import LEADERS, UNIT_ROLES, Role
from vendors.models import (
    CheckIn,
    DutyPost,
    Hotspot,
    HotspotStatus,
    HotspotWindow,
)
from vendors.services.common import (
    User,
    acting_member,
    attach_photo,
    require_role,
    require_scope,
)

KEEPERS = LEADERS | {Role.SUPERVISOR}
STAFF = UNIT_ROLES | {Role.SUPERVISOR}
H = HotspotStatus


@dataclass(frozen=True)
class Window:
    """A time window as typed: working days, or weekdays (0 = Monday), and a span."""

    start: time
    end: time
    working_days: bool = False
    weekdays: Sequence[int] = ()

    @property
    def weekday_bits(self) -> int:
        return sum(1 << day for day in set(self.weekdays) if 0 <= day < 7)


def _window_refusal(window: Window) -> InvalidInput | None:
    if window.end <= window.start:
        return InvalidInput(
            _("The window must end after it starts (%(start)s–%(end)s).")
            % {"start": f"{window.start:%H:%M}", "end": f"{window.end:%H:%M}"},
            field="end",
        )
    if window.working_days and window.weekdays:
        return InvalidInput(
            _("Choose working days or a set of weekdays, not both."), field="weekdays"
        )
    if not window.working_days and not window.weekday_bits:
        return InvalidInput(
            _("Choose working days or at least one weekday."), field="weekdays"
        )
    return None


def _lock(hotspot: Hotspot) -> Hotspot:
    return Hotspot.objects.select_for_update(no_key=True).get(pk=hotspot.pk)


@transaction.atomic
def hotspot_open(
    *,
    by: User,
    name: str,
    community: Area,
    place: str,
    category: Category,
    windows: Iterable[Window] = (),
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    complaints: Iterable[Complaint] = (),
) -> Hotspot:
    """Start watching a place where vendors gather, with its time windows."""
    require_role(by, KEEPERS, what=_("open hotspots"))
    squad_id = community.covering_squad_id
    if squad_id is None:
        raise InvalidInput(_("Choose a community."), field="community")
    require_scope(
        by, squad_id, message=_("That community is not covered by your unit.")
    )
    windows = list(windows)
    for window in windows:
        refused = _window_refusal(window)
        if refused:
            raise refused
    hotspot = Hotspot(
        name=(name or "").strip(),
        community=community,
        squad_id=squad_id,
        place=(place or "").strip(),
        category=category,
        latitude=latitude,
        longitude=longitude,
        status=H.WATCHING,
        opened_at=timezone.now(),
    )
    full_clean_or_refuse(hotspot)
    hotspot.save()
    HotspotWindow.objects.bulk_create(
        HotspotWindow(
            hotspot=hotspot,
            working_days=window.working_days,
            weekdays=0 if window.working_days else window.weekday_bits,
            start=window.start,
            end=window.end,
        )
        for window in windows
    )
    hotspot_link_complaints(hotspot=hotspot, by=by, complaints=complaints)
    return hotspot


@transaction.atomic
def hotspot_save(
    *,
    by: User,
    hotspot: Hotspot,
    name: str,
    community: Area,
    place: str,
    category: Category,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Hotspot:
    """Change what a hotspot is called, where it is and what it is about."""
    require_role(by, KEEPERS, what=_("change hotspots"))
    require_scope(by, hotspot.squad_id, message=_("No such hotspot in your unit."))
    require_scope(
        by,
        community.covering_squad_id,
        message=_("That community is not covered by your unit."),
    )
    hotspot.name = (name or "").strip()
    hotspot.community = community
    hotspot.place = (place or "").strip()
    hotspot.category = category
    hotspot.latitude = latitude
    hotspot.longitude = longitude
    full_clean_or_refuse(hotspot)
    hotspot.save(
        update_fields=[
            "name",
            "community",
            "place",
            "category",
            "latitude",
            "longitude",
            "updated_at",
        ]
    )
    return hotspot


@transaction.atomic
def hotspot_window_delete(*, window: HotspotWindow, by: User) -> None:
    """Remove a time window from a hotspot."""
    require_role(by, KEEPERS, what=_("change hotspots"))
    require_scope(
        by, window.hotspot.squad_id, message=_("No such hotspot in your unit.")
    )
    window.delete()


@transaction.atomic
def hotspot_window_save(
    *,
    hotspot: Hotspot,
    by: User,
    window: Window,
    existing: HotspotWindow | None = None,
) -> HotspotWindow:
    """Add a time window to a hotspot, or change one."""
    require_role(by, KEEPERS, what=_("change hotspots"))
    require_scope(by, hotspot.squad_id, message=_("No such hotspot in your unit."))
    refused = _window_refusal(window)
    if refused:
        raise refused
    row = existing or HotspotWindow(hotspot=hotspot)
    if row.hotspot_id != hotspot.pk:
        raise InvalidInput(_("This window belongs to another hotspot."))
    row.working_days = window.working_days
    row.weekdays = 0 if window.working_days else window.weekday_bits
    row.start = window.start
    row.end = window.end
    full_clean_or_refuse(row)
    row.save()
    return row


@transaction.atomic
def hotspot_link_complaints(
    *, hotspot: Hotspot, by: User, complaints: Iterable[Complaint]
) -> Hotspot:
    """Link cases about the hotspot (they must be the unit's own)."""
    require_scope(by, hotspot.squad_id, message=_("No such hotspot in your unit."))
    complaints = list(complaints)
    for complaint in complaints:
        require_scope(by, complaint.squad_id, message=_("No such case in your unit."))
    if complaints:
        hotspot.complaints.add(*complaints)
    return hotspot


def _move(hotspot: Hotspot, *, by: User, sources: set[str], target: str) -> Hotspot:
    require_role(by, KEEPERS, what=_("change hotspots"))
    require_scope(by, hotspot.squad_id, message=_("No such hotspot in your unit."))
    locked = _lock(hotspot)
    if locked.status not in sources:
        raise NotAllowed(
            _("Not possible while the hotspot is %(status)s.")
            % {"status": locked.get_status_display()}
        )
    locked.status = target
    locked.cleared_at = timezone.now() if target == H.CLEARED else None
    locked.save(update_fields=["status", "cleared_at", "updated_at"])
    return locked


@transaction.atomic
def hotspot_activate(*, hotspot: Hotspot, by: User) -> Hotspot:
    """Vendors gather here now: watch it with duty posts (also when they come back)."""
    return _move(hotspot, by=by, sources={H.WATCHING, H.CLEARED}, target=H.ACTIVE)


@transaction.atomic
def hotspot_clear(*, hotspot: Hotspot, by: User) -> Hotspot:
    """The place is clean again: only after N check-ins in a row found no vendor."""
    needed = settings.HOTSPOT_CLEAN_CHECKINS
    latest = list(
        CheckIn.objects.filter(post__hotspot=hotspot)
        .order_by("-at", "-id")
        .values_list("vendors_present", flat=True)[:needed]
    )
    clean = 0
    for present in latest:
        if present:
            break
        clean += 1
    if clean < needed:
        raise NotAllowed(
            _(
                "Clearing needs %(needed)s check-ins in a row with no vendors; "
                "the latest %(clean)s were clean."
            )
            % {"needed": needed, "clean": clean}
        )
    return _move(hotspot, by=by, sources={H.WATCHING, H.ACTIVE}, target=H.CLEARED)


@transaction.atomic
def duty_post_save(
    *,
    hotspot: Hotspot,
    by: User,
    date: date,
    start: time,
    end: time,
    window: HotspotWindow | None = None,
) -> DutyPost:
    """Put a duty post at a hotspot on a day, during a window."""
    require_role(by, KEEPERS, what=_("set duty posts"))
    require_scope(by, hotspot.squad_id, message=_("No such hotspot in your unit."))
    if end <= start:
        raise InvalidInput(_("The post must end after it starts."), field="end")
    if DutyPost.objects.filter(hotspot=hotspot, date=date, start=start).exists():
        raise InvalidInput(
            _("There is already a post at this hotspot on %(date)s at %(start)s.")
            % {"date": date.isoformat(), "start": f"{start:%H:%M}"},
            field="start",
        )
    post = DutyPost(
        hotspot=hotspot,
        window=window,
        date=date,
        start=start,
        end=end,
        squad_id=hotspot.squad_id,
    )
    full_clean_or_refuse(post, validate_constraints=False)
    post.save()
    return post


@transaction.atomic
def checkin_record(
    *,
    post: DutyPost,
    by: User,
    vendors_present: int,
    note: str = "",
    photo: PreparedPhoto | None = None,
    at: datetime | None = None,
) -> CheckIn:
    """An officer at a duty post says how many vendors are there."""
    require_role(by, STAFF, what=_("check in at duty posts"))
    require_scope(by, post.squad_id, message=_("No such duty post in your unit."))
    officer = acting_member(by)
    if officer is None:
        raise InvalidInput(_("Only a member of staff checks in."), field="officer")
    if vendors_present is None or vendors_present < 0:
        raise InvalidInput(
            _("The number of vendors present is 0 or more."), field="vendors_present"
        )
    at = at or timezone.now()
    if at > timezone.now():
        raise InvalidInput(_("A check-in cannot be in the future."), field="at")
    checkin = CheckIn(
        post=post,
        officer=officer,
        at=at,
        vendors_present=vendors_present,
        note=(note or "").strip(),
    )
    attach_photo(checkin, photo)
    full_clean_or_refuse(checkin)
    checkin.save()
    return checkin


__all__ = [
    "Window",
    "checkin_record",
    "duty_post_save",
    "hotspot_activate",
    "hotspot_clear",
    "hotspot_link_complaints",
    "hotspot_open",
    "hotspot_save",
    "hotspot_window_delete",
    "hotspot_window_save",
]
