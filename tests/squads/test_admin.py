"""The squads admin: what each role sees and may change."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from squads.models import ContactCard, Member


def test_leader_sees_own_unit_and_its_team_only(
    client_for, tree, squad_leader, other_squad_leader
):
    html = client_for(squad_leader).get("/admin/squads/squad/").content.decode()
    assert tree.unit_a.name in html
    assert tree.team_a1.name in html
    assert tree.unit_b.name not in html


@pytest.mark.parametrize("suffix", ["change/", "history/", "delete/"])
def test_leader_gets_404_for_another_units_row(client_for, tree, squad_leader, suffix):
    response = client_for(squad_leader).get(
        f"/admin/squads/squad/{tree.unit_b.pk}/{suffix}"
    )
    assert response.status_code == 404


def test_leader_gets_404_for_another_units_member(
    client_for, tree, squad_leader, other_squad_leader
):
    member = Member.objects.get(user=other_squad_leader)
    c = client_for(squad_leader)
    assert c.get(f"/admin/squads/member/{member.pk}/change/").status_code == 404
    assert "王队长" not in c.get("/admin/squads/member/").content.decode()


def test_leader_can_edit_own_units_card_details(client_for, tree, squad_leader):
    c = client_for(squad_leader)
    url = f"/admin/squads/squad/{tree.unit_a.pk}/change/"
    form = c.get(url)
    assert form.status_code == 200
    data = {
        "name": tree.unit_a.name,
        "position": 0,
        "duty_phone": "0536 3228888",
        "supervision_phone": "12319",
        "office_address": "青州市圣水路8号",
        "working_hours": "周一至周日 8:00-18:00",
        "service_items-TOTAL_FORMS": 1,
        "service_items-INITIAL_FORMS": 0,
        "service_items-0-position": 1,
        "service_items-0-text": "流动摊贩引导入市",
        "members-TOTAL_FORMS": 1,
        "members-INITIAL_FORMS": 1,
        "members-0-id": Member.objects.get(user=squad_leader).pk,
        "members-0-squad": tree.unit_a.pk,
        "members-0-full_name": "孙队长",
        "members-0-title": "中队长",
        "members-0-work_phone": "13805360001",
        "members-0-badge_number": "",
        "members-0-is_active": "on",
    }
    response = c.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.duty_phone == "0536-3228888"
    assert list(tree.unit_a.service_items.values_list("text", flat=True)) == [
        "流动摊贩引导入市"
    ]
    assert Member.objects.get(user=squad_leader).title == "中队长"


def test_leader_cannot_move_own_unit_under_another_parent(
    client_for, tree, squad_leader
):
    c = client_for(squad_leader)
    html = c.get(f"/admin/squads/squad/{tree.unit_a.pk}/change/").content.decode()
    assert 'name="parent"' not in html
    assert 'name="code"' not in html


def test_bad_phone_in_admin_gets_a_clear_message_and_keeps_the_input(
    client_for, tree, supervisor
):
    c = client_for(supervisor)
    url = f"/admin/squads/squad/{tree.unit_a.pk}/change/"
    response = c.post(
        url,
        {
            "code": tree.unit_a.code,
            "name": "改过的名字",
            "kind": "squadron",
            "parent": tree.brigade.pk,
            "area": tree.street.pk,
            "position": 0,
            "duty_phone": "3221234",
            "supervision_phone": "12319",
            "office_address": "x",
            "working_hours": "y",
            "service_items-TOTAL_FORMS": 0,
            "service_items-INITIAL_FORMS": 0,
            "members-TOTAL_FORMS": 0,
            "members-INITIAL_FORMS": 0,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A landline needs its area code" in html
    assert "改过的名字" in html
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.name == "城区一中队"


@pytest.mark.parametrize("persona", ["dispatcher", "supervisor"])
def test_bureau_wide_roles_see_every_unit(client_for, tree, persona, request):
    user = request.getfixturevalue(persona)
    html = client_for(user).get("/admin/squads/squad/").content.decode()
    assert tree.unit_a.name in html and tree.unit_b.name in html


def test_dispatcher_changes_only_the_supervision_phone_of_a_unit(
    client_for, tree, dispatcher
):
    c = client_for(dispatcher)
    response = c.get(f"/admin/squads/squad/{tree.unit_b.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="duty_phone"' not in html
    assert 'name="office_address"' not in html
    assert 'name="supervision_phone"' in html


def test_officer_cannot_change_a_unit(client_for, tree, officer):
    c = client_for(officer)
    assert (
        c.post(f"/admin/squads/squad/{tree.unit_a.pk}/change/", {}).status_code == 403
    )


def test_leader_publishes_a_card_from_the_unit_list(
    client_for, tree, squad_leader, instructor
):
    c = client_for(squad_leader)
    response = c.post(
        "/admin/squads/squad/",
        {"action": "publish_cards", "_selected_action": [tree.unit_a.pk]},
        follow=True,
    )
    assert response.status_code == 200
    card = ContactCard.objects.get(squad=tree.unit_a)
    assert card.version == 1
    assert card.published_by == squad_leader
    assert card.content["leader"]["name"] == "孙队长"
    assert c.get(f"/squads/{tree.unit_a.code}/card/").status_code == 200


def test_leader_cannot_publish_another_units_card(client_for, tree, squad_leader):
    client_for(squad_leader).post(
        "/admin/squads/squad/",
        {"action": "publish_cards", "_selected_action": [tree.unit_b.pk]},
    )
    assert not ContactCard.objects.filter(squad=tree.unit_b).exists()


def test_leader_cannot_assign_a_workstation_to_another_units_community(
    client_for, tree, squad_leader
):
    response = client_for(squad_leader).post(
        "/admin/squads/workstation/add/",
        {
            "name": "越权工作站",
            "community": tree.community_b.pk,
            "address": "x",
            "hours": "工作日",
            "phone": "0536-3220001",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert (
        "越权工作站"
        not in client_for(squad_leader).get("/squads/workstations/").content.decode()
    )


def test_member_saved_in_admin_gets_the_role_group(client_for, tree, supervisor):
    user = get_user_model().objects.create_user("newcomer")
    response = client_for(supervisor).post(
        "/admin/squads/member/add/",
        {
            "user": user.pk,
            "full_name": "新队员",
            "squad": tree.unit_a.pk,
            "role": "officer",
            "title": "",
            "work_phone": "13805369999",
            "badge_number": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == ["officer"]
    assert user.is_staff


def test_squad_changelist_query_count_does_not_grow_with_rows(
    client_for, tree, supervisor, django_assert_max_num_queries
):
    from tests.squads.factories import SquadFactory

    c = client_for(supervisor)
    c.get("/admin/squads/squad/")
    with django_assert_max_num_queries(12) as small:
        c.get("/admin/squads/squad/")
    for _ in range(15):
        SquadFactory(kind="squadron", parent=tree.brigade, area=tree.street)
    with django_assert_max_num_queries(len(small.captured_queries)):
        c.get("/admin/squads/squad/")
