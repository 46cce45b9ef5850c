"""The demo seed: what it creates, that a second run changes nothing, its guard."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Max

from squads.models import Area, ContactCard, Member, ServiceItem, Squad, Workstation

PASSWORD = "citydesk-demo"
DEMO_ROLES = {
    "dispatcher": (Member.Role.DISPATCHER, None),
    "leader": (Member.Role.SQUAD_LEADER, "JD-1"),
    "instructor": (Member.Role.INSTRUCTOR, "JD-1"),
    "officer": (Member.Role.OFFICER, "JD-1"),
    "supervisor": (Member.Role.SUPERVISOR, None),
}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def dump() -> dict[str, object]:
    """Every row of every model the seed touches, and the latest card versions."""
    User = get_user_model()
    models = [
        Area,
        Squad,
        ServiceItem,
        Member,
        Workstation,
        ContactCard,
        User,
        Group,
        User.groups.through,
        Group.permissions.through,
    ]
    rows: dict[str, object] = {
        m._meta.label: list(m.objects.order_by("pk").values()) for m in models
    }
    rows["latest versions"] = dict(
        ContactCard.objects.values_list("squad__code").annotate(Max("version"))
    )
    return rows


@pytest.mark.django_db
def test_it_builds_the_qingzhou_area_tree():
    seed()

    district = Area.objects.get(level=Area.Level.DISTRICT)
    assert (district.code, district.name) == ("370781", "青州市")
    streets = Area.objects.filter(level=Area.Level.STREET)
    assert streets.count() == 8
    assert all(len(s.code) == 9 and s.parent == district for s in streets)
    communities = Area.objects.filter(level=Area.Level.COMMUNITY)
    assert communities.count() >= 30
    for community in communities:
        assert len(community.code) == 12
        assert community.code.startswith(community.parent.code)
        assert community.covering_squad is not None
    grids = Area.objects.filter(level=Area.Level.GRID)
    assert all(len(g.code) == 15 and g.parent.name == "西苑社区" for g in grids)


@pytest.mark.django_db
def test_it_creates_squadrons_with_teams_members_and_cards():
    seed()

    brigade = Squad.objects.get(kind=Squad.Kind.BRIGADE)
    assert (brigade.code, brigade.parent) == ("DD", None)
    assert brigade.name == "青州市综合行政执法大队"
    squadrons = Squad.objects.filter(kind=Squad.Kind.SQUADRON)
    assert squadrons.count() == 5
    for unit in Squad.objects.exclude(kind=Squad.Kind.BRIGADE):
        if unit.kind == Squad.Kind.SQUADRON:
            assert unit.parent == brigade
            assert 1 <= unit.children.count() <= 5
        assert 4 <= unit.service_items.count() <= 6
        roles = set(unit.members.values_list("role", flat=True))
        assert {Member.Role.SQUAD_LEADER, Member.Role.INSTRUCTOR} <= roles
        card = ContactCard.objects.get(squad=unit)
        assert card.version == 1
        assert card.content["leader"]["phone"].startswith("1380536")
        assert card.content["instructor"] is not None
    # Every community's unit is a team of the squadron based in its street.
    for community in Area.objects.filter(level=Area.Level.COMMUNITY):
        unit = community.covering_squad
        assert unit.kind == Squad.Kind.TEAM
        assert unit.parent.area == community.parent or unit.area == community.parent


@pytest.mark.django_db
def test_it_follows_the_news_reports():
    seed()

    xiyuan = Area.objects.get(name="西苑社区")
    assert xiyuan.covering_squad.code == "JD-1"
    assert xiyuan.covering_squad.name == "机动中队一分队"
    assert Workstation.objects.filter(
        community=xiyuan, name="西苑社区城管工作站"
    ).exists()
    jd5 = Squad.objects.get(code="JD-5")
    card = ContactCard.objects.get(squad=jd5)
    assert "圣水路" in card.content["office_address"]
    assert any("圣水路" in item for item in card.content["service_items"])


@pytest.mark.django_db
def test_it_opens_workstations_in_most_communities():
    seed()

    stations = Workstation.objects.select_related("community", "contact")
    assert stations.count() >= 20
    for station in stations:
        assert station.name == f"{station.community.name}城管工作站"
        assert station.contact.squad == station.community.covering_squad
        partners = station.partner_list
        assert "社区居委会" in partners or "村（居）委会" in partners


@pytest.mark.django_db
def test_the_demo_logins_have_their_roles_and_password():
    out = seed()

    for username, (role, unit_code) in DEMO_ROLES.items():
        user = authenticate(username=username, password=PASSWORD)
        assert user is not None, username
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.is_staff
        member = user.member
        assert member.role == role
        assert (member.squad.code if member.squad else None) == unit_code
        assert username in out
    admin = authenticate(username="admin", password=PASSWORD)
    assert admin is not None and admin.is_superuser
    # The other members cannot log in until someone sets their password.
    others = get_user_model().objects.exclude(username__in=[*DEMO_ROLES, "admin"])
    assert others.count() > 40
    assert not any(user.has_usable_password() for user in others)


@pytest.mark.django_db
def test_a_second_run_changes_nothing():
    seed()
    before = dump()

    out = seed()

    assert dump() == before
    assert "Nothing changed" in out


@pytest.mark.django_db
def test_a_second_run_keeps_a_changed_password():
    seed()
    leader = get_user_model().objects.get(username="leader")
    leader.set_password("a-new-secret-2025")
    leader.save()

    seed()

    assert authenticate(username="leader", password=PASSWORD) is None
    assert authenticate(username="leader", password="a-new-secret-2025") is not None


@pytest.mark.django_db
def test_a_second_run_restores_an_edited_unit_without_a_new_card():
    seed()
    Squad.objects.filter(code="JD-1").update(duty_phone="0536-3299999")

    seed()

    assert Squad.objects.get(code="JD-1").duty_phone == "0536-3212311"
    # The card content is what it was, so no new version is published.
    assert ContactCard.objects.filter(squad__code="JD-1").count() == 1


@pytest.mark.django_db
def test_it_refuses_production_settings(monkeypatch, settings):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "citymgmt.settings.production")
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--allow-production"):
        seed()

    assert not Squad.objects.exists()
    assert not get_user_model().objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_it_runs_with_production_settings_when_allowed(monkeypatch, settings):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "citymgmt.settings.production")
    settings.DEBUG = False

    seed(allow_production=True)

    assert Squad.objects.filter(code="JD-1").exists()


@pytest.mark.django_db
def test_it_is_quiet_at_verbosity_zero():
    assert seed(verbosity=0) == ""
