"""A NUL byte in an address or a filter gets a 400 with a message, never a 500
(PostgreSQL refuses NUL in any text it is given; issue 8, item 5)."""

from __future__ import annotations

import pytest

PUBLIC = [
    "/squads/?q=a%00b",
    "/squads/a%00/card/",
    "/squads/a%00/card/qr.png",
    "/complaints/track/?reference=2026%00",
]
API = [
    "/api/v1/squads/lookup/?community=a%00",
    "/api/v1/complaints/?q=139%00",
    "/api/v1/complaints/20261202-0001%00/",
]
ADMIN = [
    "/admin/complaints/complaint/?status=%00",
    "/admin/complaints/complaint/?q=%00",
    "/admin/squads/squad/?q=a%00",
]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_answer_400_in_chinese(db, citizen, url):
    response = citizen.get(url)

    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert "无法使用的字符" in response.content.decode()


@pytest.mark.parametrize("url", API)
def test_the_api_answers_400_in_its_error_format(tree, client_for, dispatcher, url):
    response = client_for(dispatcher).get(url)

    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("url", ADMIN)
def test_admin_filters_answer_400(tree, client_for, dispatcher, url):
    assert client_for(dispatcher).get(url).status_code == 400


def test_an_ordinary_query_still_works(db, citizen):
    assert citizen.get("/squads/?q=%E8%A5%BF%E8%8B%91").status_code == 200
