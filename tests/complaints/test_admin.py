"""The complaints admin: scope, action forms, bulk actions, phones, photos, filing."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from complaints import selectors
from complaints.admin import CappedPaginator
from complaints.models import (
    Attachment,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    Status,
)
from complaints.services import complaint_act
from squads.models import Member
from tests.complaints.factories import (
    PHONE,
    fresh,
    jpeg_bytes,
    photo,
    submit,
    upload,
    walk_to,
)
from tests.conftest import EN
from tests.squads.factories import make_member

MASKED = "139****5678"
LIST = "/admin/complaints/complaint/"


pytestmark = pytest.mark.usefixtures("media_root")


def change_url(complaint: Complaint) -> str:
    return f"{LIST}{complaint.pk}/change/"


def act_url(complaint: Complaint, action: str) -> str:
    return f"{LIST}{complaint.pk}/act/{action}/"


def act(client, complaint: Complaint, action: str, files=None, **data):
    data.setdefault("expected_status", fresh(complaint).status)
    return client.post(act_url(complaint, action), {**data, **(files or {})}, **EN)


def buttons(html: str) -> list[str]:
    return re.findall(
        r'class="button cd-action cd-action-\w+" href="[^"]*/act/(\w+)/"', html
    )


def refusal_message(user, complaint: Complaint, action: str) -> str:
    with translation.override("en"):
        return selectors.refusal(
            user=user, complaint=fresh(complaint), action=action
        ).message


def text(response) -> str:
    return response.content.decode()


# --- Scope ----------------------------------------------------------------------


def test_leader_sees_own_units_dispatched_cases_only(client_for, tree, users):
    own = walk_to(submit(tree), "dispatched", users)
    other = walk_to(submit(tree, community=tree.community_b), "dispatched", users)
    waiting = submit(tree)
    html = text(client_for(users["squad_leader"]).get(LIST))
    assert own.reference in html
    assert other.reference not in html
    assert waiting.reference not in html


@pytest.mark.parametrize(
    "suffix", ["change/", "history/", "act/sign/", "act/assign/", "act/accept/"]
)
def test_leader_gets_404_for_another_units_case(client_for, tree, users, suffix):
    other = walk_to(submit(tree, community=tree.community_b), "dispatched", users)
    response = client_for(users["squad_leader"]).get(f"{LIST}{other.pk}/{suffix}")
    assert response.status_code == 404


def test_leader_cannot_post_actions_or_reveal_on_another_units_case(
    client_for, tree, users
):
    other = walk_to(submit(tree, community=tree.community_b), "dispatched", users)
    c = client_for(users["squad_leader"])
    assert act(c, other, "sign").status_code == 404
    assert c.post(f"{LIST}{other.pk}/reveal-phone/").status_code == 404
    assert fresh(other).status == Status.DISPATCHED


def test_officer_sees_only_cases_assigned_to_them(client_for, tree, users):
    mine = walk_to(submit(tree), "processing", users)
    complaint_act(
        complaint=mine,
        action="assign",
        by=users["squad_leader"],
        assignee=Member.objects.get(user=users["officer"]),
    )
    unassigned = walk_to(submit(tree), "processing", users)
    c = client_for(users["officer"])
    html = text(c.get(LIST))
    assert mine.reference in html
    assert unassigned.reference not in html
    assert c.get(change_url(mine)).status_code == 200
    assert c.get(change_url(unassigned)).status_code == 404


@pytest.mark.parametrize("who", ["dispatcher", "supervisor"])
def test_desk_sees_every_case(client_for, tree, users, who):
    cases = [
        submit(tree),
        walk_to(submit(tree, community=tree.community_b), "dispatched", users),
        submit(tree, community=None),
    ]
    html = text(client_for(users[who]).get(LIST))
    assert all(case.reference in html for case in cases)


def test_a_user_without_a_role_sees_no_cases(
    client_for, tree, users, django_user_model
):
    case = submit(tree)
    stranger = django_user_model.objects.create_user("clerk", password="pw-12345")
    stranger.is_staff = True
    stranger.save()
    c = client_for(stranger)
    assert c.get(LIST).status_code == 403
    assert c.get(change_url(case)).status_code in (403, 404)


# --- The change page and its action buttons -----------------------------------


@pytest.mark.parametrize(
    ("status", "who", "expected"),
    [
        ("submitted", "dispatcher", ["accept", "reject", "merge"]),
        ("registered", "dispatcher", ["merge", "dispatch"]),
        ("dispatched", "squad_leader", ["sign", "assign", "return"]),
        ("processing", "squad_leader", ["assign", "dispose", "return"]),
        ("disposed", "dispatcher", ["verify", "rework"]),
        ("submitted", "supervisor", ["accept", "reject", "merge", "cancel"]),
        ("closed", "dispatcher", []),
    ],
)
def test_change_page_shows_exactly_the_actions_the_user_may_take(
    client_for, tree, users, status, who, expected
):
    case = walk_to(submit(tree), status, users)
    response = client_for(users[who]).get(change_url(case), **EN)
    assert response.status_code == 200
    assert buttons(text(response)) == expected
    assert expected == selectors.actions_for(user=users[who], complaint=case)


def test_change_page_has_no_save_button_and_shows_the_timeline(client_for, tree, users):
    case = walk_to(submit(tree), "dispatched", users)
    html = text(client_for(users["dispatcher"]).get(change_url(case), **EN))
    assert 'name="_save"' not in html
    assert 'name="status"' not in html
    # Timeline: submit, accept, dispatch, with the actor's name.
    assert "Dispatch" in html
    assert "钱受理" in html
    assert "unit: 城区一中队" in html


def test_action_forms_walk_a_case_around_the_loop(client_for, tree, users):
    case = submit(tree)
    desk = client_for(users["dispatcher"])
    leader = client_for(users["squad_leader"])
    officer_member = Member.objects.get(user=users["officer"])

    steps = [
        (
            desk,
            "accept",
            {"opinion": "属实，受理。", "priority": "urgent"},
            "registered",
        ),
        (desk, "dispatch", {"squad": tree.unit_a.pk}, "dispatched"),
        (leader, "sign", {"opinion": "已签收"}, "processing"),
        (leader, "assign", {"assignee": officer_member.pk}, "processing"),
    ]
    for client, action, data, status in steps:
        response = act(client, case, action, **data)
        assert response.status_code == 302, text(response)[:3000]
        assert response["Location"] == change_url(case)
        case = fresh(case)
        assert case.status == status
        event = case.events.order_by("-created_at", "-id").first()
        assert event.action == action
        assert event.actor is not None
    assert case.priority == "urgent"
    assert case.assignee == officer_member

    officer = client_for(users["officer"])
    response = act(
        officer,
        case,
        "dispose",
        method="service",
        resolution="已引导摊贩进入西苑便民市场经营。",
        files={
            "photos_before": [upload(jpeg_bytes(color="gray"), "before.jpg")],
            "photos_after": [upload(jpeg_bytes(color="green"), "after.jpg")],
        },
    )
    assert response.status_code == 302, text(response)[:3000]
    assert fresh(case).status == Status.DISPOSED

    response = act(desk, case, "verify", opinion="核查属实，结案。")
    assert response.status_code == 302
    case = fresh(case)
    assert case.status == Status.CLOSED
    assert list(case.events.values_list("action", flat=True)) == [
        "submit",
        "accept",
        "dispatch",
        "sign",
        "assign",
        "dispose",
        "verify",
    ]
    page = desk.get(response["Location"], **EN)
    assert "verify" not in buttons(text(page))


@pytest.mark.parametrize(
    ("action", "status", "who", "target"),
    [
        ("reject", "submitted", "dispatcher", "rejected"),
        ("return", "dispatched", "squad_leader", "registered"),
        ("rework", "disposed", "dispatcher", "processing"),
        ("cancel", "processing", "supervisor", "cancelled"),
    ],
)
def test_actions_with_a_reason_record_it(
    client_for, tree, users, action, status, who, target
):
    case = walk_to(submit(tree), status, users)
    response = act(client_for(users[who]), case, action, opinion="理由写清楚了。")
    assert response.status_code == 302, text(response)[:3000]
    case = fresh(case)
    assert case.status == target
    event = case.events.order_by("-created_at", "-id").first()
    assert (event.action, event.opinion, event.actor) == (
        action,
        "理由写清楚了。",
        users[who],
    )


def test_reject_form_prefills_the_referral_department(client_for, tree, users):
    case = submit(tree, code="10901")
    html = text(client_for(users["dispatcher"]).get(act_url(case, "reject"), **EN))
    assert "住建部门（物业主管部门）" in html


def test_reject_without_a_reason_shows_the_form_again_with_what_was_typed(
    client_for, tree, users
):
    case = submit(tree)
    response = act(
        client_for(users["dispatcher"]),
        case,
        "reject",
        opinion="  ",
        referral_to="交警大队",
    )
    assert response.status_code == 200
    html = text(response)
    assert "Give a reason" in html
    assert 'value="交警大队"' in html
    assert fresh(case).status == Status.SUBMITTED


def test_a_leader_posting_accept_is_refused_with_403(client_for, tree, users):
    case = walk_to(submit(tree), "dispatched", users)
    response = act(client_for(users["squad_leader"]), case, "accept")
    assert response.status_code == 403
    assert refusal_message(users["squad_leader"], case, "accept") in text(response)
    assert fresh(case).status == Status.DISPATCHED


def test_an_action_not_possible_now_gives_the_reason_not_an_error(
    client_for, tree, users
):
    case = submit(tree)
    c = client_for(users["dispatcher"])
    expected = refusal_message(users["dispatcher"], case, "verify")

    opened = c.get(act_url(case, "verify"), follow=True, **EN)
    assert opened.status_code == 200
    assert expected in text(opened)

    posted = act(c, case, "verify", opinion="ok")
    assert posted.status_code == 200
    assert expected in text(posted)
    assert fresh(case).status == Status.SUBMITTED


def test_an_unknown_action_is_404(client_for, tree, users):
    case = submit(tree)
    c = client_for(users["dispatcher"])
    assert c.get(act_url(case, "teleport")).status_code == 404
    assert c.get(act_url(case, "reopen")).status_code == 404


def test_the_second_of_two_dispatchers_accepting_gets_the_conflict_message(
    client_for, tree, users
):
    case = submit(tree)
    colleague = make_member(
        username="dispatcher2",
        role=Member.Role.DISPATCHER,
        squad=None,
        full_name="孙值班",
        phone="13805360007",
    ).user
    first = client_for(users["dispatcher"])
    second = client_for(colleague)
    # Both opened the form while the case was submitted.
    assert act(first, case, "accept", expected_status="submitted").status_code == 302
    response = act(second, case, "accept", expected_status="submitted")
    assert response.status_code == 200
    assert "Someone else has just changed this case" in text(response)
    assert fresh(case).events.filter(action="accept").count() == 1


def test_merge_form_looks_up_the_reference(client_for, tree, users):
    original = submit(tree)
    case = submit(tree)
    c = client_for(users["dispatcher"])
    missing = act(c, case, "merge", duplicate_of="20000101-9999")
    assert missing.status_code == 200
    assert "No case has the reference 20000101-9999" in text(missing)
    assert 'value="20000101-9999"' in text(missing)

    done = act(c, case, "merge", duplicate_of=original.reference)
    assert done.status_code == 302
    case = fresh(case)
    assert (case.status, case.duplicate_of) == (Status.DUPLICATE, original)


def test_assign_form_offers_the_members_of_the_cases_unit(client_for, tree, users):
    case = walk_to(submit(tree), "dispatched", users)
    html = text(client_for(users["squad_leader"]).get(act_url(case, "assign"), **EN))
    assert "赵队员" in html
    assert "王队长" not in html


def test_dispatch_form_proposes_the_covering_unit(client_for, tree, users):
    case = walk_to(submit(tree, community=tree.community_a1), "registered", users)
    html = text(client_for(users["dispatcher"]).get(act_url(case, "dispatch"), **EN))
    assert re.search(rf'<option value="{tree.team_a1.pk}" selected>', html)


# --- Dispose with photos --------------------------------------------------------


def test_dispose_form_stores_before_and_after_photos(client_for, tree, users):
    case = walk_to(submit(tree), "processing", users)
    c = client_for(users["squad_leader"])
    form = c.get(act_url(case, "dispose"), **EN)
    assert 'enctype="multipart/form-data"' in text(form)
    response = act(
        c,
        case,
        "dispose",
        method="service",
        resolution="已劝导摊贩入市经营，现场已清理。",
        files={
            "photos_before": [
                upload(jpeg_bytes(color="gray"), "b1.jpg"),
                upload(jpeg_bytes(color="black"), "b2.jpg"),
            ],
            "photos_after": [upload(jpeg_bytes(color="green"), "a1.jpg")],
        },
    )
    assert response.status_code == 302, text(response)[:3000]
    case = fresh(case)
    assert case.status == Status.DISPOSED
    assert case.method == "service"
    kinds = sorted(case.attachments.values_list("kind", flat=True))
    assert kinds == ["after", "before", "before"]
    event = case.events.get(action="dispose")
    assert event.attachments.count() == 3


def test_dispose_without_photos_for_a_category_that_needs_them_says_so(
    client_for, tree, users
):
    case = walk_to(submit(tree), "processing", users)
    assert case.category.requires_disposal_photos
    response = act(
        client_for(users["squad_leader"]),
        case,
        "dispose",
        method="management",
        resolution="已处理。",
    )
    assert response.status_code == 200
    html = text(response)
    assert "needs a photo from before and one from after" in html
    assert "已处理。" in html
    assert fresh(case).status == Status.PROCESSING


def test_dispose_with_a_file_that_is_not_a_photo_names_it(client_for, tree, users):
    case = walk_to(submit(tree), "processing", users)
    response = act(
        client_for(users["squad_leader"]),
        case,
        "dispose",
        method="service",
        resolution="已处理完毕。",
        files={
            "photos_before": [upload(b"<?php echo 1; ?>", "shell.jpg")],
            "photos_after": [upload(jpeg_bytes(), "a.jpg")],
        },
    )
    assert response.status_code == 200
    html = text(response)
    assert "shell.jpg" in html
    assert "Choose the photos again" in html
    assert "已处理完毕。" in html
    assert not Attachment.objects.filter(complaint=case).exists()


# --- Bulk actions -----------------------------------------------------------------


def bulk(client, action: str, cases, **data):
    return client.post(
        LIST,
        {
            "action": action,
            "_selected_action": [c.pk for c in cases],
            **data,
        },
        **EN,
    )


def test_bulk_dispatch_asks_for_the_unit_then_reports_each_case(
    client_for, tree, users
):
    ready = [walk_to(submit(tree), "registered", users) for _ in range(2)]
    waiting = submit(tree)
    c = client_for(users["dispatcher"])

    page = bulk(c, "dispatch_selected", [*ready, waiting], index=0)
    assert page.status_code == 200
    assert 'name="squad"' in text(page)
    assert waiting.reference in text(page)

    done = bulk(
        c, "dispatch_selected", [*ready, waiting], apply="1", squad=tree.unit_b.pk
    )
    assert done.status_code == 302
    for case in ready:
        case = fresh(case)
        assert (case.status, case.squad) == (Status.DISPATCHED, tree.unit_b)
    assert fresh(waiting).status == Status.SUBMITTED
    html = text(c.get(done["Location"], **EN))
    assert f"{waiting.reference}: " in html
    assert refusal_message(users["dispatcher"], waiting, "dispatch") in html
    assert "Dispatched to 城区二中队" in html


def test_bulk_dispatch_without_a_unit_asks_again(client_for, tree, users):
    case = walk_to(submit(tree), "registered", users)
    c = client_for(users["dispatcher"])
    response = bulk(c, "dispatch_selected", [case], apply="1", squad="")
    assert response.status_code == 200
    assert "errorlist" in text(response)
    assert fresh(case).status == Status.REGISTERED


def test_bulk_merge_keeps_the_oldest_as_the_original(client_for, tree, users):
    oldest, second, third = submit(tree), submit(tree), submit(tree)
    done = walk_to(submit(tree), "dispatched", users)
    c = client_for(users["dispatcher"])
    response = bulk(c, "merge_selected", [third, oldest, second, done], index=0)
    assert response.status_code == 302
    assert fresh(oldest).status == Status.SUBMITTED
    for case in (second, third):
        case = fresh(case)
        assert (case.status, case.duplicate_of) == (Status.DUPLICATE, oldest)
    assert fresh(done).status == Status.DISPATCHED
    html = text(c.get(response["Location"], **EN))
    assert f"Merged into {oldest.reference}" in html
    assert f"{done.reference}: " in html


def test_bulk_merge_needs_two_cases(client_for, tree, users):
    case = submit(tree)
    c = client_for(users["dispatcher"])
    response = bulk(c, "merge_selected", [case], index=0)
    assert fresh(case).status == Status.SUBMITTED
    assert "Select at least two cases" in text(c.get(response["Location"], **EN))


def test_leaders_have_no_bulk_actions(client_for, tree, users):
    case = walk_to(submit(tree), "dispatched", users)
    c = client_for(users["squad_leader"])
    assert "dispatch_selected" not in text(c.get(LIST))
    bulk(c, "merge_selected", [case], index=0)
    assert fresh(case).status == Status.DISPATCHED


# --- Phones -----------------------------------------------------------------------


def test_a_leader_never_sees_the_full_phone(client_for, tree, users):
    case = walk_to(submit(tree, phone=PHONE), "processing", users)
    c = client_for(users["squad_leader"])
    pages = [
        c.get(LIST),
        c.get(f"{LIST}?q={case.reference}"),
        c.get(change_url(case)),
        c.get(f"{LIST}{case.pk}/history/"),
        c.get(act_url(case, "dispose")),
    ]
    for page in pages:
        assert page.status_code == 200
        assert PHONE not in text(page)
    assert MASKED in text(pages[0])
    assert MASKED in text(pages[2])
    assert "reveal-phone" not in text(pages[2])
    refused = c.post(f"{LIST}{case.pk}/reveal-phone/", **EN)
    assert refused.status_code == 403
    assert PHONE not in text(refused)
    assert not case.events.filter(action="reveal_phone").exists()


def test_the_dispatchers_list_is_masked_too(client_for, tree, users):
    case = submit(tree, phone=PHONE)
    c = client_for(users["dispatcher"])
    assert PHONE not in text(c.get(LIST))
    html = text(c.get(change_url(case)))
    assert PHONE not in html
    assert f"{LIST}{case.pk}/reveal-phone/" in html


def test_a_dispatcher_reveals_the_phone_and_the_reveal_is_recorded(
    client_for, tree, users
):
    case = submit(tree, phone=PHONE)
    response = client_for(users["dispatcher"]).post(
        f"{LIST}{case.pk}/reveal-phone/", **EN
    )
    assert response.status_code == 200
    assert PHONE in text(response)
    assert (
        "no-store" in response["Cache-Control"]
        or "no-cache" in response["Cache-Control"]
    )
    event = case.events.get(action="reveal_phone")
    assert (event.actor, event.role, event.is_public) == (
        users["dispatcher"],
        "dispatcher",
        False,
    )


def test_reveal_needs_a_post(client_for, tree, users):
    case = submit(tree, phone=PHONE)
    response = client_for(users["dispatcher"]).get(f"{LIST}{case.pk}/reveal-phone/")
    assert response.status_code == 405
    assert not case.events.filter(action="reveal_phone").exists()


def test_search_finds_a_case_by_reference_phone_or_address(client_for, tree, users):
    case = submit(tree, phone=PHONE, address="西苑小学东门")
    other = submit(tree, phone="13700000000", address="云门山路18号")
    c = client_for(users["dispatcher"])
    for term in (case.reference, case.reference.replace("-", ""), PHONE, "西苑小学"):
        html = text(c.get(LIST, {"q": term}))
        assert case.reference in html, term
        assert other.reference not in html, term


# --- Duplicates -------------------------------------------------------------------


def test_duplicate_hint_lists_candidates_and_merges_in_one_click(
    client_for, tree, users
):
    earlier = submit(tree, address="西苑小学东门")
    later = submit(tree, address="西苑小学东门外")
    unrelated = submit(tree, code="06010")
    c = client_for(users["dispatcher"])
    html = text(c.get(change_url(later), **EN))
    assert "Possible duplicates" in html
    assert earlier.reference in html
    assert unrelated.reference not in html

    response = c.post(
        f"{LIST}{later.pk}/act/merge/",
        {"expected_status": "submitted", "duplicate_of": earlier.reference},
        **EN,
    )
    assert response.status_code == 302
    later = fresh(later)
    assert (later.status, later.duplicate_of) == (Status.DUPLICATE, earlier)
    assert later.events.filter(action="merge", actor=users["dispatcher"]).exists()


# --- Filing on a caller's behalf -------------------------------------------------


def file_data(tree, **extra):
    data = {
        "channel": Channel.HOTLINE_12345,
        "request_type": "complaint",
        "category": Category.objects.get(code="09006").pk,
        "description": "12345转来：西苑小学门口放学时段流动摊贩占道。",
        "address": "西苑小学东门",
        "community": tree.community_a.pk,
        "citizen_name": "刘先生",
        "phone": "13612345678",
        "consent": "on",
    }
    data.update(extra)
    return data


def test_a_dispatcher_files_a_hotline_complaint_on_a_callers_behalf(
    client_for, tree, users
):
    c = client_for(users["dispatcher"])
    form = c.get(f"{LIST}add/", **EN)
    assert form.status_code == 200
    assert 'value="web"' not in text(form)
    response = c.post(f"{LIST}add/", file_data(tree), **EN)
    assert response.status_code == 302, text(response)[:3000]
    case = Complaint.objects.get()
    assert response["Location"] == change_url(case)
    assert (case.channel, case.created_by, case.squad) == (
        Channel.HOTLINE_12345,
        users["dispatcher"],
        tree.unit_a,
    )
    assert case.consent_at is not None
    event = case.events.get()
    assert (event.action, event.role, event.actor) == (
        "submit",
        "dispatcher",
        users["dispatcher"],
    )


def test_filing_keeps_what_was_typed_when_the_phone_is_wrong(client_for, tree, users):
    c = client_for(users["dispatcher"])
    response = c.post(f"{LIST}add/", file_data(tree, phone="1391234"), **EN)
    assert response.status_code == 200
    html = text(response)
    assert "errorlist" in html
    assert "12345转来：西苑小学门口放学时段流动摊贩占道。" in html
    assert 'value="西苑小学东门"' in html
    assert not Complaint.objects.exists()


def test_filing_refuses_the_web_channel(client_for, tree, users):
    c = client_for(users["dispatcher"])
    response = c.post(f"{LIST}add/", file_data(tree, channel="web"), **EN)
    assert response.status_code == 200
    assert not Complaint.objects.exists()


def test_leaders_cannot_file_on_behalf(client_for, tree, users):
    c = client_for(users["squad_leader"])
    assert c.get(f"{LIST}add/").status_code == 403
    assert c.post(f"{LIST}add/", file_data(tree)).status_code == 403
    assert not Complaint.objects.exists()


# --- Attachments ------------------------------------------------------------------


def test_photos_are_served_only_to_staff_who_may_see_the_case(
    client_for, tree, users, client
):
    case = walk_to(submit(tree, photos=[photo()]), "dispatched", users)
    attachment = case.attachments.get()
    url = f"{LIST}attachment/{attachment.pk}/file/"
    thumb = f"{LIST}attachment/{attachment.pk}/thumbnail/"

    assert client_for(users["other_squad_leader"]).get(url).status_code == 404
    assert client_for(users["other_squad_leader"]).get(thumb).status_code == 404
    assert client.get(url).status_code == 302  # to the login page

    for who in ("squad_leader", "dispatcher"):
        for address in (url, thumb):
            response = client_for(users[who]).get(address)
            assert response.status_code == 200
            assert response["Content-Type"] == "image/jpeg"
            assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"

    html = text(client_for(users["squad_leader"]).get(change_url(case)))
    assert thumb in html
    assert attachment.file.url not in html


def test_an_unknown_photo_variant_is_404(client_for, tree, users):
    case = submit(tree, photos=[photo()])
    attachment = case.attachments.get()
    response = client_for(users["dispatcher"]).get(
        f"{LIST}attachment/{attachment.pk}/original/"
    )
    assert response.status_code == 404


# --- Query count ----------------------------------------------------------------


# The session; the user with their member record, permissions and bell (one
# query, squads.auth); the count, the rows and the date range. The filters'
# small tables (categories, units, communities) come from the process's
# reference data (citymgmt.refdata), read by the warm-up request.
DESK_LIST_QUERIES = 5
# A leader's scope walks the unit tree (2 levels) once.
LEADER_LIST_QUERIES = 7


def test_changelist_query_count_does_not_grow_with_the_rows(
    client_for, tree, users, django_assert_num_queries
):
    c = client_for(users["dispatcher"])
    for _ in range(20):
        submit(tree)
    c.get(LIST)  # warm the session and the content types

    with django_assert_num_queries(DESK_LIST_QUERIES):
        response = c.get(LIST, {"all": ""})
    assert response.content.decode().count("/change/") >= 20

    categories = list(Category.objects.filter(is_active=True)[:5])
    for i in range(80):
        submit(
            tree,
            code=categories[i % 5].code,
            community=[tree.community_a, tree.community_a1, tree.community_b][i % 3],
        )
    with django_assert_num_queries(DESK_LIST_QUERIES):
        response = c.get(LIST, {"all": ""})
    html = response.content.decode()
    assert all(
        ref in html for ref in Complaint.objects.values_list("reference", flat=True)
    )


def test_leader_changelist_query_count_does_not_grow_with_the_rows(
    client_for, tree, users, django_assert_num_queries
):
    c = client_for(users["squad_leader"])
    walk_to(submit(tree), "dispatched", users)
    c.get(LIST)
    with CaptureQueriesContext(connection) as one:
        c.get(LIST, {"all": ""})
    assert len(one) == LEADER_LIST_QUERIES
    for i in range(24):
        case = walk_to(
            submit(tree, community=[tree.community_a, tree.community_a1][i % 2]),
            "dispatched",
            users,
        )
    with django_assert_num_queries(len(one)):
        html = text(c.get(LIST, {"all": "", "status__exact": "dispatched"}))
    assert case.reference in html
    assert html.count("/change/") >= 25


def test_date_drill_down_goes_from_years_to_months_to_days(client_for, tree, users):
    shanghai = ZoneInfo("Asia/Shanghai")
    when = {
        submit(tree).pk: datetime(2025, 12, 30, 9, 0, tzinfo=shanghai),
        submit(tree).pk: datetime(2026, 3, 5, 9, 0, tzinfo=shanghai),
        submit(tree).pk: datetime(2026, 3, 9, 9, 0, tzinfo=shanghai),
        submit(tree).pk: datetime(2026, 5, 1, 9, 0, tzinfo=shanghai),
    }
    for pk, at in when.items():
        Complaint.objects.filter(pk=pk).update(submitted_at=at)
    c = client_for(users["dispatcher"])

    years = text(c.get(LIST, **EN))
    assert "?submitted_at__year=2025" in years
    assert "?submitted_at__year=2026" in years

    months = text(c.get(LIST, {"submitted_at__year": 2026}, **EN))
    assert "submitted_at__month=3" in months
    assert "submitted_at__month=5" in months
    assert "submitted_at__month=2" not in months
    assert "submitted_at__month=6" not in months

    days = c.get(LIST, {"submitted_at__year": 2026, "submitted_at__month": 3}, **EN)
    html = text(days)
    assert "submitted_at__day=5" in html
    assert "submitted_at__day=9" in html
    assert "submitted_at__day=10" not in html
    assert html.count("/change/") == 2

    assert c.get(LIST, {"submitted_at__year": "x"}).status_code in (200, 302)
    odd = {
        "submitted_at__year": 2026,
        "submitted_at__month": 2,
        "submitted_at__day": 31,
    }
    assert c.get(LIST, odd).status_code in (200, 302)


def test_the_list_counts_no_further_than_its_cap(tree, users):
    for _ in range(5):
        submit(tree)
    paginator = CappedPaginator(Complaint.objects.order_by("-submitted_at"), 2)
    paginator.cap = 3
    assert paginator.count == 3
    assert paginator.capped
    assert paginator.num_pages == 2

    whole = CappedPaginator(Complaint.objects.order_by("-submitted_at"), 2)
    assert whole.count == 5
    assert not whole.capped


# --- Categories -------------------------------------------------------------------


def test_a_supervisor_edits_a_category_and_a_dispatcher_only_reads(
    client_for, tree, users
):
    category = Category.objects.get(code="09006")
    url = f"/admin/complaints/category/{category.pk}/change/"
    data = {
        "name_zh": category.name_zh,
        "name_en": category.name_en,
        "major_class": category.major_class,
        "standard_ref": category.standard_ref,
        "is_active": "on",
        "default_priority": "urgent",
        "requires_disposal_photos": "on",
        "referral_to": "",
        "notice_zh": "",
        "notice_en": "",
    }
    desk = client_for(users["dispatcher"])
    assert desk.get(url).status_code == 200
    assert desk.post(url, data).status_code == 403
    response = client_for(users["supervisor"]).post(url, data)
    assert response.status_code == 302, text(response)[:3000]
    category.refresh_from_db()
    assert category.default_priority == "urgent"
    assert ComplaintEvent.objects.count() == 0
