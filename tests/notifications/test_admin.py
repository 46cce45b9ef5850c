"""The outbox in the admin: read-only, masked, filtered, and for the desk only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citymgmt.notifications.models import Notification
from citymgmt.notifications.services import notify
from tests.conftest import EN

pytestmark = pytest.mark.django_db

OUTBOX = "/admin/notifications/notification/"


def sms(i: int, template: str = "complaint_received") -> Notification:
    return notify(
        channel="sms",
        template=template,
        context={"reference": f"20261123-{i:04d}", "unit": "城区一中队"},
        recipient=f"1391234{i:04d}",
    )


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, **EN).status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_5_rows_or_40(supervisor, client_for):
    desk = client_for(supervisor)
    for i in range(5):
        sms(i)
    desk.get(OUTBOX)
    few = queries_for(desk, OUTBOX)
    for i in range(5, 40):
        sms(i)
    assert queries_for(desk, OUTBOX) == few


def test_the_list_filters_by_template(dispatcher, client_for):
    received = sms(1)
    dispatched = sms(2, "complaint_dispatched")

    page = client_for(dispatcher).get(f"{OUTBOX}?template=complaint_dispatched", **EN)

    assert f'value="{dispatched.pk}"' in page.text
    assert f'value="{received.pk}"' not in page.text


def test_a_row_is_shown_read_only_with_the_phone_masked(supervisor, client_for):
    row = sms(1)

    page = client_for(supervisor).get(f"{OUTBOX}{row.pk}/change/", **EN)

    assert page.status_code == 200
    assert "139****0001" in page.text
    assert "13912340001" not in page.text
    assert 'name="_save"' not in page.text


@pytest.mark.parametrize("persona", ["squad_leader", "officer"])
def test_unit_staff_cannot_open_the_outbox(persona, request, client_for):
    user = request.getfixturevalue(persona)
    row = sms(1)
    unit = client_for(user)

    assert unit.get(OUTBOX, **EN).status_code == 403
    assert unit.get(f"{OUTBOX}{row.pk}/change/", **EN).status_code == 403


# --- Nobody confirms a phone by filtering the outbox on it (issue 8, item 1) -------


RECIPIENT_PROBES = [
    ("recipient", "13912340001", "13700000000"),
    ("recipient__startswith", "1391234", "150"),
    ("recipient__regex", "^139", "^150"),
    ("recipient__in", "13912340001", "13700000000"),
    ("recipient__endswith", "0001", "9999"),
]


@pytest.mark.parametrize(("lookup", "hit", "miss"), RECIPIENT_PROBES)
@pytest.mark.parametrize("who", ["squad_leader", "officer"])
def test_a_leader_or_officer_learns_nothing_from_an_outbox_recipient_filter(
    users, client_for, who, lookup, hit, miss
):
    sms(1)
    c = client_for(users[who])

    matching = c.get(OUTBOX, {lookup: hit})
    missing = c.get(OUTBOX, {lookup: miss})

    assert matching.status_code == missing.status_code == 403
    assert matching.content == missing.content


@pytest.mark.parametrize(("lookup", "hit", "miss"), RECIPIENT_PROBES)
@pytest.mark.parametrize("who", ["dispatcher", "supervisor"])
def test_the_outbox_refuses_a_filter_on_the_recipient_to_the_desk_too(
    users, client_for, who, lookup, hit, miss
):
    row = sms(1)
    c = client_for(users[who])

    matching = c.get(OUTBOX, {lookup: hit})
    missing = c.get(OUTBOX, {lookup: miss})

    # The outbox shows every phone masked and has no logged reveal, so no one
    # filters it by number: both go back to the whole list with a message.
    assert matching.status_code == missing.status_code == 302
    assert matching["Location"] == missing["Location"] == f"{OUTBOX}?e=1"
    page = c.get(matching["Location"], **EN)
    assert "A filter in the address could not be applied" in page.text
    assert f'value="{row.pk}"' in page.text
    assert "13912340001" not in page.text


def test_the_outbox_list_filters_still_filter(dispatcher, client_for):
    row = sms(1)
    c = client_for(dispatcher)
    assert f'value="{row.pk}"' in c.get(OUTBOX, {"channel__exact": "sms"}).text
    assert f'value="{row.pk}"' not in c.get(OUTBOX, {"channel__exact": "email"}).text
    assert f'value="{row.pk}"' in c.get(OUTBOX, {"status__exact": "pending"}).text
