"""Due times on the working-day clock, the rules behind them, and their admin."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from complaints import deadlines
from complaints.models import Category, Complaint, DeadlineRule, Stage, Status
from tests.complaints.clock import at, frozen, local
from tests.complaints.factories import fresh, move, photo, submit
from tests.conftest import EN

RULES = "/admin/complaints/deadlinerule/"


# --- Due times across the 2026 Spring Festival -------------------------------------


def test_a_case_filed_on_the_friday_before_the_festival_is_due_on_the_make_up_saturday(
    tree, calendar_2026
):
    # Fri 16:00-17:30 is 1.5 h; the other 2.5 h of the 4 fall on Saturday
    # 2026-02-14, a make-up working day, not on the Monday after the holiday.
    with frozen(at(2, 13, 16, 0)):
        complaint = submit(tree)

    complaint = fresh(complaint)
    assert complaint.deadline_rule.category_id is None  # the default normal rule
    assert local(complaint.accept_due_at) == at(2, 14, 11, 0)
    assert complaint.current_due_at == complaint.accept_due_at
    assert complaint.stage_started_at == at(2, 13, 16, 0)
    # The first reminder: half of the 4 working hours, Saturday 09:00.
    assert local(complaint.next_check_at) == at(2, 14, 9, 0)


def test_disposal_runs_five_working_days_from_dispatch_across_the_holiday_week(
    tree, calendar_2026, users
):
    with frozen(at(2, 13, 16, 0)):
        complaint = submit(tree)
    complaint = move(complaint, "accept", users["dispatcher"], at(2, 14, 10, 0))
    assert local(complaint.dispatch_due_at) == at(2, 14, 12, 0)  # 2 h, by noon

    complaint = move(complaint, "dispatch", users["dispatcher"], at(2, 14, 10, 30))
    complaint = fresh(complaint)
    # Signing: 1.5 h before lunch, 0.5 h after.
    assert local(complaint.sign_due_at) == at(2, 14, 14, 0)
    # Disposal: Saturday 5.5 h, Tue-Fri 30 h, then 2 h on the make-up
    # Saturday 2026-02-28: 37.5 h, five working days, none in the holiday.
    assert local(complaint.dispose_due_at) == at(2, 28, 10, 30)
    assert complaint.current_due_at == complaint.sign_due_at

    complaint = move(complaint, "sign", users["squad_leader"], at(2, 14, 11, 0))
    complaint = fresh(complaint)
    # The disposal clock started at dispatch, not at signing.
    assert complaint.stage_started_at == at(2, 14, 10, 30)
    assert complaint.current_due_at == complaint.dispose_due_at


def test_each_stage_is_due_from_the_moment_the_rule_says(tree, calendar_2026, users):
    category = Category.objects.get(code="06028")  # noise: no photos needed
    with frozen(at(3, 2, 9, 0)):
        complaint = submit(tree, code="06028")
    assert fresh(complaint).deadline_rule.category == category
    complaint = move(complaint, "accept", users["dispatcher"], at(3, 2, 9, 30))
    complaint = move(complaint, "dispatch", users["dispatcher"], at(3, 2, 10, 0))
    complaint = fresh(complaint)
    # 噪声扰民 is disposed within 2 working days: Mon 10:00 to Wed 10:00.
    assert local(complaint.dispose_due_at) == at(3, 4, 10, 0)
    complaint = move(complaint, "sign", users["squad_leader"], at(3, 2, 10, 15))
    complaint = move(
        complaint,
        "dispose",
        users["squad_leader"],
        at(3, 3, 15, 0),
        method="service",
        result="已劝导商户关闭外放音响。",
    )
    complaint = fresh(complaint)
    # Verification within 8 working hours of disposal: 2.5 h on Tuesday,
    # 5.5 h on Wednesday.
    assert local(complaint.verify_due_at) == at(3, 4, 15, 30)
    assert complaint.current_due_at == complaint.verify_due_at

    complaint = move(complaint, "verify", users["dispatcher"], at(3, 4, 9, 0))
    complaint = fresh(complaint)
    assert complaint.status == Status.CLOSED
    assert complaint.current_due_at is None
    assert complaint.next_check_at is None
    # The stage due times stay, for the on-time rates.
    assert complaint.dispose_due_at is not None


def test_rework_starts_a_new_disposal_clock_and_return_a_new_dispatch_clock(
    tree, calendar_2026, users
):
    with frozen(at(3, 2, 9, 0)):
        complaint = submit(tree, code="06028")
    complaint = move(complaint, "accept", users["dispatcher"], at(3, 2, 9, 10))
    complaint = move(complaint, "dispatch", users["dispatcher"], at(3, 2, 9, 20))
    complaint = move(
        complaint,
        "return",
        users["squad_leader"],
        at(3, 2, 14, 0),
        opinion="不属本中队辖区。",
    )
    complaint = fresh(complaint)
    assert complaint.status == Status.REGISTERED
    assert local(complaint.dispatch_due_at) == at(3, 2, 16, 0)
    assert complaint.sign_due_at is None and complaint.dispose_due_at is None
    assert complaint.current_due_at == complaint.dispatch_due_at

    complaint = move(
        complaint, "dispatch", users["dispatcher"], at(3, 2, 15, 0), squad=tree.unit_a
    )
    complaint = move(complaint, "sign", users["squad_leader"], at(3, 2, 15, 30))
    complaint = move(
        complaint,
        "dispose",
        users["squad_leader"],
        at(3, 3, 9, 0),
        method="service",
        result="已劝导商户关闭外放音响。",
    )
    complaint = move(
        complaint,
        "rework",
        users["dispatcher"],
        at(3, 3, 11, 0),
        opinion="夜间仍有噪声。",
    )
    complaint = fresh(complaint)
    assert complaint.status == Status.PROCESSING
    # Two new working days from the rework: Thursday 11:00.
    assert local(complaint.dispose_due_at) == at(3, 5, 11, 0)
    assert complaint.stage_started_at == at(3, 3, 11, 0)


def test_urgent_road_occupation_trading_is_disposed_within_two_working_hours(
    tree, calendar_2026, users
):
    with frozen(at(3, 2, 11, 0)):
        complaint = submit(tree)
    complaint = move(
        complaint, "accept", users["dispatcher"], at(3, 2, 11, 10), priority="urgent"
    )
    complaint = fresh(complaint)
    assert complaint.deadline_rule.category.code == "09006"
    assert complaint.deadline_rule.priority == "urgent"
    # Half an hour to dispatch.
    assert local(complaint.dispatch_due_at) == at(3, 2, 11, 40)
    complaint = move(complaint, "dispatch", users["dispatcher"], at(3, 2, 11, 20))
    complaint = fresh(complaint)
    # 40 minutes before lunch, 80 after: the lunch break does not count.
    assert local(complaint.dispose_due_at) == at(3, 2, 14, 50)
    assert local(complaint.sign_due_at) == at(3, 2, 11, 50)


def test_a_blocked_fire_lane_is_disposed_within_one_working_hour(
    tree, calendar_2026, users
):
    with frozen(at(3, 2, 9, 0)):
        complaint = submit(tree, code="09012")
    assert fresh(complaint).priority == "urgent"
    complaint = move(complaint, "accept", users["dispatcher"], at(3, 2, 9, 5))
    complaint = move(complaint, "dispatch", users["dispatcher"], at(3, 2, 9, 10))
    assert local(fresh(complaint).dispose_due_at) == at(3, 2, 10, 10)


def test_a_category_without_its_own_rule_uses_the_default_for_its_priority(
    tree, calendar_2026
):
    with frozen(at(3, 2, 9, 0)):
        complaint = submit(tree, code="06010")
    rule = fresh(complaint).deadline_rule
    assert rule.category_id is None
    assert rule.priority == "normal"
    assert rule.dispose_days == 5


def test_a_switched_off_rule_gives_way_to_the_default(tree, calendar_2026):
    DeadlineRule.objects.filter(category__code="06028").update(is_active=False)
    with frozen(at(3, 2, 9, 0)):
        complaint = submit(tree, code="06028")
    assert fresh(complaint).deadline_rule.category_id is None


def test_without_any_rule_a_case_has_no_due_times_and_nothing_breaks(tree):
    DeadlineRule.objects.all().delete()
    complaint = fresh(submit(tree))
    assert complaint.accept_due_at is None
    assert complaint.current_due_at is None
    assert complaint.next_check_at is None
    assert deadlines.sweep().looked_at == 0


def test_replaying_the_history_gives_the_due_times_set_live(tree, calendar_2026, users):
    with frozen(at(2, 13, 16, 0)):
        complaint = submit(tree)
    complaint = move(complaint, "accept", users["dispatcher"], at(2, 14, 10, 0))
    complaint = move(complaint, "dispatch", users["dispatcher"], at(2, 14, 10, 30))
    complaint = move(complaint, "sign", users["squad_leader"], at(2, 14, 11, 0))
    live = fresh(complaint)

    replayed = fresh(complaint)
    fields = deadlines.replay(replayed)

    for name in fields:
        assert getattr(replayed, name) == getattr(live, name), name


def test_backfill_gives_open_cases_without_due_times_their_deadlines(
    tree, calendar_2026, users
):
    with frozen(at(3, 2, 9, 0)):
        complaint = submit(tree)
    complaint = move(complaint, "accept", users["dispatcher"], at(3, 2, 9, 30))
    expected = fresh(complaint).dispatch_due_at
    Complaint.objects.update(**{name: None for name in deadlines.SCHEDULE_FIELDS})

    out = StringIO()
    with frozen(at(3, 2, 9, 45)):
        call_command("sweep_deadlines", "--backfill", stdout=out)

    assert "backfilled due times of 1 open cases" in out.getvalue()
    assert fresh(complaint).dispatch_due_at == expected
    assert fresh(complaint).current_due_at == expected


# --- Rules: validation -----------------------------------------------------------


def rule(**fields) -> DeadlineRule:
    values = {
        "category": Category.objects.get(code="06036"),
        "priority": "normal",
        "accept_hours": Decimal(4),
        "dispatch_hours": Decimal(2),
        "sign_hours": Decimal(2),
        "dispose_days": 5,
        "verify_hours": Decimal(8),
        "reminder_thresholds": "50,80",
    }
    values.update(fields)
    return DeadlineRule(**values)


def messages_of(candidate: DeadlineRule) -> dict[str, list[str]]:
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            candidate.full_clean()
        return caught.value.message_dict


def test_a_negative_limit_is_refused_with_the_reason(db):
    errors = messages_of(rule(accept_hours=Decimal(-1)))
    assert errors["accept_hours"] == [
        "A limit must be more than zero working hours; a negative or zero limit "
        "makes every case overdue at once."
    ]


def test_an_absurd_limit_is_refused_with_the_reason(db):
    assert messages_of(rule(dispose_days=61))["dispose_days"] == [
        "A limit over 60 working days is not a deadline; split the case or use "
        "an extension."
    ]
    assert messages_of(rule(verify_hours=Decimal(481)))["verify_hours"] == [
        "A limit over 480 working hours is not a deadline; split the case or use "
        "an extension."
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"dispose_days": None},
            "Give the disposal limit in working hours or in working days.",
        ),
        (
            {"dispose_hours": Decimal(4)},
            "Give the disposal limit in hours or in days, not both.",
        ),
        (
            {"dispose_days": 0},
            "A limit must be at least one working day.",
        ),
    ],
)
def test_the_disposal_limit_is_hours_or_days(db, fields, message):
    assert messages_of(rule(**fields))["dispose_days"] == [message]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("50,abc", "Write the reminder thresholds as whole percentages"),
        ("80,50", "List the reminder thresholds in ascending order, each once."),
        ("50,50", "List the reminder thresholds in ascending order, each once."),
        ("0,100", "Each reminder threshold is a percentage from 1 to 99"),
    ],
)
def test_reminder_thresholds_must_parse(db, text, message):
    errors = messages_of(rule(reminder_thresholds=text))
    assert errors["reminder_thresholds"][0].startswith(message)


def test_thresholds_are_stored_tidy_and_may_be_empty(db):
    tidy = rule(reminder_thresholds=" 30， 60 ,90")
    tidy.full_clean()
    assert tidy.reminder_thresholds == "30,60,90"
    assert tidy.thresholds == [30, 60, 90]
    none = rule(reminder_thresholds="")
    none.full_clean()
    assert none.thresholds == []


def test_one_rule_per_category_and_priority_and_one_default_per_priority(db):
    with translation.override("en"):
        twin = rule(category=Category.objects.get(code="06028"))
        with pytest.raises(ValidationError) as caught:
            twin.full_clean()
        assert "already has a rule for this priority" in str(caught.value)

        default = rule(category=None)
        with pytest.raises(ValidationError) as caught:
            default.full_clean()
        assert "already a default rule for this priority" in str(caught.value)


def test_the_seeded_rules_are_the_documented_defaults(db):
    found = {
        (r.category.code if r.category else None, r.priority): r
        for r in DeadlineRule.objects.select_related("category")
    }
    normal = found[(None, "normal")]
    assert (normal.accept_hours, normal.dispatch_hours, normal.sign_hours) == (4, 2, 2)
    assert (normal.dispose_days, normal.verify_hours) == (5, 8)
    urgent = found[(None, "urgent")]
    assert (urgent.dispose_hours, urgent.dispose_days) == (2, None)
    assert found[("09006", "urgent")].dispose_hours == 2
    assert found[("09012", "urgent")].dispose_hours == 1
    assert found[("06028", "normal")].dispose_days == 2
    for seeded in found.values():
        seeded.full_clean()


# --- Rules: admin ---------------------------------------------------------------


def rule_form(**changes) -> dict:
    data = {
        "category": Category.objects.get(code="06036").pk,
        "priority": "normal",
        "is_active": "on",
        "accept_hours": "4",
        "dispatch_hours": "2",
        "sign_hours": "2",
        "dispose_hours": "",
        "dispose_days": "3",
        "verify_hours": "8",
        "reminder_thresholds": "50,80",
        "note": "乱堆杂物三日内清理。",
    }
    data.update(changes)
    return data


def test_a_supervisor_adds_a_rule_in_the_admin(client_for, supervisor):
    response = client_for(supervisor).post(f"{RULES}add/", rule_form(), **EN)

    assert response.status_code == 302
    added = DeadlineRule.objects.get(category__code="06036")
    assert added.dispose_days == 3


def test_the_admin_refuses_an_absurd_limit_and_keeps_what_was_typed(
    client_for, supervisor
):
    response = client_for(supervisor).post(
        f"{RULES}add/", rule_form(dispose_days="90"), **EN
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "A limit over 60 working days is not a deadline; split the case or use an "
        "extension." in html
    )
    assert "乱堆杂物三日内清理。" in html
    assert not DeadlineRule.objects.filter(category__code="06036").exists()


def test_the_admin_refuses_a_negative_limit(client_for, supervisor):
    response = client_for(supervisor).post(
        f"{RULES}add/", rule_form(accept_hours="-2"), **EN
    )

    assert response.status_code == 200
    assert "a negative or zero limit makes every case overdue" in (
        response.content.decode()
    )
    assert not DeadlineRule.objects.filter(category__code="06036").exists()


def test_the_admin_refuses_a_second_rule_for_the_same_category_and_priority(
    client_for, supervisor
):
    response = client_for(supervisor).post(
        f"{RULES}add/",
        rule_form(category=Category.objects.get(code="06028").pk),
        **EN,
    )

    assert response.status_code == 200
    assert "This category already has a rule for this priority." in (
        response.content.decode()
    )


def test_a_supervisor_edits_a_rule_and_new_cases_follow_it(
    client_for, supervisor, tree, calendar_2026
):
    noise = DeadlineRule.objects.get(category__code="06028", priority="normal")
    response = client_for(supervisor).post(
        f"{RULES}{noise.pk}/change/",
        rule_form(category=noise.category_id, accept_hours="1", dispose_days="2"),
        **EN,
    )
    assert response.status_code == 302

    with frozen(at(3, 2, 9, 0)):
        complaint = submit(tree, code="06028")
    assert local(fresh(complaint).accept_due_at) == at(3, 2, 10, 0)


def test_a_dispatcher_reads_the_rules_but_cannot_change_them(client_for, dispatcher):
    c = client_for(dispatcher)
    assert c.get(RULES).status_code == 200
    assert c.get(f"{RULES}add/").status_code == 403
    noise = DeadlineRule.objects.get(category__code="06028")
    assert c.post(f"{RULES}{noise.pk}/change/", rule_form()).status_code == 403


def test_a_leader_has_no_rule_admin(client_for, squad_leader):
    assert client_for(squad_leader).get(RULES).status_code == 403


def test_rules_cannot_be_deleted_only_switched_off(client_for, supervisor):
    noise = DeadlineRule.objects.get(category__code="06028")
    response = client_for(supervisor).get(f"{RULES}{noise.pk}/delete/")
    assert response.status_code == 403


# --- The command ----------------------------------------------------------------


def test_sweep_deadlines_prints_what_it_did(tree, calendar_2026, users):
    with frozen(at(3, 2, 9, 0)):
        submit(tree)
    out = StringIO()
    with frozen(at(3, 2, 11, 0)):  # 2 of 4 working hours: the 50 % reminder
        call_command("sweep_deadlines", stdout=out)
    text = out.getvalue()
    assert "looked at 1 cases" in text
    assert "reminders: 1, overdue: 0, escalated: 0" in text
    assert "50 %: 1" in text

    again = StringIO()
    with frozen(at(3, 2, 11, 1)):
        call_command("sweep_deadlines", stdout=again)
    assert "looked at 0 cases" in again.getvalue()


def test_stage_of_each_open_status():
    assert deadlines.STAGE_OF_STATUS == {
        Status.SUBMITTED: Stage.ACCEPT,
        Status.REGISTERED: Stage.DISPATCH,
        Status.DISPATCHED: Stage.SIGN,
        Status.PROCESSING: Stage.DISPOSE,
        Status.DISPOSED: Stage.VERIFY,
    }


def test_dispose_needs_photos_for_this_category_so_helpers_bring_them(
    tree, calendar_2026, users
):
    # The 09006 walk through dispose: due times survive photo-carrying actions.
    with frozen(at(3, 2, 9, 0)):
        complaint = submit(tree)
    for action, who, when in [
        ("accept", "dispatcher", at(3, 2, 9, 10)),
        ("dispatch", "dispatcher", at(3, 2, 9, 20)),
        ("sign", "squad_leader", at(3, 2, 9, 30)),
    ]:
        complaint = move(complaint, action, users[who], when)
    complaint = move(
        complaint,
        "dispose",
        users["squad_leader"],
        at(3, 3, 9, 0),
        method="service",
        result="已引导摊贩进入便民市场经营。",
        photos_before=[photo("gray")],
        photos_after=[photo("green")],
    )
    assert local(fresh(complaint).verify_due_at) == at(3, 4, 9, 30)


# --- The case list: badges, filters, the leaders' order --------------------------

LIST = "/admin/complaints/complaint/"


def badge_of(html: str, reference: str) -> str:
    """The text of the deadline badge in the row of a case."""
    import re

    row = next(r for r in html.split("<tr") if reference in r)
    found = re.search(
        r'class="cd-badge cd-due cd-due-([\w-]+)"[^>]*>(.*?)</span>\s*'
        r"(.*?)</span>",
        row,
        re.S,
    )
    if found is None:
        return ""
    state = re.sub(r"<[^>]+>", "", found.group(2)).strip()
    return f"{found.group(1)}: {state} {found.group(3).strip()}"


def test_the_badge_shows_working_time_left_or_past(
    client_for, tree, calendar_2026, users
):
    with frozen(at(3, 2, 9, 0)):
        fresh_case = submit(tree)  # accept by 14:30 (3 h before lunch, 1 after)
        soon = submit(tree)
    late = submit_dispatched(tree, users, at(3, 2, 9, 20))  # dispose by 03-09 09:20
    move(late, "sign", users["squad_leader"], at(3, 2, 9, 30))
    move(soon, "accept", users["dispatcher"], at(3, 2, 9, 0))  # dispatch by 11:00
    c = client_for(users["dispatcher"])

    with frozen(at(3, 2, 9, 30)):
        html = c.get(LIST, **EN).content.decode()
    assert badge_of(html, fresh_case.reference) == (
        "on-track: on track 3.5 working hours left"
    )
    with frozen(at(3, 2, 10, 40)):
        html = c.get(LIST, **EN).content.decode()
    # 1 h 40 of the 2 h to dispatch are used: past the 80 % reminder.
    assert badge_of(html, soon.reference) == "due-soon: due soon 0.3 working hours left"
    with frozen(at(3, 10, 9, 20)):
        html = c.get(LIST, **EN).content.decode()
    assert badge_of(html, late.reference) == "overdue: overdue overdue by 1 working day"
    # Accept by 03-02 14:30; 41 h 20 min of office hours later: 5.5 days.
    assert badge_of(html, fresh_case.reference) == (
        "overdue: overdue overdue by 5.5 working days"
    )


def test_the_badge_reads_in_chinese_by_default(client_for, tree, calendar_2026, users):
    with frozen(at(3, 2, 9, 0)):
        fresh_case = submit(tree)
    late = submit_dispatched(tree, users, at(3, 2, 9, 20))
    move(late, "sign", users["squad_leader"], at(3, 2, 9, 30))
    c = client_for(users["dispatcher"])
    with frozen(at(3, 2, 9, 30)):
        html = c.get(LIST).content.decode()
    assert badge_of(html, fresh_case.reference).endswith("剩余 3.5 工作小时")
    with frozen(at(3, 10, 9, 20)):
        html = c.get(LIST).content.decode()
    assert badge_of(html, late.reference).endswith("超期 1 个工作日")


def submit_dispatched(tree, users, when, **extra):
    with frozen(when):
        complaint = submit(tree, **extra)
    complaint = move(complaint, "accept", users["dispatcher"], when)
    return move(complaint, "dispatch", users["dispatcher"], when)


def refs(html: str, cases) -> list[str]:
    return [c.reference for c in cases if c.reference in html]


def test_filters_due_today_and_overdue(client_for, tree, calendar_2026, users):
    with frozen(at(3, 2, 9, 0)):
        today = submit(tree)  # accept by 14:30 today
    with frozen(at(3, 2, 16, 0)):
        tomorrow = submit(tree)  # accept by 10:30 tomorrow
    with frozen(at(2, 26, 9, 0)):
        overdue = submit(tree)  # accept by 02-26 14:30
    closed = submit_dispatched(tree, users, at(2, 26, 9, 0))
    move(closed, "cancel", users["supervisor"], at(2, 26, 9, 30), opinion="撤诉。")
    cases = [today, tomorrow, overdue, closed]
    c = client_for(users["dispatcher"])

    with frozen(at(3, 2, 16, 30)):
        assert refs(c.get(LIST, {"deadline": "overdue"}).content.decode(), cases) == [
            today.reference,
            overdue.reference,
        ] or set(
            refs(c.get(LIST, {"deadline": "overdue"}).content.decode(), cases)
        ) == {today.reference, overdue.reference}
    with frozen(at(3, 2, 12, 0)):
        due_today = refs(c.get(LIST, {"deadline": "due_today"}).content.decode(), cases)
    assert due_today == [today.reference]


def test_the_extension_pending_filter(client_for, tree, calendar_2026, users):
    from complaints.services import extension_request

    waiting = submit_dispatched(tree, users, at(3, 2, 9, 20))
    waiting = move(waiting, "sign", users["squad_leader"], at(3, 2, 9, 30))
    other = submit_dispatched(tree, users, at(3, 2, 9, 20))
    with frozen(at(3, 3, 10, 0)):
        extension_request(
            complaint=waiting,
            by=users["squad_leader"],
            reason="等待市场摊位。",
            working_days=2,
        )
        html = (
            client_for(users["dispatcher"])
            .get(LIST, {"extension": "pending"})
            .content.decode()
        )
    assert refs(html, [waiting, other]) == [waiting.reference]


def test_a_leaders_list_is_sorted_by_the_nearest_due_time(
    client_for, tree, calendar_2026, users
):
    # Dispatched at different moments: the sign due times differ by the hour.
    late = submit_dispatched(tree, users, at(3, 2, 11, 0))
    early = submit_dispatched(tree, users, at(3, 2, 9, 0))
    middle = submit_dispatched(tree, users, at(3, 2, 10, 0))
    finished = submit_dispatched(tree, users, at(3, 2, 8, 30), code="06028")
    finished = move(finished, "sign", users["squad_leader"], at(3, 2, 8, 40))
    move(
        finished,
        "dispose",
        users["squad_leader"],
        at(3, 2, 8, 50),
        method="service",
        result="已劝导。",
    )
    move(finished, "verify", users["dispatcher"], at(3, 2, 8, 55))

    with frozen(at(3, 2, 11, 30)):
        leader_html = client_for(users["squad_leader"]).get(LIST).content.decode()
        desk_html = client_for(users["dispatcher"]).get(LIST).content.decode()
    order = sorted(
        [early, middle, late, finished],
        key=lambda c: leader_html.index(c.reference),
    )
    # Closed cases have no due time: they come last.
    assert order == [early, middle, late, finished]
    # The desk keeps the newest first.
    desk = sorted([early, middle, late], key=lambda c: desk_html.index(c.reference))
    assert desk == [late, middle, early]


def test_the_changelist_query_count_does_not_grow_with_the_page(
    client_for, tree, calendar_2026, users, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with frozen(at(3, 2, 9, 0)):
        for _ in range(3):
            submit(tree)
    for i in range(3):
        submit_dispatched(tree, users, at(3, 2, 9, 10 + i))
    c = client_for(users["dispatcher"])
    leader = client_for(users["squad_leader"])
    with frozen(at(3, 2, 10, 0)):
        c.get(LIST)
        leader.get(LIST)
        with CaptureQueriesContext(connection) as desk_few:
            c.get(LIST, {"all": ""})
        with CaptureQueriesContext(connection) as leader_few:
            leader.get(LIST, {"all": ""})
    with frozen(at(3, 2, 9, 0)):
        for _ in range(20):
            submit(tree, code="06028")
    for i in range(20):
        submit_dispatched(tree, users, at(3, 2, 9, 20 + i))
    with frozen(at(3, 2, 10, 0)):
        with django_assert_max_num_queries(len(desk_few)):
            html = c.get(LIST, {"all": ""}).content.decode()
        with django_assert_max_num_queries(len(leader_few)):
            leader_html = leader.get(LIST, {"all": ""}).content.decode()
    assert html.count("cd-due-on-track") + html.count("cd-due-due-soon") >= 46
    assert leader_html.count('class="cd-badge cd-due ') >= 23
