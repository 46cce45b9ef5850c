"""The supervision phone (监督电话) on a unit's card is the desk's to set
(issue 8, item 3): citizens call it to complain about the unit itself."""

from __future__ import annotations

import pytest

from citymgmt.errors import Forbidden
from squads.models import Member, Squad
from squads.services import squad_save

OLD = "12319"
NEW = "0536-3999999"


def change_url(squad: Squad) -> str:
    return f"/admin/squads/squad/{squad.pk}/change/"


def leader_form(tree, leader, **changes) -> dict:
    """What a leader's change form of squadron A posts."""
    data = {
        "name": tree.unit_a.name,
        "position": 0,
        "duty_phone": "0536-3221234",
        "supervision_phone": NEW,
        "office_address": "青州市圣水路8号",
        "working_hours": "周一至周日 8:00-18:00",
        "service_items-TOTAL_FORMS": 0,
        "service_items-INITIAL_FORMS": 0,
        "members-TOTAL_FORMS": 1,
        "members-INITIAL_FORMS": 1,
        "members-0-id": Member.objects.get(user=leader).pk,
        "members-0-squad": tree.unit_a.pk,
        "members-0-full_name": "孙队长",
        "members-0-title": "中队长",
        "members-0-work_phone": "13805360001",
        "members-0-badge_number": "",
        "members-0-is_active": "on",
    }
    data.update(changes)
    return data


def publish(client, squad: Squad):
    return client.post(
        "/admin/squads/squad/",
        {"action": "publish_cards", "_selected_action": [squad.pk]},
    )


@pytest.mark.parametrize("who", ["squad_leader", "instructor"])
def test_a_units_leader_cannot_change_its_supervision_phone(
    client_for, tree, squad_leader, instructor, who, request
):
    c = client_for(request.getfixturevalue(who))
    form = c.get(change_url(tree.unit_a)).content.decode()
    assert 'name="supervision_phone"' not in form
    assert OLD in form

    response = c.post(change_url(tree.unit_a), leader_form(tree, squad_leader))
    assert response.status_code == 302

    tree.unit_a.refresh_from_db()
    assert tree.unit_a.supervision_phone == OLD
    # The rest of the form was the leader's to change.
    assert tree.unit_a.office_address == "青州市圣水路8号"
    publish(c, tree.unit_a)
    card = c.get(f"/squads/{tree.unit_a.code}/card/").content.decode()
    assert OLD in card
    assert NEW not in card


def test_the_service_refuses_a_leader_changing_the_supervision_phone(
    tree, squad_leader
):
    squad = Squad.objects.get(pk=tree.unit_a.pk)
    squad.supervision_phone = NEW
    with pytest.raises(Forbidden) as refused:
        squad_save(squad=squad, by=squad_leader)
    assert refused.value.errors == {
        "supervision_phone": ["只有受理派遣员或督查可以设置队伍的监督电话。"]
    }
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.supervision_phone == OLD


def test_the_service_lets_a_leader_save_the_same_number_written_differently(
    tree, squad_leader
):
    squad = Squad.objects.get(pk=tree.unit_a.pk)
    squad.supervision_phone = " 12319 "
    squad.office_address = "青州市圣水路8号"
    squad_save(squad=squad, by=squad_leader)
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.office_address == "青州市圣水路8号"


def test_a_dispatcher_sets_the_supervision_phone_and_nothing_else(
    client_for, tree, dispatcher, squad_leader
):
    c = client_for(dispatcher)
    form = c.get(change_url(tree.unit_b)).content.decode()
    assert 'name="supervision_phone"' in form
    assert 'name="duty_phone"' not in form
    assert 'name="name"' not in form

    response = c.post(
        change_url(tree.unit_b),
        {
            "supervision_phone": NEW,
            "duty_phone": "0536-3000000",
            "name": "改过的名字",
            "service_items-TOTAL_FORMS": 0,
            "service_items-INITIAL_FORMS": 0,
            "members-TOTAL_FORMS": 0,
            "members-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    tree.unit_b.refresh_from_db()
    assert tree.unit_b.supervision_phone == NEW
    assert tree.unit_b.duty_phone == "0536-3221234"
    assert tree.unit_b.name == "城区二中队"


def test_a_supervisor_sets_the_supervision_phone(client_for, tree, supervisor):
    squad = Squad.objects.get(pk=tree.unit_a.pk)
    squad.supervision_phone = NEW
    squad_save(squad=squad, by=supervisor)
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.supervision_phone == NEW
