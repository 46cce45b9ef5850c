"""Extensions (延期): a unit asks, the desk decides, the disposal clock moves."""

from __future__ import annotations

import pytest
from django.utils import translation

from citymgmt.errors import DomainError, Forbidden, NotAllowed
from complaints.models import Complaint, ComplaintEvent, ExtensionRequest, Status
from complaints.services import (
    extension_decide,
    extension_request,
)
from tests.complaints.clock import at, frozen, local
from tests.complaints.factories import fresh, move, submit
from tests.conftest import EN

LIST = "/admin/complaints/complaint/"
REASON = "商户承诺一周内搬入便民市场，需等待摊位空出。"


@pytest.fixture
def handled(tree, calendar_2026, users) -> Complaint:
    """Dispatched on Friday 2026-02-13 09:20: to be disposed by Friday 02-27 09:20."""
    with frozen(at(2, 13, 9, 0)):
        complaint = submit(tree)
    complaint = move(complaint, "accept", users["dispatcher"], at(2, 13, 9, 10))
    complaint = move(complaint, "dispatch", users["dispatcher"], at(2, 13, 9, 20))
    complaint = move(complaint, "sign", users["squad_leader"], at(2, 13, 9, 30))
    assert local(complaint.dispose_due_at) == at(2, 27, 9, 20)
    return complaint


def ask(complaint, by, when=None, **inputs) -> ExtensionRequest:
    values = {"reason": REASON, "working_days": 3, **inputs}
    with frozen(when or at(2, 25, 10, 0)):
        return extension_request(complaint=complaint, by=by, **values)


def refusal(call) -> str:
    with translation.override("en"), pytest.raises(DomainError) as caught:
        call()
    return caught.value


# --- Services -----------------------------------------------------------------------


def test_approval_moves_the_disposal_due_time_by_working_days(handled, users):
    pending = ask(handled, users["squad_leader"])
    assert pending.status == ExtensionRequest.Status.PENDING
    assert local(pending.old_due_at) == at(2, 27, 9, 20)

    with frozen(at(2, 25, 11, 0)):
        decided = extension_decide(
            request=pending, by=users["dispatcher"], approve=True, note="同意。"
        )

    complaint = fresh(handled)
    # Three working days after Friday 02-27 09:20: the make-up Saturday 02-28,
    # Monday 03-02 and Tuesday 03-03 (Sunday does not count).
    assert local(complaint.dispose_due_at) == at(3, 3, 9, 20)
    assert complaint.current_due_at == complaint.dispose_due_at
    assert complaint.extension_count == 1
    assert decided.status == ExtensionRequest.Status.APPROVED
    assert local(decided.new_due_at) == at(3, 3, 9, 20)
    assert decided.decided_by == users["dispatcher"]
    # The reminders follow the new clock: 80 % of 02-13 09:20 … 03-03 09:20.
    assert complaint.next_check_at > at(2, 25, 11, 0)
    assert complaint.next_check_at < complaint.dispose_due_at


def test_both_steps_are_logged_and_the_citizen_sees_the_approval(handled, users):
    pending = ask(handled, users["instructor"])
    with frozen(at(2, 25, 11, 0)):
        extension_decide(
            request=pending, by=users["supervisor"], approve=True, note="局领导同意。"
        )

    asked, decided = ComplaintEvent.objects.filter(
        complaint=handled, action__startswith="extension"
    ).order_by("created_at")
    assert (asked.action, asked.is_public, asked.opinion) == (
        "extension_request",
        False,
        REASON,
    )
    assert asked.payload["working_days"] == 3
    assert decided.action == "extension_decide"
    assert decided.is_public is True
    assert decided.payload["approved"] is True
    assert decided.payload["note"] == "局领导同意。"
    # The public text is the site's language and says nothing internal.
    assert "3" in decided.opinion and "局领导" not in decided.opinion


def test_a_refusal_needs_a_note_and_leaves_the_deadline(handled, users):
    pending = ask(handled, users["squad_leader"])

    error = refusal(
        lambda: extension_decide(request=pending, by=users["dispatcher"], approve=False)
    )
    assert error.field == "note"
    assert error.message == "Say why the extension is refused: the unit needs to know."

    with frozen(at(2, 25, 11, 0)):
        extension_decide(
            request=pending,
            by=users["dispatcher"],
            approve=False,
            note="市场已有空位，请本周处置。",
        )
    complaint = fresh(handled)
    assert local(complaint.dispose_due_at) == at(2, 27, 9, 20)
    assert complaint.extension_count == 0
    event = complaint.events.get(action="extension_decide")
    assert event.is_public is False


def test_an_officer_cannot_ask_for_an_extension(handled, users):
    error = refusal(lambda: ask(handled, users["officer"]))
    assert isinstance(error, Forbidden)
    assert error.message == (
        "Only the handling unit's leader or instructor may ask for an extension."
    )


def test_another_units_leader_cannot_ask(handled, users):
    error = refusal(lambda: ask(handled, users["other_squad_leader"]))
    assert isinstance(error, Forbidden)
    assert error.message == "This case belongs to another unit."


def test_a_leader_cannot_decide(handled, users):
    pending = ask(handled, users["squad_leader"])
    error = refusal(
        lambda: extension_decide(
            request=pending, by=users["squad_leader"], approve=True
        )
    )
    assert isinstance(error, Forbidden)
    assert error.message == (
        "Only a dispatcher or a supervisor may decide on an extension."
    )
    assert ExtensionRequest.objects.get(pk=pending.pk).status == "pending"


def test_one_request_at_a_time_and_one_decision_each(handled, users):
    pending = ask(handled, users["squad_leader"])
    error = refusal(lambda: ask(handled, users["instructor"]))
    assert isinstance(error, NotAllowed)
    assert error.message == (
        "An extension request for this case is already waiting for a decision."
    )

    with frozen(at(2, 25, 11, 0)):
        extension_decide(request=pending, by=users["dispatcher"], approve=True)
    error = refusal(
        lambda: extension_decide(request=pending, by=users["supervisor"], approve=True)
    )
    assert (
        error.message == "This extension request has already been decided (approved)."
    )
    assert fresh(handled).extension_count == 1


@pytest.mark.parametrize(
    ("inputs", "field", "message"),
    [
        (
            {"reason": "  "},
            "reason",
            "Give the reason for the extension: the decision rests on it.",
        ),
        ({"working_days": 0}, "working_days", "Ask for 1 to 15 working days."),
        ({"working_days": 16}, "working_days", "Ask for 1 to 15 working days."),
        ({"working_days": "many"}, "working_days", "Ask for 1 to 15 working days."),
    ],
)
def test_bad_input_is_refused_with_the_field_and_reason(
    handled, users, inputs, field, message
):
    error = refusal(lambda: ask(handled, users["squad_leader"], **inputs))
    assert (error.field, error.message) == (field, message)
    assert not ExtensionRequest.objects.exists()


def test_only_a_case_being_handled_can_be_extended(tree, calendar_2026, users):
    with frozen(at(3, 2, 9, 0)):
        complaint = submit(tree)
    complaint = move(complaint, "accept", users["dispatcher"], at(3, 2, 9, 10))
    complaint = move(complaint, "dispatch", users["dispatcher"], at(3, 2, 9, 20))
    error = refusal(lambda: ask(complaint, users["squad_leader"], at(3, 2, 10, 0)))
    assert isinstance(error, NotAllowed)
    assert error.message == (
        "An extension can be asked for only while the case is being handled; "
        "it is dispatched."
    )


def test_an_extension_must_be_asked_for_before_the_deadline(handled, users):
    error = refusal(lambda: ask(handled, users["squad_leader"], at(2, 27, 10, 0)))
    assert error.message == (
        "The disposal deadline has passed: an extension must be asked for before it."
    )


def test_a_pending_request_lapses_when_the_case_leaves_handling(handled, users):
    pending = ask(handled, users["squad_leader"])
    move(
        handled,
        "return",
        users["squad_leader"],
        at(2, 25, 10, 30),
        opinion="不属本中队辖区。",
    )

    pending.refresh_from_db()
    assert pending.status == ExtensionRequest.Status.WITHDRAWN
    error = refusal(
        lambda: extension_decide(request=pending, by=users["dispatcher"], approve=True)
    )
    assert isinstance(error, NotAllowed)


# --- Admin ---------------------------------------------------------------------------


def change_url(complaint) -> str:
    return f"{LIST}{complaint.pk}/change/"


def request_url(complaint) -> str:
    return f"{LIST}{complaint.pk}/extension/request/"


def decide_url(complaint) -> str:
    return f"{LIST}{complaint.pk}/extension/decide/"


def test_a_leader_asks_through_the_case_page(client_for, handled, users):
    c = client_for(users["squad_leader"])
    with frozen(at(2, 25, 10, 0)):
        page = c.get(change_url(handled), **EN).content.decode()
        assert request_url(handled) in page
        assert decide_url(handled) not in page
        form = c.get(request_url(handled), **EN)
        assert form.status_code == 200
        response = c.post(
            request_url(handled), {"working_days": "3", "reason": REASON}, **EN
        )

    assert response.status_code == 302
    pending = ExtensionRequest.objects.get()
    assert (pending.working_days, pending.requested_by) == (3, users["squad_leader"])
    with frozen(at(2, 25, 10, 5)):
        page = c.get(change_url(handled), **EN).content.decode()
    assert "extension pending" in page
    assert request_url(handled) not in page


def test_the_request_form_keeps_what_was_typed_when_the_reason_is_missing(
    client_for, handled, users
):
    with frozen(at(2, 25, 10, 0)):
        response = client_for(users["squad_leader"]).post(
            request_url(handled), {"working_days": "4", "reason": ""}, **EN
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give the reason for the extension" in html
    assert 'value="4"' in html
    assert not ExtensionRequest.objects.exists()


def test_an_officer_is_refused_the_request_form(client_for, handled, users):
    c = client_for(users["officer"])
    # The officer sees the case only once assigned to it.
    from squads.models import Member

    officer = Member.objects.get(user=users["officer"])
    move(handled, "assign", users["squad_leader"], at(2, 13, 10, 0), assignee=officer)
    with frozen(at(2, 25, 10, 0)):
        page = c.get(change_url(handled), **EN).content.decode()
        response = c.post(
            request_url(handled), {"working_days": "3", "reason": REASON}, **EN
        )
    assert request_url(handled) not in page
    assert response.status_code == 403
    assert "Only the handling unit&#x27;s leader or instructor" in (
        response.content.decode()
    )
    assert not ExtensionRequest.objects.exists()


def test_another_units_leader_gets_404(client_for, handled, users):
    c = client_for(users["other_squad_leader"])
    assert c.get(request_url(handled)).status_code == 404
    assert c.get(decide_url(handled)).status_code == 404


def test_the_dispatcher_decides_through_the_case_page(client_for, handled, users):
    ask(handled, users["squad_leader"])
    c = client_for(users["dispatcher"])
    with frozen(at(2, 25, 11, 0)):
        page = c.get(change_url(handled), **EN).content.decode()
        assert decide_url(handled) in page
        assert request_url(handled) not in page
        form = c.get(decide_url(handled), **EN).content.decode()
        assert REASON in form
        response = c.post(
            decide_url(handled), {"decision": "approve", "note": "同意。"}, **EN
        )
    assert response.status_code == 302
    assert local(fresh(handled).dispose_due_at) == at(3, 3, 9, 20)


def test_the_decision_form_asks_again_without_a_choice_or_a_refusal_note(
    client_for, handled, users
):
    ask(handled, users["squad_leader"])
    c = client_for(users["dispatcher"])
    with frozen(at(2, 25, 11, 0)):
        nothing = c.post(decide_url(handled), {"note": "再议"}, **EN)
        no_note = c.post(decide_url(handled), {"decision": "reject"}, **EN)
    assert "Choose to approve or to refuse." in nothing.content.decode()
    assert "再议" in nothing.content.decode()
    assert "Say why the extension is refused" in no_note.content.decode()
    assert ExtensionRequest.objects.get().status == "pending"


def test_a_leader_is_refused_the_decision(client_for, handled, users):
    ask(handled, users["squad_leader"])
    c = client_for(users["instructor"])
    with frozen(at(2, 25, 11, 0)):
        page = c.get(change_url(handled), **EN).content.decode()
        response = c.post(decide_url(handled), {"decision": "approve"}, **EN)
    assert decide_url(handled) not in page
    assert response.status_code == 403
    assert "Only a dispatcher or a supervisor may decide" in response.content.decode()
    assert ExtensionRequest.objects.get().status == "pending"


def test_deciding_with_nothing_pending_says_so(client_for, handled, users):
    response = client_for(users["dispatcher"]).get(decide_url(handled), **EN)
    assert response.status_code == 302
    assert fresh(handled).status == Status.PROCESSING
