"""The case page from its frame (complaints.admin.case_frame), with the case
read by its compiled query (selectors.complaint_case_for), is the page the
templates draw from the ORM's case, byte for byte, for every kind of case,
role and language."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django.utils import translation

from citymgmt import admin_apps, navsidebar
from complaints.admin import case_frame
from complaints.services import complaint_act
from tests.complaints.factories import submit, walk_to

pytestmark = pytest.mark.usefixtures("empty_cache", "media_root")

ROLES = ["dispatcher", "squad_leader", "officer", "supervisor"]
LANGUAGES = {"zh-hans": "zh-hans", "en": "en"}
# Each rendering masks the same CSRF secret afresh.
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def change_url(complaint) -> str:
    return f"/admin/complaints/complaint/{complaint.pk}/change/"


def _cases(tree, users) -> dict[str, object]:
    dispatcher, leader = users["dispatcher"], users["squad_leader"]
    original = walk_to(submit(tree), "registered", users)
    assigned = complaint_act(
        complaint=walk_to(submit(tree), "dispatched", users),
        action="assign",
        by=leader,
        assignee=users["officer"].member,
    )
    return {
        "submitted": submit(tree, description='有 <b>标记</b> & "引号"\n第二行'),
        "registered": original,
        "dispatched": walk_to(submit(tree), "dispatched", users),
        "assigned": assigned,
        "processing": walk_to(submit(tree), "processing", users),
        "disposed, with photos": walk_to(submit(tree), "disposed", users),
        "closed": walk_to(submit(tree), "closed", users),
        "rejected": complaint_act(
            complaint=submit(tree),
            action="reject",
            by=dispatcher,
            opinion="不属于受理范围。",
            referral_to="公安交警大队",
        ),
        "duplicate": complaint_act(
            complaint=submit(tree), action="merge", by=dispatcher, duplicate_of=original
        ),
        "staff-filed, anonymous": submit(
            tree, by=dispatcher, is_anonymous=True, citizen_name=""
        ),
    }


def _page(client, url: str, language: str) -> tuple[int, str, bool]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    page = TOKEN.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())
    return response.status_code, page, isinstance(response, TemplateResponse)


def _fast_paths(settings, *, on: bool) -> None:
    """The frame, the compiled case query, the apps from the loaded
    permissions: on, or Django's own paths."""
    settings.CASE_PAGE_FRAME = on
    settings.CASE_QUERY_COMPILED = on
    settings.ADMIN_APPS_FROM_PERMISSIONS = on


def test_the_frame_draws_the_case_page_the_templates_draw(
    client_for, tree, users, settings
):
    cases = _cases(tree, users)
    drawn = 0
    for role in ROLES:
        client = client_for(users[role])
        for language in LANGUAGES:
            for name, case in cases.items():
                url = change_url(case)
                _fast_paths(settings, on=True)
                status, framed, by_templates = _page(client, url, language)
                assert not by_templates or status == 404
                _fast_paths(settings, on=False)
                assert _page(client, url, language)[:2] == (status, framed), (
                    role,
                    language,
                    name,
                )
                drawn += status == 200
    # Each role saw some cases and was refused others (404).
    assert drawn > len(cases) * len(LANGUAGES) * 2


def test_another_units_case_is_not_found_through_the_frame(client_for, tree, users):
    case = walk_to(submit(tree), "dispatched", users)
    other = client_for(users["other_squad_leader"])
    assert other.get(change_url(case)).status_code == 404
    assert client_for(users["squad_leader"]).get(change_url(case)).status_code == 200


def test_the_frame_fills_in_each_users_own_name(client_for, tree, users):
    case = walk_to(submit(tree), "dispatched", users)
    leader = client_for(users["squad_leader"]).get(change_url(case)).content.decode()
    desk = client_for(users["dispatcher"]).get(change_url(case)).content.decode()
    assert f"<strong>{users['squad_leader'].get_username()}</strong>" in leader or (
        f"<strong>{users['squad_leader'].get_short_name()}</strong>" in leader
    )
    assert users["squad_leader"].get_username() not in desk.split("<nav")[0]
    assert case.reference in leader and case.reference in desk


def test_a_page_with_messages_shows_them_and_they_are_read_once(
    client_for, tree, users
):
    case = walk_to(submit(tree), "submitted", users)
    c = client_for(users["dispatcher"])
    response = c.post(
        f"/admin/complaints/complaint/{case.pk}/act/accept/",
        {"expected_status": "submitted", "opinion": ""},
        follow=True,
    )
    page = response.content.decode()
    assert 'class="messagelist"' in page
    # Drawn by the templates (the frame has no messages), and shown once.
    assert isinstance(response, TemplateResponse)
    again = c.get(change_url(case)).content.decode()
    assert 'class="messagelist"' not in again


def test_different_cases_share_one_frame(client_for, tree, users):
    """The frame holds nothing of a case: requests for any case of a user's
    scope draw from the same one, so random ids do not grow the frames."""
    case_frame._FRAMES.clear()
    first = walk_to(submit(tree), "registered", users)
    second = walk_to(
        submit(tree, description="另一件事：夜间施工噪音扰民，影响休息。"),
        "closed",
        users,
    )
    desk = client_for(users["dispatcher"])
    pages = [desk.get(change_url(case)).content.decode() for case in (first, second)]
    assert len(case_frame._FRAMES) == 1
    assert first.reference in pages[0] and second.reference in pages[1]
    assert first.reference not in pages[1]


def test_the_sidebar_kept_per_process_is_the_one_drawn_for_each_user(users):
    """Sidebars are kept by what they are drawn from: each role, in each
    language and on each page, gets the one drawn afresh for it."""
    navsidebar._SIDEBARS.clear()
    drawn = set()
    for path in ("/admin/complaints/complaint/1/change/", "/admin/squads/squad/"):
        for language in LANGUAGES:
            for role in [*ROLES, "other_squad_leader"]:
                user = get_user_model().objects.get(pk=users[role].pk)
                user.get_all_permissions()
                request = RequestFactory().get(path)
                request.user = user
                with translation.override(language):
                    apps = admin_apps.available_apps(admin.site, request)
                    kept = navsidebar.nav_sidebar_html(request, apps)
                    fresh = navsidebar._nav_sidebar_html(quote(path, safe="/"), apps)
                assert kept == fresh, (path, language, role)
                drawn.add(kept)
    # Languages, pages and the desk's and units' apps differ; roles of the
    # same kind share one.
    assert 8 <= len(drawn) == len(navsidebar._SIDEBARS) < 2 * 2 * (len(ROLES) + 1)
