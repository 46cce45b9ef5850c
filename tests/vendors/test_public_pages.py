"""The public market finder: what a vendor sees, and what nobody sees."""

from __future__ import annotations

import pytest
from django.utils import timezone

from squads.services import contact_card_publish
from tests.conftest import EN
from tests.vendors.public_data import make_market, make_stalls
from vendors.models import Vendor

pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.fixture
def markets(tree):
    west = make_market(community=tree.community_a)
    make_stalls(west, vacant=3, occupied=5, closed=1, waived=2)
    cluster = make_market(
        community=tree.community_b,
        name="圣水路摊点群",
        kind="cluster",
        address="圣水路中段",
        fee_rule="",
    )
    make_stalls(cluster, occupied=2)
    make_market(community=tree.community_a1, name="已关闭夜市", is_active=False)
    return west, cluster


def test_the_finder_lists_active_markets_with_their_vacant_stalls(client, markets):
    page = client.get("/markets/").content.decode()
    assert "西苑便民市场" in page
    assert "3个空闲摊位" in page
    assert "圣水路摊点群" in page
    assert "0个空闲摊位" in page
    assert "已关闭夜市" not in page
    assert "便民市场" in page and "摊点群" in page  # the kinds
    assert "摊位费每月200元；困难群体免收" in page
    assert "困难群体可免费使用摊位" in page  # only the market that waives fees
    assert page.count("困难群体可免费使用摊位") == 1
    assert "西苑路18号" in page and "王府街道 · 西苑社区" in page
    assert "/markets/request/?market=" in page


def test_the_finder_marks_today_in_the_opening_hours(client, markets):
    page = client.get("/markets/").content.decode()
    today = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"][
        timezone.localdate().weekday()
    ]
    assert f'aria-current="date"><span class="day">{today} <small>(今天)' in page
    assert "06:00–11:00" in page


def test_the_finder_links_the_unit_card_once_published(client, markets, tree):
    assert (
        f"/squads/{tree.unit_a.code}/card/"
        not in client.get("/markets/").content.decode()
    )
    contact_card_publish(squad=tree.unit_a)
    page = client.get("/markets/").content.decode()
    assert f"/squads/{tree.unit_a.code}/card/" in page
    assert tree.unit_b.name in page


def test_the_finder_speaks_english_too(client, markets):
    page = client.get("/markets/", **EN).content.decode()
    assert "3 vacant stalls" in page
    assert "Free stalls for hardship cases" in page
    assert "Request a stall here" in page


def test_no_personal_data_is_public(client, markets, tree):
    west, _cluster = markets
    Vendor.objects.create(
        name="张秀兰",
        goods="水果",
        squad=tree.unit_a,
        phone="13912345678",
        identity_number="370781195001011234",
        identity_consent_at=timezone.now(),
        is_hardship=True,
    )
    for url in ("/markets/", f"/markets/{west.pk}/"):
        page = client.get(url).content.decode()
        for secret in ("张秀兰", "13912345678", "139****5678", "370781195001011234"):
            assert secret not in page, (url, secret)


def test_the_list_reads_the_same_queries_however_many_markets(
    client, markets, tree, django_assert_num_queries
):
    client.get("/markets/")  # the units with a card, kept per process
    with django_assert_num_queries(1):
        assert client.get("/markets/").status_code == 200
    for n in range(5):
        make_stalls(make_market(community=tree.community_b, name=f"早市{n}"), vacant=2)
    with django_assert_num_queries(1):
        page = client.get("/markets/").content.decode()
    assert "早市4" in page


def test_a_market_page_counts_its_stalls_and_names_the_vacant_ones(
    client, markets, django_assert_num_queries
):
    west, _cluster = markets
    client.get(f"/markets/{west.pk}/")
    with django_assert_num_queries(3):
        response = client.get(f"/markets/{west.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "3个空闲摊位" in page
    assert '<th scope="row">已占用</th><td>5</td>' in page
    assert '<th scope="row">已关闭</th><td>1</td>' in page
    assert "<li>A01</li><li>A02</li><li>A03</li>" in page
    assert "A04" not in page  # occupied: not listed
    assert f"/markets/request/?market={west.pk}" in page


def test_an_inactive_or_unknown_market_is_not_found(client, markets, tree):
    closed = make_market(community=tree.community_a, name="旧市场", is_active=False)
    assert client.get(f"/markets/{closed.pk}/").status_code == 404
    assert client.get("/markets/999999/").status_code == 404
    assert client.get("/markets/99999999999999999999999/").status_code == 404


def test_the_home_page_links_the_finder(client):
    assert 'href="/markets/"' in client.get("/").content.decode()
