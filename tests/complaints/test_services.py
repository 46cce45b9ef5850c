"""The workflow service: every move recorded, reasons and evidence demanded, ratings."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override

from citymgmt.errors import Conflict, DomainError, Forbidden, NotAllowed
from citymgmt.phones import mask as mask_phone
from complaints.models import Attachment, Complaint, ComplaintEvent, Status
from complaints.selectors import actions_for, duplicate_candidates
from complaints.services import (
    complaint_act,
    complaint_rate,
    complaint_reveal_phone,
    reference_number,
)
from complaints.workflow import TRANSITIONS
from tests.complaints.factories import photo, submit, walk_to


def test_submission_gets_a_readable_reference_and_is_routed_to_the_covering_unit(tree):
    complaint = submit(tree, community=tree.community_a1)
    assert re.fullmatch(r"\d{8}-\d{4}", complaint.reference)
    assert complaint.reference.startswith(timezone.localdate().strftime("%Y%m%d"))
    assert complaint.squad == tree.team_a1
    assert complaint.street == tree.street
    event = complaint.events.get()
    assert (event.action, event.to_status, event.role, event.is_public) == (
        "submit",
        "submitted",
        "citizen",
        True,
    )


def test_references_count_up_within_a_day(tree):
    first, second = submit(tree), submit(tree)
    assert int(second.reference[-4:]) == int(first.reference[-4:]) + 1


def test_reference_day_follows_shanghai_time(db):
    # 17:30 UTC on the 23rd is already the 24th in Shanghai.
    late = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)
    # The day a filing's statement counts in, and its references' prefix.
    numbered = reference_number(at=late)
    assert numbered.day == date(2026, 11, 24)
    assert numbered.text(1).startswith("20261124-")


def test_without_a_community_the_dispatcher_chooses_the_unit(tree, dispatcher):
    complaint = submit(tree, community=None, street=tree.street)
    assert complaint.squad is None
    complaint = complaint_act(complaint=complaint, action="accept", by=dispatcher)
    with pytest.raises(DomainError) as refused:
        complaint_act(complaint=complaint, action="dispatch", by=dispatcher)
    assert refused.value.field == "squad"
    complaint = complaint_act(
        complaint=complaint, action="dispatch", by=dispatcher, squad=tree.unit_b
    )
    assert (complaint.status, complaint.squad) == ("dispatched", tree.unit_b)


def test_the_whole_loop_writes_one_event_per_move(tree, users):
    complaint = walk_to(submit(tree), "closed", users)
    moves = list(
        complaint.events.order_by("created_at", "id").values_list(
            "action", "from_status", "to_status", "actor__username", "role"
        )
    )
    assert moves == [
        ("submit", "", "submitted", None, "citizen"),
        ("accept", "submitted", "registered", "dispatcher", "dispatcher"),
        ("dispatch", "registered", "dispatched", "dispatcher", "dispatcher"),
        ("sign", "dispatched", "processing", "leader_a", "squad_leader"),
        ("dispose", "processing", "disposed", "leader_a", "squad_leader"),
        ("verify", "disposed", "closed", "dispatcher", "dispatcher"),
    ]
    assert complaint.closed_at and complaint.dispatched_at and complaint.signed_at
    kinds = sorted(complaint.attachments.values_list("kind", flat=True))
    assert kinds == [Attachment.Kind.AFTER, Attachment.Kind.BEFORE]


@pytest.mark.parametrize(
    "action", [a for a, t in TRANSITIONS.items() if t.needs_reason]
)
def test_actions_that_need_a_reason_refuse_without_one(tree, users, action):
    status = {"reject": "submitted", "return": "processing", "rework": "disposed"}.get(
        action, "registered"
    )
    complaint = walk_to(submit(tree), status, users)
    with pytest.raises(DomainError) as refused:
        complaint_act(
            complaint=complaint, action=action, by=users["supervisor"], opinion="  "
        )
    assert refused.value.field == "opinion"
    assert Complaint.objects.get(pk=complaint.pk).status == status


def test_dispose_requires_the_721_method_a_result_and_photos(tree, users):
    complaint = walk_to(submit(tree), "processing", users)
    leader = users["squad_leader"]
    with override("en"):
        with pytest.raises(DomainError, match="721"):
            complaint_act(
                complaint=complaint,
                action="dispose",
                by=leader,
                result="已处理完毕",
            )
        with pytest.raises(DomainError, match="Describe what was done"):
            complaint_act(
                complaint=complaint, action="dispose", by=leader, method="service"
            )
        with pytest.raises(DomainError, match="before and one from after"):
            complaint_act(
                complaint=complaint,
                action="dispose",
                by=leader,
                method="service",
                result="已引导入市",
                photos_before=[photo()],
            )
    assert Complaint.objects.get(pk=complaint.pk).status == "processing"


def test_dispose_without_photos_is_fine_where_the_category_does_not_ask(tree, users):
    complaint = walk_to(submit(tree, code="06028"), "processing", users)  # noise
    complaint = complaint_act(
        complaint=complaint,
        action="dispose",
        by=users["squad_leader"],
        method="management",
        result="已责令商户降低音量。",
    )
    assert complaint.status == "disposed"
    assert complaint.method == "management"


def test_an_officer_disposes_only_cases_assigned_to_them(tree, users, officer):
    complaint = walk_to(submit(tree, code="06028"), "processing", users)
    inputs = {"method": "service", "result": "已劝导。"}
    with pytest.raises(Forbidden):
        complaint_act(complaint=complaint, action="dispose", by=officer, **inputs)
    complaint = complaint_act(
        complaint=complaint,
        action="assign",
        by=users["squad_leader"],
        assignee=officer.member,
    )
    complaint = complaint_act(
        complaint=complaint, action="dispose", by=officer, **inputs
    )
    assert complaint.status == "disposed"


def test_another_units_leader_is_refused_and_nothing_changes(tree, users):
    complaint = walk_to(submit(tree), "dispatched", users)
    with pytest.raises(Forbidden):
        complaint_act(
            complaint=complaint, action="sign", by=users["other_squad_leader"]
        )
    assert Complaint.objects.get(pk=complaint.pk).status == "dispatched"
    assert not complaint.events.filter(action="sign").exists()


def test_an_action_from_the_wrong_state_is_refused_with_the_reason(tree, users):
    complaint = submit(tree)
    with override("en"), pytest.raises(NotAllowed, match="not possible while"):
        complaint_act(complaint=complaint, action="verify", by=users["dispatcher"])


def test_a_stale_form_gets_a_conflict(tree, users):
    complaint = submit(tree)
    complaint_act(complaint=complaint, action="accept", by=users["dispatcher"])
    with pytest.raises(Conflict):
        complaint_act(
            complaint=complaint,
            action="accept",
            by=users["supervisor"],
            expected_status="submitted",
        )
    assert complaint.events.filter(action="accept").count() == 1


def test_return_sends_the_case_back_to_the_desk_without_a_unit(tree, users):
    complaint = walk_to(submit(tree), "processing", users)
    complaint = complaint_act(
        complaint=complaint,
        action="return",
        by=users["squad_leader"],
        opinion="该路段属于相邻街道管辖",
    )
    assert (complaint.status, complaint.squad, complaint.dispatched_at) == (
        "registered",
        None,
        None,
    )
    event = complaint.events.get(action="return")
    assert event.payload == {"squad": tree.unit_a.code}
    assert not event.is_public


def test_rework_counts_and_needs_new_evidence(tree, users):
    complaint = walk_to(submit(tree), "disposed", users)
    complaint = complaint_act(
        complaint=complaint, action="rework", by=users["dispatcher"], opinion="摊贩仍在"
    )
    assert (complaint.status, complaint.rework_count) == ("processing", 1)
    with pytest.raises(DomainError):
        complaint_act(
            complaint=complaint,
            action="dispose",
            by=users["squad_leader"],
            method="service",
            result="再次劝导",
        )


def test_reject_refers_to_the_department_that_owns_the_matter(tree, users):
    complaint = submit(tree, code="10901")
    complaint = complaint_act(
        complaint=complaint,
        action="reject",
        by=users["dispatcher"],
        opinion="物业收费纠纷不属于城管职责",
    )
    assert complaint.status == "rejected"
    assert complaint.referral_to == "住建部门（物业主管部门）"
    assert complaint.events.get(action="reject").is_public


def test_merge_points_to_the_original_and_the_hint_lists_it(tree, users):
    first, second = submit(tree), submit(tree)
    assert list(duplicate_candidates(complaint=second)) == [first]
    merged = complaint_act(
        complaint=second, action="merge", by=users["dispatcher"], duplicate_of=first
    )
    assert (merged.status, merged.duplicate_of) == ("duplicate", first)
    third = submit(tree)
    merged = complaint_act(
        complaint=third, action="merge", by=users["dispatcher"], duplicate_of=second
    )
    assert merged.duplicate_of == first  # chains collapse onto the original


def test_duplicate_hint_ignores_other_categories_and_old_cases(tree):
    first = submit(tree)
    Complaint.objects.filter(pk=first.pk).update(
        submitted_at=timezone.now() - timedelta(hours=73)
    )
    submit(tree, code="06028")
    assert not duplicate_candidates(complaint=submit(tree)).exists()


def test_only_a_supervisor_cancels(tree, users):
    complaint = submit(tree)
    with pytest.raises(Forbidden):
        complaint_act(
            complaint=complaint, action="cancel", by=users["dispatcher"], opinion="误报"
        )
    complaint = complaint_act(
        complaint=complaint, action="cancel", by=users["supervisor"], opinion="误报"
    )
    assert complaint.status == "cancelled"


def test_dissatisfied_reopens_once_to_the_same_unit(tree, users):
    complaint = walk_to(submit(tree), "closed", users)
    complaint = complaint_rate(complaint=complaint, satisfaction="dissatisfied")
    assert (complaint.status, complaint.squad, complaint.reopen_count) == (
        "processing",
        tree.unit_a,
        1,
    )
    complaint = walk_to(Complaint.objects.get(pk=complaint.pk), "closed", users)
    complaint = complaint_rate(complaint=complaint, satisfaction="dissatisfied")
    assert complaint.status == "closed"
    assert complaint.satisfaction == "dissatisfied"
    ratings = complaint.events.filter(action="rate").values_list("payload", flat=True)
    assert [r["satisfaction"] for r in ratings] == ["dissatisfied", "dissatisfied"]


def test_rating_is_refused_after_the_window_and_twice(tree, users, settings):
    complaint = walk_to(submit(tree), "closed", users)
    complaint = complaint_rate(complaint=complaint, satisfaction="satisfied")
    with pytest.raises(NotAllowed):
        complaint_rate(complaint=complaint, satisfaction="basically")
    late = walk_to(submit(tree), "closed", users)
    Complaint.objects.filter(pk=late.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.COMPLAINT_RATING_DAYS + 1)
    )
    with pytest.raises(NotAllowed):
        complaint_rate(complaint=late, satisfaction="satisfied")


def test_revealing_a_phone_is_logged_and_needs_the_permission(tree, users):
    complaint = submit(tree)
    assert mask_phone(complaint.phone) == "139****5678"
    assert complaint_reveal_phone(complaint=complaint, by=users["dispatcher"]) == (
        "13912345678"
    )
    event = complaint.events.get(action="reveal_phone")
    assert (event.actor, event.is_public) == (users["dispatcher"], False)
    with pytest.raises(Forbidden):
        complaint_reveal_phone(complaint=complaint, by=users["squad_leader"])


def test_actions_offered_follow_the_table(tree, users):
    complaint = submit(tree)
    assert actions_for(user=users["dispatcher"], complaint=complaint) == [
        "accept",
        "reject",
        "merge",
    ]
    assert actions_for(user=users["squad_leader"], complaint=complaint) == []
    complaint = walk_to(complaint, "dispatched", users)
    assert actions_for(user=users["squad_leader"], complaint=complaint) == [
        "sign",
        "assign",
        "return",
    ]
    assert actions_for(user=users["other_squad_leader"], complaint=complaint) == []


def test_invalid_submissions_are_refused_with_field_messages(tree):
    with pytest.raises(DomainError) as refused:
        submit(tree, description="太短", phone="1381234")
    assert {"description", "phone"} <= set(refused.value.errors)
    assert not Complaint.objects.exists()
    assert not ComplaintEvent.objects.exists()
    assert Status.SUBMITTED == "submitted"


def test_a_squadron_leader_assigns_an_officer_of_one_of_its_teams(tree, users):
    from tests.squads.factories import make_member

    team_officer = make_member(
        username="officer_a1",
        role="officer",
        squad=tree.team_a1,
        full_name="钱队员",
        phone="13805360099",
    )
    complaint = walk_to(submit(tree), "processing", users)
    complaint = complaint_act(
        complaint=complaint,
        action="assign",
        by=users["squad_leader"],
        assignee=team_officer,
    )
    assert complaint.assignee == team_officer
    with pytest.raises(DomainError):
        complaint_act(
            complaint=complaint,
            action="assign",
            by=users["squad_leader"],
            assignee=users["other_squad_leader"].member,
        )
