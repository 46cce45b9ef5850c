"""Reads of complaints: the staff scope, the queues, hints and the public timeline."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from complaints.models import (
    OPEN_STATUSES,
    Category,
    Complaint,
    ComplaintEvent,
    Status,
)
from complaints.workflow import CITIZEN, LEADERS, TRANSITIONS, Transition
from squads.models import Member, Squad
from squads.selectors import member_for, squad_ids_in_scope

User = AbstractBaseUser | AnonymousUser


def role_of(*, user: User) -> str | None:
    """The workflow role of a user: superusers act as supervisors."""
    if getattr(user, "is_superuser", False):
        return Member.Role.SUPERVISOR
    member = member_for(user=user)
    return member.role if member else None


def complaints_visible_to(*, user: User) -> QuerySet[Complaint]:
    """The complaints a member of staff may see.

    Dispatchers and supervisors see all; leaders and instructors the cases
    dispatched to their unit or below; officers the cases assigned to them.
    """
    qs = Complaint.objects.all()
    role = role_of(user=user)
    if role in (Member.Role.DISPATCHER, Member.Role.SUPERVISOR):
        return qs
    if role in LEADERS:
        scope = squad_ids_in_scope(user=user) or set()
        return qs.filter(squad_id__in=scope, dispatched_at__isnull=False)
    if role == Member.Role.OFFICER:
        return qs.filter(assignee__user_id=user.pk)
    return qs.none()


def complaint_list_for(*, user: User) -> QuerySet[Complaint]:
    """The scoped list with what a list row shows, in one query."""
    return complaints_visible_to(user=user).select_related(
        "category", "community", "squad"
    )


def can_take(*, user: User, complaint: Complaint, action: str) -> bool:
    """Whether this user may take this action on this complaint now."""
    return refusal(user=user, complaint=complaint, action=action) is None


def refusal(*, user: User, complaint: Complaint, action: str) -> str | None:
    """Why the user may not take the action now, or None when they may."""
    from django.utils.translation import gettext as _

    transition: Transition | None = TRANSITIONS.get(action)
    if transition is None:
        return _("There is no action called “%(action)s”.") % {"action": action}
    role = CITIZEN if user is None else role_of(user=user)
    if role not in transition.roles:
        return _("Your role may not %(action)s a case.") % {
            "action": str(transition.label).lower()
        }
    if complaint.status not in transition.sources:
        return _("A case that is %(status)s cannot be %(action)s.") % {
            "status": complaint.get_status_display(),
            "action": str(transition.label).lower(),
        }
    if role in LEADERS:
        scope = squad_ids_in_scope(user=user) or set()
        if complaint.squad_id not in scope:
            return _("This case belongs to another unit.")
    if role == Member.Role.OFFICER:
        member = member_for(user=user)
        if member is None or complaint.assignee_id != member.pk:
            return _("Only the officer assigned to this case may report on it.")
    return None


def actions_for(*, user: User, complaint: Complaint) -> list[str]:
    """The staff actions this user may take on this complaint now, in table order."""
    return [
        name
        for name, transition in TRANSITIONS.items()
        if CITIZEN not in transition.roles
        and refusal(user=user, complaint=complaint, action=name) is None
    ]


def duplicate_candidates(*, complaint: Complaint) -> QuerySet[Complaint]:
    """Open cases of the same category in the same community from the last 72 hours."""
    if complaint.community_id is None:
        return Complaint.objects.none()
    since = complaint.submitted_at - timedelta(hours=settings.COMPLAINT_DUPLICATE_HOURS)
    return (
        Complaint.objects.filter(
            community_id=complaint.community_id,
            category_id=complaint.category_id,
            status__in=OPEN_STATUSES,
            submitted_at__gte=since,
            submitted_at__lte=complaint.submitted_at + timedelta(hours=72),
        )
        .exclude(pk=complaint.pk)
        .order_by("submitted_at")
    )


def proposed_squad(*, complaint: Complaint) -> Squad | None:
    """The unit the routing table proposes: the one covering the community."""
    if complaint.community_id is None:
        return None
    return complaint.community.covering_squad


def categories_public() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("major_class", "code")


def complaint_for_tracking(*, reference: str, phone_last4: str) -> Complaint | None:
    """The complaint with this reference whose phone ends in these 4 digits."""
    reference = reference.strip()[:16]
    digits = phone_last4.strip()
    if len(digits) != 4 or not digits.isdigit():
        return None
    return (
        Complaint.objects.select_related("category", "squad", "community")
        .filter(reference=reference, phone__endswith=digits)
        .first()
    )


def public_timeline(*, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.filter(is_public=True).order_by("created_at", "id")


def rating_open(*, complaint: Complaint) -> bool:
    """Whether the citizen may still rate the closed case."""
    if complaint.status != Status.CLOSED or complaint.satisfaction:
        return False
    if complaint.closed_at is None:
        return False
    deadline = complaint.closed_at + timedelta(days=settings.COMPLAINT_RATING_DAYS)
    return timezone.now() <= deadline


def mask_phone(phone: str) -> str:
    """138****1234: the first 3 and last 4 digits of a mobile number."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def search_filter(term: str) -> Q:
    """Search by reference, phone or address."""
    term = term.strip()[:64]
    return Q(reference=term) | Q(phone=term) | Q(address__icontains=term)
