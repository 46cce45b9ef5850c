"""The triage list draws its rows itself: the same cells Django's admin draws."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from complaints.admin.rows import result_rows
from complaints.models import Category, Channel, Complaint
from tests.complaints.factories import submit, walk_to

pytestmark = pytest.mark.usefixtures("empty_cache")

LIST = "/admin/complaints/complaint/"


@pytest.fixture
def cases(tree, users) -> list[Complaint]:
    """Open and closed cases; urgent; without a community, unit or phone; by phone."""
    open_case = submit(tree)
    dispatched = walk_to(submit(tree, community=tree.community_a1), "dispatched", users)
    closed = walk_to(submit(tree, code="09001"), "closed", users)
    urgent = submit(tree, community=tree.community_b)
    Complaint.objects.filter(pk=urgent.pk).update(
        priority=Category.Priority.URGENT, channel=Channel.HOTLINE_12345
    )
    bare = submit(tree)
    Complaint.objects.filter(pk=bare.pk).update(community=None, squad=None, phone="")
    return [open_case, dispatched, closed, urgent, bare]


def changelist(user, query: dict[str, str]):
    request = RequestFactory().get(LIST, query)
    request.user = user
    request.resolver_match = resolve(LIST)
    model_admin = admin.site.get_model_admin(Complaint)
    return model_admin.get_changelist_instance(request)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["dispatcher", "squad_leader", "supervisor"])
@pytest.mark.parametrize(
    "query",
    [{}, {"status__exact": "dispatched"}, {"o": "-3.1"}, {"q": "西苑"}],
    ids=["all", "filtered", "sorted", "searched"],
)
def test_rows_are_the_cells_django_would_draw(cases, users, who, language, query):
    with translation.override(language):
        cl = changelist(users[who], query)
        cl.formset = None  # as changelist_view leaves it: the list is not editable
        drawn = result_rows(cl)
        django = ["".join(items_for_result(cl, case, None)) for case in cl.result_list]
    assert drawn == django
    assert drawn, "the list shows cases"


def test_the_page_shows_each_row_with_its_link_checkbox_and_badges(
    client_for, cases, users
):
    c = client_for(users["dispatcher"])
    html = c.get(LIST, {"status__exact": "submitted"}).content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    urgent = next(case for case in cases if case.pk == cases[3].pk)
    row = next(r for r in rows if urgent.reference in r)
    assert f'value="{urgent.pk}" class="action-select"' in row
    assert (
        f'href="{LIST}{urgent.pk}/change/?_changelist_filters=status__exact%3Dsubmitted"'
        in row
    )
    assert "cd-urgent" in row
    assert "139****5678" in row
    assert "13912345678" not in html
    assert len(rows) == Complaint.objects.filter(status="submitted").count()
