"""The triage list draws its rows and filters itself, as Django's admin would."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import (
    admin_list_filter,
    items_for_result,
    result_list,
)
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from complaints.admin.rows import result_rows
from complaints.models import Category, Channel, Complaint
from complaints.templatetags.complaint_list import (
    complaint_list_filter,
    complaint_result_list,
)
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


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["dispatcher", "squad_leader", "supervisor"])
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status__exact": "dispatched"},
        {"o": "1"},
        {"o": "-3.1"},
        {"o": "2.-1.3"},
        {"q": "西苑"},
        {"q": "no such place"},
        {"p": "1", "submitted_at__year": "2026"},
    ],
    ids=[
        "all",
        "filtered",
        "sorted",
        "two sorts",
        "three sorts",
        "searched",
        "nothing found",
        "paginated by year",
    ],
)
def test_result_table_is_the_markup_django_would_draw(
    cases, users, who, language, query
):
    with translation.override(language):
        cl = changelist(users[who], query)
        cl.formset = None
        drawn = str(complaint_result_list(cl))
        django = render_to_string("admin/change_list_results.html", result_list(cl))
    assert drawn == django
    if query.get("q") != "no such place":
        assert '<table id="result_list">' in drawn


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["dispatcher", "squad_leader"])
def test_rows_read_only_the_columns_the_page_loads(
    cases, users, who, language, django_assert_num_queries
):
    with translation.override(language):
        cl = changelist(users[who], {})
        cl.formset = None
        with django_assert_num_queries(1):
            shown = list(cl.result_list)
        # Open, dispatched, closed, urgent, without a community, unit or phone.
        with django_assert_num_queries(0):
            drawn = result_rows(cl)
            django = ["".join(items_for_result(cl, case, None)) for case in shown]
    assert drawn == django
    assert len(drawn) == (5 if who == "dispatcher" else 2)


def test_a_popup_list_keeps_djangos_result_table(cases, users):
    cl = changelist(users["dispatcher"], {"_popup": "1"})
    cl.formset = None
    drawn = str(complaint_result_list(cl))
    assert drawn == render_to_string("admin/change_list_results.html", result_list(cl))
    assert "data-popup-opener" in drawn


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["dispatcher", "squad_leader", "supervisor"])
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status__exact": "dispatched", "squad__id__exact": "0", "deadline": "overdue"},
        {"q": "西苑 <&>", "o": "-3.1", "submitted_at__year": "2026", "p": "1"},
    ],
    ids=["none", "chosen", "searched, sorted, by year"],
)
def test_filters_are_the_markup_django_would_draw(
    cases, tree, users, who, language, query
):
    query = {k: str(tree.unit_a.pk) if v == "0" else v for k, v in query.items()}
    with translation.override(language):
        cl = changelist(users[who], query)
        drawn = [str(complaint_list_filter(cl, spec)) for spec in cl.filter_specs]
        django = [str(admin_list_filter(cl, spec)) for spec in cl.filter_specs]
    assert drawn == django
    assert len(drawn) == 8
    if query:
        assert sum(html.count('class="selected"') for html in drawn) == 8


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


def filters_of(response) -> str:
    """The filter panel of a changelist page."""
    html = response.content.decode()
    return html.split('id="changelist-filter"')[1].split("</nav>")[0]


def test_a_leaders_filters_offer_only_the_units_and_communities_in_scope(
    client_for, tree, users
):
    submit(tree)
    leader = filters_of(client_for(users["squad_leader"]).get(LIST))
    desk = filters_of(client_for(users["dispatcher"]).get(LIST))

    for name in (tree.unit_a.name, tree.community_a.name, tree.community_a1.name):
        assert name in leader
        assert name in desk
    for name in (tree.unit_b.name, tree.community_b.name):
        assert name not in leader
        assert name in desk


def test_filters_show_a_renamed_category_unit_or_community_at_once(
    client_for, tree, users
):
    from complaints.services import category_save
    from squads.services import area_save, squad_save

    c = client_for(users["dispatcher"])
    submit(tree)
    before = filters_of(c.get(LIST))
    category = Category.objects.get(code="09006")
    assert category.name_zh in before

    category.name_zh = "校园周边摊点"
    category_save(category=category)
    tree.unit_b.name = "城区第二中队"
    squad_save(squad=tree.unit_b, by=users["supervisor"])
    tree.community_b.name = "圣水新社区"
    area_save(area=tree.community_b)

    after = filters_of(c.get(LIST))
    assert "09006 校园周边摊点" in after
    assert "城区第二中队" in after
    assert "圣水新社区" in after
    with translation.override("en"):
        english = filters_of(c.get(LIST, HTTP_ACCEPT_LANGUAGE="en"))
    assert f"09006 {category.name_en}" in english
