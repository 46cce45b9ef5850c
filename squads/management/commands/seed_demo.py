"""Load the demo city (青州市, 370781): areas, units, members, workstations, cards.

Every write goes through squads.services, in one transaction, and running the
command again changes nothing: existing rows are brought up to date, cards are
only republished when their content changed, and passwords are never reset.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils.module_loading import module_has_submodule

from squads import demo_data as data
from squads.models import Area, ContactCard, Member, ServiceItem, Squad, Workstation
from squads.services import (
    area_upsert,
    contact_card_publish,
    member_upsert,
    squad_upsert,
    workstation_upsert,
)

FIRST_MEMBER_NUMBER = 101


def _kind(unit: data.Unit) -> str:
    if unit.parent is None:
        return Squad.Kind.BRIGADE
    if unit.parent == data.UNITS[0].code:
        return Squad.Kind.SQUADRON
    return Squad.Kind.TEAM


def _titles(unit: data.Unit, parent: data.Unit | None) -> tuple[str, str]:
    """Leader and instructor titles as printed on the card: 一分队队长, 中队长."""
    if _kind(unit) == Squad.Kind.SQUADRON:
        return "中队长", "指导员"
    short = unit.name.removeprefix(parent.name) if parent else unit.name
    return f"{short}队长", f"{short}指导员"


def _username(code: str, role: str, index: int = 1) -> str:
    demo = data.DEMO_UNIT_LOGINS.get((code, role))
    if demo and index == 1:
        return demo
    short = {"squad_leader": "leader"}.get(role, role)
    suffix = f"-{index}" if role == Member.Role.OFFICER and index > 1 else ""
    return f"m-{code.lower()}-{short}{suffix}"


class Seeder:
    """Creates or updates the demo rows, in dependency order."""

    def __init__(self) -> None:
        self.areas: dict[str, Area] = {}
        self.squads: dict[str, Squad] = {}
        self.officers: dict[str, list[Member]] = {}
        self.leaders: dict[str, Member] = {}
        self.number = FIRST_MEMBER_NUMBER

    def run(self) -> None:
        self.seed_district_and_streets()
        self.seed_squads()  # a unit needs its area
        self.seed_communities()  # a community needs its covering unit
        self.seed_members()
        self.seed_workstations()  # a workstation needs its contact member
        self.seed_superuser()
        self.publish_cards()  # last: a card shows members and communities

    def seed_district_and_streets(self) -> None:
        code, name = data.DISTRICT
        district = area_upsert(
            code=code,
            name=name,
            level=Area.Level.DISTRICT,
            parent=None,
            covering_squad=None,
        )
        self.areas[code] = district
        for code, name, _communities in data.STREETS:
            self.areas[code] = area_upsert(
                code=code,
                name=name,
                level=Area.Level.STREET,
                parent=district,
                covering_squad=None,
            )

    def seed_squads(self) -> None:
        for position, unit in enumerate(data.UNITS):
            self.squads[unit.code] = squad_upsert(
                code=unit.code,
                name=unit.name,
                kind=_kind(unit),
                parent=self.squads[unit.parent] if unit.parent else None,
                area=self.areas[unit.area],
                duty_phone=unit.duty_phone,
                supervision_phone=unit.supervision_phone,
                office_address=unit.office_address,
                working_hours=unit.working_hours,
                position=position,
                is_active=True,
                service_items=list(unit.items),
            )

    def seed_communities(self) -> None:
        for street_code, _name, communities in data.STREETS:
            street = self.areas[street_code]
            for n, (name, unit_code) in enumerate(communities, start=1):
                code = f"{street_code}{n:03d}"
                community = area_upsert(
                    code=code,
                    name=name,
                    level=Area.Level.COMMUNITY,
                    parent=street,
                    covering_squad=self.squads[unit_code],
                )
                self.areas[code] = community
                for g, grid in enumerate(data.GRIDS.get(name, []), start=1):
                    area_upsert(
                        code=f"{code}{g:03d}",
                        name=f"{name}{grid}",
                        level=Area.Level.GRID,
                        parent=community,
                        covering_squad=None,
                    )

    def _member(
        self, username: str, full_name: str, role: str, squad: Squad | None, title: str
    ) -> Member:
        number, self.number = self.number, self.number + 1
        return member_upsert(
            username=username,
            password=data.DEMO_PASSWORD if username in data.DEMO_LOGINS else None,
            full_name=full_name,
            role=role,
            squad=squad,
            title=title,
            badge_number=data.member_badge(number),
            work_phone=data.member_phone(number),
            is_active=True,
        )

    def seed_members(self) -> None:
        for username, full_name, role, title in data.BUREAU_STAFF:
            self._member(username, full_name, role, None, title)
        units = {unit.code: unit for unit in data.UNITS}
        for unit in data.UNITS:
            if not unit.leader:
                continue
            squad = self.squads[unit.code]
            leader_title, instructor_title = _titles(unit, units.get(unit.parent or ""))
            leader_role = Member.Role.SQUAD_LEADER
            instructor_role = Member.Role.INSTRUCTOR
            self.leaders[unit.code] = self._member(
                _username(unit.code, leader_role),
                unit.leader,
                leader_role,
                squad,
                leader_title,
            )
            self._member(
                _username(unit.code, instructor_role),
                unit.instructor,
                instructor_role,
                squad,
                instructor_title,
            )
            self.officers[unit.code] = [
                self._member(
                    _username(unit.code, Member.Role.OFFICER, i),
                    name,
                    Member.Role.OFFICER,
                    squad,
                    "执法队员",
                )
                for i, name in enumerate(unit.officers, start=1)
            ]

    def seed_workstations(self) -> None:
        n = 0
        for street_code, street_name, communities in data.STREETS:
            town = street_name.endswith("镇")
            for i, (name, unit_code) in enumerate(communities, start=1):
                n += 1
                if name in data.WITHOUT_WORKSTATION:
                    continue
                officers = self.officers.get(unit_code) or []
                note = data.STATION_NOTES.get(name, "")
                workstation_upsert(
                    community=self.areas[f"{street_code}{i:03d}"],
                    name=f"{name}城管工作站",
                    address=f"青州市{street_name}{name}党群服务中心一楼{note}",
                    hours=data.STATION_HOURS,
                    phone=data.station_phone(n),
                    contact=officers[0] if officers else self.leaders[unit_code],
                    partner_units=data.PARTNERS_TOWN if town else data.PARTNERS_CITY,
                    is_active=True,
                )

    def seed_superuser(self) -> None:
        User = get_user_model()
        if not User.objects.filter(username=data.SUPERUSER).exists():
            User.objects.create_superuser(
                username=data.SUPERUSER, email="", password=data.DEMO_PASSWORD
            )

    def publish_cards(self) -> None:
        codes = [u.code for u in data.UNITS if _kind(u) != Squad.Kind.BRIGADE]
        # Fresh rows: the card is built from what is stored now.
        squads = Squad.objects.filter(code__in=codes).select_related("parent", "area")
        for squad in squads:
            contact_card_publish(squad=squad)


# What the summary counts, and what it compares before and after the run.
def _tracked() -> list[tuple[str, type[models.Model]]]:
    User = get_user_model()
    return [
        ("areas", Area),
        ("units", Squad),
        ("service items", ServiceItem),
        ("members", Member),
        ("users", User),
        ("role memberships", User.groups.through),
        ("workstations", Workstation),
        ("contact cards", ContactCard),
    ]


def _snapshot() -> dict[str, dict[Any, dict[str, Any]]]:
    return {
        label: {row["pk"]: row for row in model.objects.values("pk", *_fields(model))}
        for label, model in _tracked()
    }


def _fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _production_settings() -> bool:
    modules = (os.environ.get("DJANGO_SETTINGS_MODULE", ""), settings.SETTINGS_MODULE)
    return any("production" in (module or "") for module in modules)


class Command(BaseCommand):
    help = (
        "Load demo data for 青州市 (370781): 8 streets and towns, their communities, "
        "a brigade with 5 squadrons and their teams, members, community workstations "
        "and published contact cards, plus the demo logins dispatcher, leader, "
        "instructor, officer, supervisor and admin with the password "
        f"'{data.DEMO_PASSWORD}'. Running it again changes nothing and never resets a "
        "password. With production settings (DEBUG off) it refuses to run unless "
        "--allow-production is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help=(
                "Run even with production settings. The demo logins have a published "
                "password: only for a demo or staging site."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if (
            not settings.DEBUG
            and not options["allow_production"]
            and _production_settings()
        ):
            raise CommandError(
                "seed_demo refuses to run with production settings: it creates logins "
                f"with the published password '{data.DEMO_PASSWORD}'. Pass "
                "--allow-production if this really is a demo or staging site."
            )
        User = get_user_model()
        logins = [data.SUPERUSER, *data.DEMO_LOGINS]
        existing = set(
            User.objects.filter(username__in=logins).values_list("username", flat=True)
        )
        before = _snapshot()
        with transaction.atomic():
            Seeder().run()
        after = _snapshot()
        if options["verbosity"] >= 1:
            self._report(before, after, existing)
        # Apps built on squads add their own demo rows from <app>/demo.py, in
        # INSTALLED_APPS order; squads itself imports none of them.
        for config in apps.get_app_configs():
            if config.name == "squads" or not module_has_submodule(
                config.module, "demo"
            ):
                continue
            module = import_module(f"{config.name}.demo")
            with transaction.atomic():
                summary = module.seed()
            if options["verbosity"] >= 1 and summary:
                self.stdout.write(summary)

    def _report(
        self,
        before: dict[str, dict[Any, dict[str, Any]]],
        after: dict[str, dict[Any, dict[str, Any]]],
        existing: set[str],
    ) -> None:
        out = self.stdout
        code, name = data.DISTRICT
        out.write(self.style.SUCCESS(f"Demo data for {name} ({code}) is in place."))
        changed = False
        for label, _model in _tracked():
            old, new = before[label], after[label]
            created = len(new.keys() - old.keys())
            deleted = len(old.keys() - new.keys())
            updated = sum(1 for pk in new.keys() & old.keys() if new[pk] != old[pk])
            changed = changed or bool(created or deleted or updated)
            out.write(
                f"  {label:<17} {created:>3} created, {updated:>3} updated, "
                f"{deleted:>3} deleted, {len(new):>4} in total"
            )
        if not changed:
            out.write("  Nothing changed: the demo data was already up to date.")
        members = {
            m.user.username: m
            for m in Member.objects.filter(
                user__username__in=data.DEMO_LOGINS
            ).select_related("user", "squad")
        }
        out.write(f"Demo logins (password '{data.DEMO_PASSWORD}' when created):")
        for username in [data.SUPERUSER, *data.DEMO_LOGINS]:
            member = members.get(username)
            if member is None:
                what = "superuser"
            else:
                what = member.role.replace("_", " ")
                if member.squad:
                    what += f", {member.squad.code} {member.squad.name}"
            status = (
                "existing: password not changed" if username in existing else "created"
            )
            out.write(f"  {username:<11} {what} ({status})")
