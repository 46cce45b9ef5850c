"""The staff case page reads the case once, with every row it shows joined."""

from __future__ import annotations

import re

import pytest

from citymgmt import phones
from complaints.services import complaint_act, complaint_reveal_phone
from tests.complaints.factories import photo, submit, walk_to

pytestmark = pytest.mark.usefixtures("empty_cache")

# The session; the user with their member record (the role), permissions and
# bell (one query: squads.auth); the case with its joins, its photos, its
# events with their actors.
CLOSED_CASE_QUERIES = 5


def change_url(complaint) -> str:
    return f"/admin/complaints/complaint/{complaint.pk}/change/"


def test_closed_case_page_reads_the_case_once(
    client_for, tree, users, django_assert_num_queries
):
    case = walk_to(submit(tree), "closed", users)
    c = client_for(users["dispatcher"])
    c.get(change_url(case))  # the content types are cached per process
    with django_assert_num_queries(CLOSED_CASE_QUERIES):
        response = c.get(change_url(case))
    page = response.content.decode()
    assert response.status_code == 200
    assert case.reference in page
    assert tree.community_a.name in page
    assert case.street.name in page
    assert case.squad.name in page


def test_case_page_queries_do_not_grow_with_the_events(
    client_for, tree, users, django_assert_num_queries
):
    dispatched = walk_to(submit(tree), "dispatched", users)
    disposed = walk_to(submit(tree), "disposed", users)
    c = client_for(users["squad_leader"])
    c.get(change_url(dispatched))
    # The leader's unit tree (2 levels), and the duplicate candidates an
    # open case looks up.
    with django_assert_num_queries(8) as few:
        assert c.get(change_url(dispatched)).status_code == 200
    with django_assert_num_queries(len(few)):
        response = c.get(change_url(disposed))
    assert disposed.reference in response.content.decode()


def _worked_over(case, users, *, rounds: int):
    """The case sent back and disposed again rounds times (two photos and two
    events a round), with a phone reveal (one more event) in each."""
    for _ in range(rounds):
        case = complaint_act(
            complaint=case, action="rework", by=users["dispatcher"], opinion="再处理。"
        )
        case = complaint_act(
            complaint=case,
            action="dispose",
            by=users["squad_leader"],
            method="service",
            result="已再次处理。",
            photos_before=[photo("gray")],
            photos_after=[photo("green")],
        )
        complaint_reveal_phone(complaint=case, by=users["dispatcher"])
    return case


# As CLOSED_CASE_QUERIES, and the duplicate candidates an open case looks up.
OPEN_CASE_DESK_QUERIES = 6
# As the dispatcher's, and the leader's unit tree (2 levels).
OPEN_CASE_LEADER_QUERIES = 8


@pytest.mark.parametrize(
    ("who", "queries"),
    [
        ("dispatcher", OPEN_CASE_DESK_QUERIES),
        ("squad_leader", OPEN_CASE_LEADER_QUERIES),
    ],
)
def test_case_page_queries_do_not_grow_with_events_or_photos(
    client_for, tree, users, django_assert_num_queries, who, queries
):
    few = walk_to(submit(tree), "disposed", users)
    many = _worked_over(walk_to(submit(tree), "disposed", users), users, rounds=4)
    assert many.events.count() >= few.events.count() + 12
    assert many.attachments.count() == few.attachments.count() + 8
    c = client_for(users[who])
    c.get(change_url(few))
    with django_assert_num_queries(queries):
        assert c.get(change_url(few)).status_code == 200
    with django_assert_num_queries(queries):
        response = c.get(change_url(many))
    page = response.content.decode()
    assert many.reference in page
    assert page.count('class="cd-event ') == many.events.count()
    assert page.count("/thumbnail/") == many.attachments.count()
    assert phones.mask(many.phone) in page
    assert many.phone not in page


def test_the_case_pages_sidebar_lists_what_the_user_may_open(client_for, tree, users):
    case = walk_to(submit(tree), "dispatched", users)
    dispatcher = client_for(users["dispatcher"]).get(change_url(case)).content.decode()
    leader = client_for(users["squad_leader"]).get(change_url(case)).content.decode()
    index = client_for(users["dispatcher"]).get("/admin/").content.decode()
    for page in (dispatcher, leader):
        assert 'id="nav-sidebar"' in page
        assert '<a href="/admin/complaints/complaint/" aria-current="page">' in page
        assert '<tr class="model-complaint current-model">' in page
    # The desk may file on a caller's behalf; a unit leader may not.
    assert 'href="/admin/complaints/complaint/add/" class="addlink"' in dispatcher
    assert 'href="/admin/complaints/complaint/add/" class="addlink"' not in leader
    # Every model the desk sees on the index is in the case page's sidebar.
    rows = re.findall(r'<th scope="row" id="([\w-]+)">', index)
    assert "complaints-complaint" in rows
    for row in rows:
        assert f'id="{row}"' in dispatcher


def test_the_case_page_shows_typed_text_escaped_with_its_line_breaks(
    client_for, tree, users
):
    case = submit(
        tree,
        description='摊贩占道 <b>经营</b> & 叫卖\n第二行："早上七点"',
        address="西苑小学<东门>",
    )
    case = complaint_act(
        complaint=case,
        action="accept",
        by=users["dispatcher"],
        opinion="先受理\n再派遣 <i>",
    )
    page = client_for(users["dispatcher"]).get(change_url(case)).content.decode()
    assert (
        '<div class="readonly">摊贩占道 &lt;b&gt;经营&lt;/b&gt; &amp; 叫卖<br>'
        "第二行：&quot;早上七点&quot;</div>" in page
    )
    assert '<div class="readonly">西苑小学&lt;东门&gt;</div>' in page
    assert '<td class="cd-event-opinion">先受理<br>再派遣 &lt;i&gt;</td>' in page
    assert "<b>经营</b>" not in page
