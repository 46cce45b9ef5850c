"""Reads of areas and units: the permission scope and the joins live here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from citymgmt import refdata
from squads.models import Area, ContactCard, Member, Squad, Workstation
from squads.roles import LEADERS, squad_ids_in_scope

SEARCH_MAX_LENGTH = 50


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


def _load_squads_with_card() -> frozenset[int]:
    return frozenset(ContactCard.objects.values_list("squad_id", flat=True).distinct())


def squads_with_card() -> frozenset[int]:
    """The ids of the units that have published a card (cards are never withdrawn).

    Reference data kept per process: `contact_card_publish` calls
    `refdata.changed()` when a unit publishes its first card.
    """
    return refdata.cached("squads.with_card", _load_squads_with_card)


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
        squad.members.filter(is_active=True, role__in=list(LEADERS)).order_by("id")
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


def card_complaint_preset(*, card: ContactCard) -> dict[str, str]:
    """The `?area=` (and `?unit=`) a card's QR code and button open the form with.

    A unit covering one community presets that community, so the case is
    routed to it as it stands; one covering several presets their street
    and names itself, so the form lists its communities first and routes to
    it while the citizen leaves the community open.
    """
    content = card.content
    codes = [c["code"] for c in content.get("communities") or []]
    if len(codes) == 1:
        return {"area": codes[0]}
    if not codes:
        return {"area": content["area_code"]}
    streets = set(
        Area.objects.filter(code__in=codes, level=Area.Level.COMMUNITY).values_list(
            "parent__code", flat=True
        )
    )
    area = streets.pop() if len(streets) == 1 else content["area_code"]
    return {"area": area, "unit": card.squad.code}


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
