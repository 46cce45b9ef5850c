"""Reads of the vendors app, each starting from the user's unit scope.

Markets and their stalls are public reference data: every member of staff
(and the public pages) reads them all, but only the market's covering unit
(and the bureau-wide roles) may change them. The ledger — vendors,
relocations, hotspots, duty posts — is seen only inside the unit scope
(`squads.roles.squad_ids_in_scope`); a row outside it is never looked up by
id, so the admin answers 404.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt.errors import DomainError, Forbidden, NotAllowed, NotFound
from complaints.models import Complaint
from complaints.selectors import complaints_visible_to
from squads.roles import User, role_of, squad_ids_in_scope
from vendors.models import (
    CheckIn,
    DutyPost,
    FollowUp,
    Hotspot,
    Market,
    Relocation,
    RelocationEvent,
    RelocationStatus,
    Stall,
    StallStatus,
    Vendor,
)
from vendors.workflow import ACTIONS


def in_scope(*, user: User, squad_id: int | None) -> bool:
    """Whether a row of this unit is inside the user's scope."""
    scope = squad_ids_in_scope(user=user)
    return scope is None or squad_id in scope


def _scoped(qs: QuerySet, *, user: User, field: str = "squad_id") -> QuerySet:
    scope = squad_ids_in_scope(user=user)
    if scope is None:
        return qs
    return qs.filter(**{f"{field}__in": scope})


def with_stall_counts(qs: QuerySet[Market]) -> QuerySet[Market]:
    """Markets with their capacity (stalls not closed) and a count per status."""
    return qs.annotate(
        stall_count=Count("stalls"),
        capacity=Count("stalls", filter=~Q(stalls__status=StallStatus.CLOSED)),
        vacant_count=Count("stalls", filter=Q(stalls__status=StallStatus.VACANT)),
        reserved_count=Count("stalls", filter=Q(stalls__status=StallStatus.RESERVED)),
        occupied_count=Count("stalls", filter=Q(stalls__status=StallStatus.OCCUPIED)),
        closed_count=Count("stalls", filter=Q(stalls__status=StallStatus.CLOSED)),
    )


def markets_visible_to(*, user: User) -> QuerySet[Market]:
    """Every market: they are public reference data."""
    return Market.objects.select_related("community", "squad")


def markets_editable_by(*, user: User) -> QuerySet[Market]:
    """The markets whose stalls the user's unit keeps."""
    return _scoped(markets_visible_to(user=user), user=user)


def stalls_visible_to(*, user: User) -> QuerySet[Stall]:
    return Stall.objects.select_related("market")


def stalls_editable_by(*, user: User) -> QuerySet[Stall]:
    return _scoped(stalls_visible_to(user=user), user=user, field="market__squad_id")


def vendors_visible_to(*, user: User) -> QuerySet[Vendor]:
    return _scoped(Vendor.objects.select_related("squad", "usual_hotspot"), user=user)


def hotspots_visible_to(*, user: User) -> QuerySet[Hotspot]:
    return _scoped(
        Hotspot.objects.select_related("community", "squad", "category"), user=user
    )


def hotspot_complaints(*, user: User, hotspot: Hotspot) -> QuerySet[Complaint]:
    """The hotspot's linked cases that the user may see, newest first."""
    return (
        complaints_visible_to(user=user)
        .filter(hotspots=hotspot)
        .select_related("category")
        .order_by("-submitted_at", "-id")
    )


def relocations_visible_to(*, user: User) -> QuerySet[Relocation]:
    return _scoped(
        Relocation.objects.select_related(
            "vendor", "market", "stall__market", "officer", "squad"
        ),
        user=user,
    )


def followups_visible_to(*, user: User) -> QuerySet[FollowUp]:
    return _scoped(
        FollowUp.objects.select_related("relocation__vendor"),
        user=user,
        field="relocation__squad_id",
    )


def duty_posts_visible_to(*, user: User) -> QuerySet[DutyPost]:
    return _scoped(DutyPost.objects.select_related("hotspot", "squad"), user=user)


def checkins_visible_to(*, user: User) -> QuerySet[CheckIn]:
    return _scoped(
        CheckIn.objects.select_related("post__hotspot", "officer"),
        user=user,
        field="post__squad_id",
    )


def relocation_events(*, relocation: Relocation) -> QuerySet[RelocationEvent]:
    """A relocation's timeline, oldest first."""
    return relocation.events.select_related("actor").order_by("at", "id")


def followup_due_cutoff(*, within: int, today: date | None = None) -> date:
    """The last visit (or the move) on or before this date makes a visit due."""
    today = today or timezone.localdate()
    return today + timedelta(days=within - settings.VENDOR_FOLLOWUP_DAYS)


def with_last_visit(qs: QuerySet[Relocation]) -> QuerySet[Relocation]:
    """Relocations with the date of their last follow-up, else the move date."""
    last = (
        FollowUp.objects.filter(relocation=OuterRef("pk"))
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    return qs.annotate(last_visit_on=Coalesce(Subquery(last), "moved_on"))


def followups_due(
    *, user: User, within: int = 7, today: date | None = None
) -> QuerySet[Relocation]:
    """Moved vendors due a visit within `within` days.

    A visit is due VENDOR_FOLLOWUP_DAYS after the last one; without one yet,
    that many days after the move.
    """
    cutoff = followup_due_cutoff(within=within, today=today)
    return with_last_visit(
        relocations_visible_to(user=user).filter(status=RelocationStatus.MOVED)
    ).filter(Q(last_visit_on__lte=cutoff))


def relocation_refusal(
    *, user: User | None, relocation: Relocation, action: str
) -> DomainError | None:
    """Why the user may not take the action on this relocation now, or None."""
    spec = ACTIONS.get(action)
    if spec is None:
        return NotAllowed(
            _("There is no action called “%(action)s”.") % {"action": action}
        )
    role = role_of(user=user) if user is not None else None
    if role not in spec.roles:
        return Forbidden(
            _("Your role may not take the action “%(action)s”.")
            % {"action": spec.label}
        )
    assert user is not None  # noqa: S101 (a role means a user)
    if not in_scope(user=user, squad_id=relocation.squad_id):
        return NotFound(_("No such relocation in your unit."))
    if relocation.status not in spec.sources:
        return NotAllowed(
            _("“%(action)s” is not possible while the relocation is %(status)s.")
            % {"action": spec.label, "status": relocation.get_status_display()}
        )
    return None


def relocation_actions_for(*, user: User, relocation: Relocation) -> list[str]:
    """The actions this user may take on this relocation now, in table order."""
    return [
        name
        for name in ACTIONS
        if name not in ("offer", "link_complaint")
        and relocation_refusal(user=user, relocation=relocation, action=name) is None
    ]
