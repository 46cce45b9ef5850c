"""Dates and times typed into list filters: a message, never a 500 (issue 8, item 6).

PostgreSQL refuses a time-zone offset such as -19:00 that Python reads, and
Django's date drill-down steps past year 9999; SQLite takes both, so these
run on PostgreSQL.
"""

from __future__ import annotations

import pytest

from tests.complaints.factories import submit
from tests.conftest import EN

API = "/api/v1/complaints/"
LIST = "/admin/complaints/complaint/"

pytestmark = pytest.mark.usefixtures("require_postgres", "media_root")

OFFSET = "时区偏移须在 -12:00 到 +14:00 之间。"
OUT_OF_RANGE = "该日期超出可用范围。"
UNREADABLE = "输入一个有效的日期/时间。"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-01-01T00:00:00-19:00", OFFSET),
        ("2026-01-01T00:00:00+15:30", OFFSET),
        ("2026-01-01T00:00:00-12:30", OFFSET),
        ("2026-01-01T00:00:00+24:00", UNREADABLE),
        ("0000-01-01", UNREADABLE),
        ("10000-01-01", UNREADABLE),
        ("9999-12-31T23:00:00-10:00", OUT_OF_RANGE),
        ("0001-01-01T00:00:00+14:00", OUT_OF_RANGE),
        ("0001-01-01", OUT_OF_RANGE),
    ],
)
@pytest.mark.parametrize("name", ["submitted_after", "submitted_before"])
def test_the_staff_api_answers_a_date_it_cannot_use_with_a_400_and_a_message(
    client_for, users, tree, name, typed, message
):
    submit(tree)

    response = client_for(users["dispatcher"]).get(API, {name: typed})

    assert response.status_code == 400
    assert response.json() == {name: [message]}


def test_the_message_is_in_english_when_asked(client_for, users, tree):
    response = client_for(users["dispatcher"]).get(
        API, {"submitted_after": "2026-01-01T00:00:00-19:00"}, **EN
    )
    assert response.status_code == 400
    assert response.json() == {
        "submitted_after": ["The time-zone offset must be between -12:00 and +14:00."]
    }


@pytest.mark.parametrize(
    "typed", ["2000-01-01T00:00:00-12:00", "2000-01-01T00:00:00+14:00", "2000-01-01"]
)
def test_the_staff_api_still_filters_by_a_real_offset(client_for, users, tree, typed):
    case = submit(tree)
    c = client_for(users["dispatcher"])

    after = c.get(API, {"submitted_after": typed})
    before = c.get(API, {"submitted_before": typed})

    assert [row["reference"] for row in after.json()["results"]] == [case.reference]
    assert before.json()["results"] == []


@pytest.mark.parametrize(
    "query",
    [
        {"submitted_at__gte": "2026-01-01T00:00:00-19:00"},
        {"submitted_at__lt": "2026-01-01T00:00:00+24:00"},
        {"submitted_at__gte": "garbage"},
        {"submitted_at__year": "9999"},
        {"submitted_at__year": "9999", "submitted_at__month": "12"},
        {
            "submitted_at__year": "9999",
            "submitted_at__month": "12",
            "submitted_at__day": "31",
        },
        {"submitted_at__year": "0"},
        {"submitted_at__year": "1"},
        {"submitted_at__year": "10000"},
        {"submitted_at__year": "２０２６"},
    ],
)
@pytest.mark.parametrize("who", ["dispatcher", "squad_leader"])
def test_the_admin_list_refuses_a_date_it_cannot_use_and_shows_every_case(
    client_for, users, tree, who, query
):
    case = submit(tree)
    c = client_for(users[who])

    response = c.get(LIST, query)

    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?e=1"
    page = c.get(response["Location"])
    assert page.status_code == 200
    assert "网址中的筛选条件无法使用，现显示全部记录。" in page.content.decode()
    if who == "dispatcher":
        assert case.reference in page.content.decode()


def test_the_admin_date_drill_down_still_works(client_for, users, tree):
    case = submit(tree)
    year = case.submitted_at.year
    html = (
        client_for(users["dispatcher"])
        .get(LIST, {"submitted_at__year": year})
        .content.decode()
    )
    assert case.reference in html
    html = (
        client_for(users["dispatcher"])
        .get(LIST, {"submitted_at__year": year - 1})
        .content.decode()
    )
    assert case.reference not in html
