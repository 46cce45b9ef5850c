"""What the database and validation refuse, and what publishing a card keeps."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import override

from squads.models import Area, ContactCard, Member, Squad
from squads.services import contact_card_publish, member_save
from tests.squads.factories import SquadFactory


def _errors(instance) -> dict[str, list[str]]:
    """The full_clean messages by field, in English."""
    with override("en"):
        with pytest.raises(ValidationError) as exc_info:
            instance.full_clean()
        return exc_info.value.message_dict


# The database's own guarantees, for rows written around the services.


def test_the_database_refuses_a_community_no_unit_covers(tree):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Area.objects.create(
            code="370781001009",
            name="无人社区",
            level=Area.Level.COMMUNITY,
            parent=tree.street,
        )
    assert not Area.objects.filter(code="370781001009").exists()


def test_the_database_refuses_a_street_covered_by_a_unit(tree):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Area.objects.create(
            code="370781009",
            name="多余街道",
            level=Area.Level.STREET,
            parent=tree.district,
            covering_squad=tree.unit_a,
        )
    assert not Area.objects.filter(code="370781009").exists()


def test_the_database_refuses_an_area_below_district_without_a_parent(tree):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Area.objects.create(code="370781009", name="孤立街道", level=Area.Level.STREET)


def test_the_database_refuses_a_squadron_with_no_parent_unit(tree):
    with transaction.atomic(), pytest.raises(IntegrityError):
        SquadFactory(
            code="ZD9", kind=Squad.Kind.SQUADRON, parent=None, area=tree.street
        )
    assert not Squad.objects.filter(code="ZD9").exists()


def test_the_database_refuses_a_brigade_with_a_parent_unit(tree):
    with transaction.atomic(), pytest.raises(IntegrityError):
        SquadFactory(code="DD9", kind=Squad.Kind.BRIGADE, parent=tree.brigade)


def test_the_database_refuses_a_leader_without_a_unit(tree):
    user = get_user_model().objects.create_user(username="nounit")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Member.objects.create(
            user=user,
            full_name="无队长",
            role=Member.Role.SQUAD_LEADER,
            work_phone="13805369999",
        )


def test_area_names_are_unique_within_their_parent(tree):
    duplicate = Area(
        code="370781001009",
        name="西苑社区",
        level=Area.Level.COMMUNITY,
        parent=tree.street,
        covering_squad=tree.unit_a,
    )
    assert _errors(duplicate)["__all__"] == [
        "Area with this Parent area and Name already exists."
    ]

    with transaction.atomic(), pytest.raises(IntegrityError):
        duplicate.save()


def test_the_same_community_name_may_be_used_in_another_street(tree):
    elsewhere = Area(
        code="370781002009",
        name="西苑社区",
        level=Area.Level.COMMUNITY,
        parent=tree.other_street,
        covering_squad=tree.unit_b,
    )
    elsewhere.full_clean()
    elsewhere.save()

    assert Area.objects.filter(name="西苑社区").count() == 2


# full_clean: the messages an editor reads in the admin.


def test_a_valid_community_passes_validation(tree):
    Area(
        code="370781001009",
        name="新社区",
        level=Area.Level.COMMUNITY,
        parent=tree.street,
        covering_squad=tree.unit_a,
    ).full_clean()


@pytest.mark.parametrize(
    ("level", "code", "message"),
    [
        ("street", "37078100", "A street or town code has 9 digits."),
        ("street", "3707810011", "A street or town code has 9 digits."),
        ("community", "370781001", "A community code has 12 digits."),
        ("district", "3707810", "A district code has 6 digits."),
    ],
)
def test_validation_names_the_code_length_of_the_level(tree, level, code, message):
    parents = {"district": None, "street": tree.district, "community": tree.street}
    area = Area(
        code=code,
        name="新区域",
        level=level,
        parent=parents[level],
        covering_squad=tree.unit_a if level == "community" else None,
    )

    assert message in _errors(area)["code"]


def test_validation_refuses_a_community_placed_directly_under_the_district(tree):
    area = Area(
        code="370781001",
        name="错位社区",
        level=Area.Level.COMMUNITY,
        parent=tree.district,
        covering_squad=tree.unit_a,
    )

    assert _errors(area)["parent"] == [
        "The parent of a community must be a street or town."
    ]


def test_validation_asks_for_the_street_a_community_belongs_to(tree):
    area = Area(
        code="370781001009",
        name="无街道社区",
        level=Area.Level.COMMUNITY,
        covering_squad=tree.unit_a,
    )

    assert "Choose the street or town this area belongs to." in _errors(area)["parent"]


def test_validation_refuses_a_code_that_does_not_extend_the_parent_code(tree):
    area = Area(
        code="370781002009",
        name="编码错社区",
        level=Area.Level.COMMUNITY,
        parent=tree.street,
        covering_squad=tree.unit_a,
    )

    assert _errors(area)["code"] == [
        "The code must start with the parent's code 370781001."
    ]


def test_validation_asks_for_the_unit_covering_a_community(tree):
    area = Area(
        code="370781001009",
        name="新社区",
        level=Area.Level.COMMUNITY,
        parent=tree.street,
    )

    assert _errors(area)["covering_squad"] == [
        "Choose the unit that covers this community."
    ]


def test_validation_refuses_a_unit_covering_a_street(tree):
    area = Area(
        code="370781009",
        name="新街道",
        level=Area.Level.STREET,
        parent=tree.district,
        covering_squad=tree.unit_a,
    )

    assert _errors(area)["covering_squad"] == [
        "Only communities are covered by a unit."
    ]


def test_validation_refuses_a_team_placed_directly_under_the_brigade(tree):
    team = Squad(
        code="ZD1-9",
        name="错位分队",
        kind=Squad.Kind.TEAM,
        parent=tree.brigade,
        area=tree.street,
        duty_phone="0536-3221234",
        supervision_phone="12319",
        office_address="青州市",
        working_hours="工作日",
    )

    assert _errors(team)["parent"] == ["A team belongs to a squadron."]


def test_validation_asks_for_the_brigade_above_a_squadron(tree):
    squadron = Squad(
        code="ZD9",
        name="无上级中队",
        kind=Squad.Kind.SQUADRON,
        area=tree.street,
        duty_phone="0536-3221234",
        supervision_phone="12319",
        office_address="青州市",
        working_hours="工作日",
    )

    assert _errors(squadron)["parent"] == ["Choose the brigade above this unit."]


def test_validation_upper_cases_a_unit_code_typed_in_lower_case(tree):
    # Squad.clean() upper-cases the code, but the field's regex runs first.
    squadron = Squad(
        code="zd9",
        name="新中队",
        kind=Squad.Kind.SQUADRON,
        parent=tree.brigade,
        area=tree.street,
        duty_phone="05363221234",
        supervision_phone="12319",
        office_address="青州市",
        working_hours="工作日",
    )
    squadron.full_clean()

    assert squadron.code == "ZD9"
    assert squadron.duty_phone == "0536-3221234"


def test_validation_asks_a_leader_to_choose_a_unit(tree):
    user = get_user_model().objects.create_user(username="nounit")
    member = Member(
        user=user,
        full_name="无队长",
        role=Member.Role.SQUAD_LEADER,
        work_phone="13805369999",
    )

    assert _errors(member)["squad"] == ["This role belongs to a unit: choose one."]


def test_a_dispatcher_needs_no_unit(tree):
    user = get_user_model().objects.create_user(username="bureau")
    Member(
        user=user,
        full_name="钱受理",
        role=Member.Role.DISPATCHER,
        work_phone="13805369999",
    ).full_clean()


def test_a_member_work_phone_must_be_a_mobile(tree):
    user = get_user_model().objects.create_user(username="landline")
    member = Member(
        user=user,
        full_name="座机",
        role=Member.Role.OFFICER,
        squad=tree.unit_a,
        work_phone="0536-3221234",
    )

    assert _errors(member)["work_phone"] == [
        "Enter an 11-digit mobile number, for example 13812345678."
    ]


# Publishing the contact card.


def test_publishing_an_unchanged_card_keeps_the_current_version(published_card):
    assert published_card.version == 1

    again = contact_card_publish(squad=published_card.squad)

    assert again.pk == published_card.pk
    assert again.version == 1
    assert ContactCard.objects.filter(squad=published_card.squad).count() == 1


def test_publishing_after_a_phone_change_snapshots_a_new_version(
    published_card, squad_leader
):
    assert published_card.content["leader"]["phone"] == "13805360001"
    leader = squad_leader.member
    leader.work_phone = "13905369999"
    member_save(member=leader)

    card = contact_card_publish(squad=published_card.squad, by=squad_leader)

    assert card.version == 2
    assert card.content["leader"] == {
        "name": "孙队长",
        "title": "",
        "phone": "13905369999",
    }
    assert card.published_by == squad_leader
    published_card.refresh_from_db()
    assert published_card.content["leader"]["phone"] == "13805360001"
    assert published_card.version == 1


def test_a_card_shows_what_residents_need(published_card, tree):
    content = published_card.content

    assert content["unit"] == {
        "code": "ZD1",
        "name": "城区一中队",
        "kind": "squadron",
        "parent": "青州市综合行政执法大队",
    }
    assert content["leader"]["name"] == "孙队长"
    assert content["instructor"]["name"] == "李指导员"
    assert content["duty_phone"] == tree.unit_a.duty_phone
    assert content["supervision_phone"] == "12319"
    assert content["communities"] == [
        {"code": "370781001001", "name": "西苑社区", "street": "王府街道"}
    ]


# Roles become Django groups.


def _group_names(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def test_saving_a_member_puts_the_user_in_exactly_the_role_group(tree):
    user = get_user_model().objects.create_user(username="newcomer")
    user.groups.add(Group.objects.get(name="supervisor"))
    assert not user.is_staff

    member_save(
        member=Member(
            user=user,
            full_name="新队员",
            role=Member.Role.OFFICER,
            squad=tree.unit_a,
            work_phone="13805369999",
        )
    )

    user.refresh_from_db()
    assert _group_names(user) == ["officer"]
    assert user.is_staff


def test_changing_a_member_role_moves_the_user_to_the_new_group(squad_leader):
    member = squad_leader.member
    assert _group_names(squad_leader) == ["squad_leader"]

    member.role = Member.Role.INSTRUCTOR
    member_save(member=member)

    assert _group_names(squad_leader) == ["instructor"]


def test_deactivating_a_member_closes_the_admin_to_them(squad_leader):
    member = squad_leader.member
    member.is_active = False
    member_save(member=member)

    squad_leader.refresh_from_db()
    assert not squad_leader.is_staff
