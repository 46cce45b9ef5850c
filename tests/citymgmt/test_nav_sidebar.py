"""The nav sidebar drawn in Python is the one Django's templates draw."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from citymgmt.navsidebar import nav_sidebar_html


def between_tags(html: str) -> str:
    """The markup with whitespace runs as one space and none between tags:
    the only difference HTML ignores here (between table rows and cells,
    around a cell's or a caption's only link, between attributes)."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def both(user, path: str) -> tuple[str, str]:
    request = RequestFactory().get(path)
    request.user = user
    apps = admin.site.each_context(request)["available_apps"]
    ours = str(nav_sidebar_html(request, apps))
    django = render_to_string(
        "admin/nav_sidebar.html", {"available_apps": apps, "request": request}
    )
    return ours, django


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["dispatcher", "squad_leader", "supervisor"])
@pytest.mark.parametrize(
    "path",
    [
        "/admin/complaints/complaint/",
        "/admin/complaints/complaint/1/change/",
        "/admin/",
        "/admin/squads/",
    ],
)
def test_it_draws_what_djangos_nav_sidebar_draws(users, who, language, path):
    with translation.override(language):
        ours, django = both(users[who], path)
    assert between_tags(ours) == between_tags(django)
    # The only differences are whitespace: every other character is the same.
    assert re.sub(r"\s", "", ours) == re.sub(r"\s", "", django)
    assert 'id="nav-sidebar"' in ours
    if path.startswith("/admin/complaints/"):
        assert ' aria-current="page"' in ours


def test_it_says_so_when_there_is_nothing_to_see(db):
    with translation.override("en"):
        ours, django = both(AnonymousUser(), "/admin/")
    assert between_tags(ours) == between_tags(django)
    assert "permission to view or edit anything" in ours


def test_the_list_page_carries_the_sidebar(client_for, users):
    html = client_for(users["squad_leader"]).get("/admin/complaints/complaint/")
    page = html.content.decode()
    assert page.count('id="nav-sidebar"') == 1
    assert '<tr class="model-complaint current-model">' in page
    assert 'href="/admin/complaints/complaint/add/"' not in page
