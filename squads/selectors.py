"""Reads of areas and units: the permission scope and the joins live here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from squads.models import Area, ContactCard, Member, Squad, Workstation

SEARCH_MAX_LENGTH = 50

# Roles that see every unit's rows; the others see their own unit and below.
BUREAU_WIDE_ROLES = {Member.Role.DISPATCHER, Member.Role.SUPERVISOR}


def member_for(*, user: AbstractBaseUser | AnonymousUser) -> Member | None:
    """The active member record of a user, cached on the user object."""
    if not user.is_authenticated:
        return None
    cached: Member | None
    if hasattr(user, "_citydesk_member"):
        cached = getattr(user, "_citydesk_member")  # noqa: B009
    else:
        cached = (
            Member.objects.select_related("squad")
            .filter(user_id=user.pk, is_active=True)
            .first()
        )
        setattr(user, "_citydesk_member", cached)  # noqa: B010
    return cached


def squad_ids_in_scope(*, user: AbstractBaseUser | AnonymousUser) -> set[int] | None:
    """The ids of the units a user may see; None means every unit."""
    if getattr(user, "is_superuser", False):
        return None
    member = member_for(user=user)
    if member is None:
        return set()
    if member.role in BUREAU_WIDE_ROLES:
        return None
    if member.squad_id is None:
        return set()
    return squad_subtree_ids(squad_id=member.squad_id)


def squad_subtree_ids(*, squad_id: int) -> set[int]:
    """A unit and every unit below it (units nest 大队 > 中队 > 分队)."""
    ids = {squad_id}
    frontier = {squad_id}
    while frontier:
        below = Squad.objects.filter(parent_id__in=frontier)
        frontier = set(below.values_list("id", flat=True)) - ids
        ids |= frontier
    return ids


def squads_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Squad]:
    qs = Squad.objects.select_related("parent", "area")
    scope = squad_ids_in_scope(user=user)
    return qs if scope is None else qs.filter(id__in=scope)


def members_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Member]:
    qs = Member.objects.select_related("user", "squad")
    scope = squad_ids_in_scope(user=user)
    return qs if scope is None else qs.filter(squad_id__in=scope)


def workstations_visible_to(
    *, user: AbstractBaseUser | AnonymousUser
) -> QuerySet[Workstation]:
    qs = Workstation.objects.select_related(
        "community__parent", "community__covering_squad", "contact"
    )
    scope = squad_ids_in_scope(user=user)
    return qs if scope is None else qs.filter(community__covering_squad_id__in=scope)


def cards_visible_to(
    *, user: AbstractBaseUser | AnonymousUser
) -> QuerySet[ContactCard]:
    qs = ContactCard.objects.select_related("squad", "published_by")
    scope = squad_ids_in_scope(user=user)
    return qs if scope is None else qs.filter(squad_id__in=scope)


def _current_cards() -> Prefetch:
    latest_version = (
        ContactCard.objects.filter(squad=OuterRef("squad"))
        .order_by("-version")
        .values("version")[:1]
    )
    return Prefetch(
        "cards",
        queryset=ContactCard.objects.filter(version=Subquery(latest_version)),
        to_attr="current_cards",
    )


def current_card_of(squad: Squad) -> ContactCard | None:
    """The latest published card, from the prefetch when there is one."""
    cards = getattr(squad, "current_cards", None)
    if cards is not None:
        return cards[0] if cards else None
    return squad.cards.order_by("-version").first()


def squads_public() -> QuerySet[Squad]:
    """Active units with parent, jurisdiction, service items and current card."""
    return (
        Squad.objects.filter(is_active=True)
        .select_related("parent", "area")
        .prefetch_related("service_items", _current_cards())
    )


def areas_public() -> QuerySet[Area]:
    return Area.objects.select_related("parent", "covering_squad")


def contact_card_current(*, code: str) -> ContactCard | None:
    """The published card of the active unit with this code, if any."""
    return (
        ContactCard.objects.filter(squad__code=code.upper(), squad__is_active=True)
        .select_related("squad__area")
        .order_by("-version")
        .first()
    )


def directory_search(*, q: str = "") -> QuerySet[Area]:
    """Communities whose own or street name contains the query, with their unit."""
    qs = (
        Area.objects.filter(level=Area.Level.COMMUNITY)
        .select_related("parent", "covering_squad")
        .order_by("parent__code", "code")
    )
    q = " ".join(q.split())[:SEARCH_MAX_LENGTH]
    for term in q.split(" ") if q else []:
        qs = qs.filter(
            Q(name__icontains=term) | Q(parent__name__icontains=term) | Q(code=term)
        )
    return qs


def community_lookup(*, community: str) -> list[Area]:
    """Communities matching a code or a name (a name may repeat across streets)."""
    value = community.strip()[:SEARCH_MAX_LENGTH]
    if not value:
        return []
    qs = Area.objects.filter(level=Area.Level.COMMUNITY).select_related(
        "parent", "covering_squad__parent", "covering_squad__area"
    )
    if value.isdigit():
        return list(qs.filter(code=value))
    exact = list(qs.filter(name=value))
    if exact:
        return exact
    # "滨湖" finds "滨湖社区" when it is the only one.
    return list(qs.filter(name__startswith=value)[:10])


def workstations_public() -> QuerySet[Workstation]:
    return (
        Workstation.objects.filter(is_active=True)
        .select_related("community__parent", "community__covering_squad", "contact")
        .order_by("community__parent__code", "community__code", "name")
    )


def _person(member: Member | None) -> dict[str, str] | None:
    if member is None:
        return None
    return {"name": member.full_name, "title": member.title, "phone": member.work_phone}


def contact_card_content_for(*, squad: Squad) -> dict[str, Any]:
    """The card as it would be published now: front and back."""
    members = list(
        squad.members.filter(
            is_active=True, role__in=[Member.Role.SQUAD_LEADER, Member.Role.INSTRUCTOR]
        ).order_by("id")
    )
    leader = next((m for m in members if m.role == Member.Role.SQUAD_LEADER), None)
    instructor = next((m for m in members if m.role == Member.Role.INSTRUCTOR), None)
    communities = (
        Area.objects.filter(covering_squad=squad)
        .select_related("parent")
        .order_by("code")
    )
    return {
        "unit": {
            "code": squad.code,
            "name": squad.name,
            "kind": squad.kind,
            "parent": squad.parent.name if squad.parent else "",
        },
        "leader": _person(leader),
        "instructor": _person(instructor),
        "working_hours": squad.working_hours,
        "duty_phone": squad.duty_phone,
        "supervision_phone": squad.supervision_phone,
        "office_address": squad.office_address,
        "area_code": squad.area.code,
        "service_items": list(
            squad.service_items.order_by("position", "id").values_list(
                "text", flat=True
            )
        ),
        "communities": [
            {
                "code": a.code,
                "name": a.name,
                "street": a.parent.name if a.parent else "",
            }
            for a in communities
        ],
    }


def squads_for_area(*, code: str) -> list[Squad]:
    """The units that cover an area: its own unit, or those of its communities."""
    area = Area.objects.filter(code=code).select_related("covering_squad").first()
    if area is None:
        return []
    if area.covering_squad is not None:
        return [area.covering_squad]
    based = Squad.objects.filter(is_active=True, area=area)
    covering = Squad.objects.filter(
        is_active=True, covered_areas__code__startswith=area.code
    )
    return list((based | covering).distinct().order_by("position", "code"))
