"""Every write to areas, units, members, workstations and contact cards."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import models, transaction
from django.utils.translation import gettext as _

from citymgmt import refdata
from citymgmt.errors import Forbidden
from squads.models import Area, ContactCard, Member, ServiceItem, Squad, Workstation
from squads.roles import sets_supervision_phone
from squads.selectors import contact_card_content_for


def _apply(instance: models.Model, fields: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in fields.items():
        field = instance._meta.get_field(name)
        if isinstance(field, models.Field) and not field.is_relation:
            # Compare in stored form, so "05363221234" equals "0536-3221234".
            value = field.to_python(value)
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _save(instance: models.Model, changed: list[str] | None = None) -> None:
    instance.full_clean()
    if instance.pk and changed is not None:
        if changed:
            instance.save(update_fields=changed)
    else:
        instance.save()
    if isinstance(instance, Area | Squad) and changed != []:
        # Areas and units are the routing table filing reads from its copy,
        # and the public form lists the areas (citymgmt.pagecache).
        refdata.changed()


@transaction.atomic
def area_upsert(*, code: str, **fields: Any) -> Area:
    """Create the area with this code, or bring an existing one up to date."""
    area = Area.objects.filter(code=code).first()
    if area is None:
        area = Area(code=code, **fields)
        _save(area)
    else:
        _save(area, _apply(area, fields))
    return area


@transaction.atomic
def area_save(*, area: Area) -> Area:
    """Validate and store an area edited in the admin."""
    _save(area)
    return area


@transaction.atomic
def squad_upsert(
    *, code: str, service_items: list[str] | None = None, **fields: Any
) -> Squad:
    """Create or update a unit by code; replace its service items when given."""
    squad = Squad.objects.filter(code=code).first()
    if squad is None:
        squad = Squad(code=code, **fields)
        _save(squad)
    else:
        _save(squad, _apply(squad, fields))
    if service_items is not None:
        squad_set_service_items(squad=squad, items=service_items)
    return squad


@transaction.atomic
def squad_save(*, squad: Squad, by: User) -> Squad:
    """Validate and store a unit edited in the admin by this user."""
    stored = (
        Squad.objects.filter(pk=squad.pk).values_list("supervision_phone", flat=True)
        if squad.pk
        else []
    )
    before = next(iter(stored), "")
    after = Squad._meta.get_field("supervision_phone").to_python(
        squad.supervision_phone
    )
    if after != before and not sets_supervision_phone(user=by):
        # Citizens call this number to complain about the unit: not the
        # unit's own to change.
        raise Forbidden(
            _("Only a dispatcher or a supervisor may set a unit's supervision phone."),
            field="supervision_phone",
        )
    _save(squad)
    return squad


@transaction.atomic
def squad_set_service_items(*, squad: Squad, items: list[str]) -> None:
    """Make the unit's service items exactly these, in this order."""
    current = list(squad.service_items.order_by("position", "id"))
    if [item.text for item in current] == items:
        return
    squad.service_items.all().delete()
    for position, text in enumerate(items, start=1):
        _save(ServiceItem(squad=squad, position=position, text=text))


def _sync_role(member: Member) -> None:
    user = member.user
    # Replace the role group only; groups an administrator added stay.
    stale = user.groups.filter(name__in=Member.Role.values).exclude(name=member.role)
    if stale:
        user.groups.remove(*stale)
    if not user.groups.filter(name=member.role).exists():
        user.groups.add(*Group.objects.filter(name=member.role))
    should_be_staff = member.is_active
    if user.is_staff != should_be_staff:
        user.is_staff = should_be_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def member_save(*, member: Member) -> Member:
    """Validate and store a member, and give their user the role's group."""
    _save(member)
    _sync_role(member)
    return member


@transaction.atomic
def member_upsert(
    *, username: str, password: str | None = None, **fields: Any
) -> Member:
    """Create or update a member and their login; set the password only on creation."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    member = Member.objects.filter(user=user).first()
    if member is None:
        member = Member(user=user, **fields)
        _save(member)
    else:
        _save(member, _apply(member, fields))
    _sync_role(member)
    return member


@transaction.atomic
def workstation_upsert(*, community: Area, name: str, **fields: Any) -> Workstation:
    """Create or update the workstation with this name in this community."""
    station = Workstation.objects.filter(community=community, name=name).first()
    if station is None:
        station = Workstation(community=community, name=name, **fields)
        _save(station)
    else:
        _save(station, _apply(station, fields))
    return station


@transaction.atomic
def workstation_save(*, workstation: Workstation) -> Workstation:
    """Validate and store a workstation edited in the admin."""
    _save(workstation)
    return workstation


@transaction.atomic
def contact_card_publish(*, squad: Squad, by: User | None = None) -> ContactCard:
    """Publish the unit's current details as a new card version, unless unchanged."""
    # Lock the unit so two people publishing at once get consecutive versions,
    # and read it afresh so the card shows what was committed before the lock.
    squad = (
        Squad.objects.select_for_update(no_key=True, of=("self",))
        .select_related("parent", "area")
        .get(pk=squad.pk)
    )
    content = contact_card_content_for(squad=squad)
    latest = squad.cards.order_by("-version").first()
    if latest is not None and latest.content == content:
        return latest
    card = ContactCard(
        squad=squad,
        version=(latest.version + 1) if latest else 1,
        content=content,
        published_by=by if by is not None and by.pk else None,
    )
    _save(card)
    if latest is None:
        # Which units have a card is reference data (`squads_with_card`).
        refdata.changed()
    return card
