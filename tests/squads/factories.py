"""Typed factories for the squads models."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from squads.models import Area, Member, Squad, Workstation
from squads.services import contact_card_publish, member_save


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = "370781"
    name = "青州市"
    level = Area.Level.DISTRICT


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    parent = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"370781{n + 1:03d}")
    name = factory.Sequence(lambda n: f"测试{n + 1}街道")
    level = Area.Level.STREET


class SquadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Squad

    code = factory.Sequence(lambda n: f"T{n + 1:02d}")
    name = factory.Sequence(lambda n: f"测试{n + 1}中队")
    kind = Squad.Kind.BRIGADE
    parent = None
    area = factory.SubFactory(DistrictFactory)
    duty_phone = "0536-3221234"
    supervision_phone = "12319"
    office_address = "青州市圣水路100号"
    working_hours = "周一至周五 8:30-12:00 13:30-17:30"


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    parent = factory.SubFactory(StreetFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code}{n + 1:03d}")
    name = factory.Sequence(lambda n: f"测试{n + 1}社区")
    level = Area.Level.COMMUNITY
    covering_squad = factory.SubFactory(SquadFactory)


def make_member(
    *, username: str, role: str, squad: Squad | None, full_name: str, phone: str
) -> Member:
    user = get_user_model().objects.create_user(username=username, password="pw-12345")
    return member_save(
        member=Member(
            user=user, full_name=full_name, role=role, squad=squad, work_phone=phone
        )
    )


class WorkstationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstation

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"测试{n + 1}城管工作站")
    address = "社区服务中心一楼"
    hours = "工作日 8:30-17:30"
    phone = "0536-3220001"


__all__ = [
    "CommunityFactory",
    "DistrictFactory",
    "SquadFactory",
    "StreetFactory",
    "WorkstationFactory",
    "contact_card_publish",
    "make_member",
]
