"""The whole triage list page is the page Django's own templates draw."""

from __future__ import annotations

import re

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tests.citymgmt.test_nav_sidebar import between_tags
from tests.complaints.factories import submit, walk_to

pytestmark = pytest.mark.usefixtures("empty_cache")

LIST = "/admin/complaints/complaint/"

# Django's admin/change_list.html, with the list's one departure that changes
# what is shown: the date drill-down offers the range between the first and
# the last case (ComplaintChangeList.date_choices), not a DISTINCT scan.
DJANGO_LIST = (
    '{% extends "admin/change_list.html" %}{% block date_hierarchy %}'
    "{% if cl.date_hierarchy %}{% with dates=cl.date_choices %}"
    '{% include "admin/date_hierarchy.html" with show=dates.show back=dates.back '
    "choices=dates.choices %}{% endwith %}{% endif %}{% endblock %}"
)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
SIDEBAR = re.compile(r"(<button class=\"sticky toggle-nav-sidebar\".*?</nav>)", re.S)


def as_django_draws_it(response) -> str:
    """The response's own context through Django's templates."""
    context = dict(response.context_data)
    context["export_base_template"] = engines["django"].from_string(DJANGO_LIST)
    return render_to_string(
        "admin/exports/list_with_export.html", context, request=response.wsgi_request
    )


def comparable(html: str) -> tuple[str, str]:
    """The page with its CSRF token (masked afresh each time) set aside, and
    its sidebar (whitespace between tags aside, tests/citymgmt/test_nav_sidebar.py)."""
    html = TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)
    sidebar = SIDEBAR.search(html)
    if sidebar is None:  # a popup has none
        return html, ""
    return SIDEBAR.sub("<sidebar>", html, count=1), between_tags(sidebar.group(1))


@pytest.fixture
def cases(tree, users):
    for _ in range(3):
        submit(tree)
    walk_to(submit(tree, community=tree.community_a1), "dispatched", users)
    walk_to(submit(tree, code="09001"), "closed", users)
    submit(tree, community=tree.community_b)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["dispatcher", "squad_leader", "supervisor"])
@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({}, True),
        ({"status__exact": "dispatched"}, True),
        ({"status__exact": "dispatched", "deadline": "overdue"}, False),
        ({"o": "-3.1"}, True),
        ({"q": "西苑"}, True),
        ({"q": "西苑 <&>"}, False),
        ({"p": "2"}, True),
        ({"submitted_at__year": "2026", "o": "1"}, True),
        ({"submitted_at__year": "YEAR", "submitted_at__month": "MONTH"}, True),
        (
            {
                "submitted_at__year": "YEAR",
                "submitted_at__month": "MONTH",
                "submitted_at__day": "DAY",
            },
            True,
        ),
        ({"_popup": "1", "q": "西苑"}, True),
    ],
    ids=[
        "all",
        "filtered",
        "nothing found",
        "sorted",
        "searched",
        "searched, nothing found",
        "page 2",
        "by year",
        "by month",
        "by day",
        "popup",
    ],
)
def test_the_page_is_the_one_djangos_templates_draw(
    client_for, cases, users, who, language, query, found, monkeypatch
):
    from complaints.admin import ComplaintAdmin

    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 2)
    today = timezone.localdate()
    parts = {"YEAR": today.year, "MONTH": today.month, "DAY": today.day}
    query = {k: str(parts.get(v, v)) for k, v in query.items()}
    with translation.override(language):
        response = client_for(users[who]).get(
            LIST, query, HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 200
        ours = response.content.decode()
        django = as_django_draws_it(response)
    assert comparable(ours) == comparable(django)
    assert ('id="result_list"' in ours) is found
    assert ('id="nav-sidebar"' in ours) is ("_popup" not in query)
    assert 'class="paginator"' in ours


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("counter", [True, False])
@pytest.mark.parametrize("per_page", [2, 50])
def test_the_actions_bars_top_and_bottom_are_djangos(
    client_for, cases, users, language, counter, per_page, monkeypatch
):
    from complaints.admin import ComplaintAdmin

    monkeypatch.setattr(ComplaintAdmin, "list_per_page", per_page)
    with translation.override(language):
        response = client_for(users["dispatcher"]).get(
            LIST, HTTP_ACCEPT_LANGUAGE=language
        )
        context = {**response.context_data, "actions_selection_counter": counter}
        twice = "{% load admin_list complaint_list %}{% X %}|{% X %}"
        engine = engines["django"]
        ours = engine.from_string(twice.replace("X", "complaint_actions"))
        django = engine.from_string(twice.replace("X", "admin_actions"))
        # Each tag counts its bars in the context it is given: a copy each.
        drawn = ours.render(dict(context))
        assert drawn == django.render(dict(context))
    assert 'name="index" value="1"' in drawn.split("|")[1]
    assert ("action-counter" in drawn) is counter
    assert ("question hidden" in drawn) is (counter and per_page == 2)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("unread", [1, 2])
def test_the_header_with_unread_notifications_and_no_password_is_djangos(
    client_for, cases, users, language, unread
):
    from citymgmt.notifications.services import notify

    leader = users["squad_leader"]
    for i in range(unread):
        notify(
            channel="site",
            template="deadline_overdue",
            context={
                "reference": f"20261123-000{i}",
                "stage": "dispose",
                "due_at": "2026-11-23T15:30:00+08:00",
            },
            user=leader,
        )
    leader.set_unusable_password()
    leader.save(update_fields=["password"])
    with translation.override(language):
        response = client_for(leader).get(LIST, HTTP_ACCEPT_LANGUAGE=language)
        ours = response.content.decode()
        django = as_django_draws_it(response)
    assert comparable(ours) == comparable(django)
    assert f'id="bell-count">{unread}<' in ours
    assert "bell-unread" in ours
    assert "/admin/password_change/" not in ours


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_capped_count_and_its_pages_are_what_the_templates_draw(
    client_for, cases, users, language, monkeypatch
):
    from complaints.admin import ComplaintAdmin
    from complaints.admin.changelist import CappedPaginator

    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 1)
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    with translation.override(language):
        response = client_for(users["dispatcher"]).get(
            LIST, {"p": "3"}, HTTP_ACCEPT_LANGUAGE=language
        )
        ours = response.content.decode()
        django = as_django_draws_it(response)
    assert comparable(ours) == comparable(django)
    assert '<span class="this-page">3</span>' in ours
    assert ("more than 4" if language == "en" else "4") in ours
