"""The home page and the blank form are drawn once per language, and stay true."""

from __future__ import annotations

import re
import socket

import pytest
from django.test import Client, override_settings

from complaints import services
from complaints.models import Category
from squads import services as squad_services
from squads.models import Area

pytestmark = pytest.mark.usefixtures("empty_cache")

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def token_of(response) -> str:
    match = TOKEN_RE.search(response.content.decode())
    assert match is not None
    return match.group(1)


def test_home_page_asks_the_database_nothing(
    client, dispatcher, django_assert_num_queries
):
    with django_assert_num_queries(0):
        first = client.get("/")
    with django_assert_num_queries(0):
        again = client.get("/")
    assert first.status_code == again.status_code == 200
    assert "城市管理" in again.content.decode()
    client.force_login(dispatcher)
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


def test_home_page_speaks_the_visitors_language(client):
    client.get("/")
    english = client.get("/", headers={"accept-language": "en"})
    assert "File a complaint" in english.content.decode()
    assert "我要投诉" not in english.content.decode()
    assert "File a complaint" not in client.get("/").content.decode()


def test_blank_form_asks_the_database_once(client, tree, django_assert_num_queries):
    with django_assert_num_queries(3):
        first = client.get("/complaints/new/")
    with django_assert_num_queries(0):
        again = client.get("/complaints/new/")
    page = again.content.decode()
    assert again.status_code == 200
    assert tree.community_a.name in page
    assert Category.objects.get(code="09006").name_zh in page
    assert page.replace(token_of(again), "") == first.content.decode().replace(
        token_of(first), ""
    )
    # Drawn again in English, from the reference data this process keeps.
    with django_assert_num_queries(0):
        english = client.get("/complaints/new/", headers={"accept-language": "en"})
    assert Category.objects.get(code="09006").name_en in english.content.decode()


def test_each_visitor_gets_a_token_of_their_own_that_works(tree):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get("/complaints/new/")
    second_page = second.get("/complaints/new/")
    assert "placeholder" not in second_page.content.decode()
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    # The token on the page the second visitor got from the cache is theirs:
    # switching the language with it passes the CSRF check.
    answer = second.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/", "csrfmiddlewaretoken": token_of(second_page)},
    )
    assert answer.status_code == 302
    refused = second.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/", "csrfmiddlewaretoken": token_of(first_page)},
    )
    assert refused.status_code == 403


def test_a_category_a_supervisor_renames_shows_on_the_form_at_once(
    client, tree, django_capture_on_commit_callbacks
):
    assert "占道经营（新）" not in client.get("/complaints/new/").content.decode()
    category = Category.objects.get(code="09006")
    category.name_zh = "占道经营（新）"
    with django_capture_on_commit_callbacks(execute=True):
        services.category_save(category=category)
    assert "占道经营（新）" in client.get("/complaints/new/").content.decode()


def test_an_area_saved_in_the_admin_or_imported_shows_on_the_form_at_once(
    client, tree, django_capture_on_commit_callbacks
):
    client.get("/complaints/new/")
    tree.community_a.name = "西苑新社区"
    with django_capture_on_commit_callbacks(execute=True):
        squad_services.area_save(area=tree.community_a)
    assert "西苑新社区" in client.get("/complaints/new/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        squad_services.area_upsert(
            code="370781001099",
            name="东关新社区",
            level=Area.Level.COMMUNITY,
            parent=tree.street,
            covering_squad=tree.unit_a,
        )
    assert "东关新社区" in client.get("/complaints/new/").content.decode()


def test_a_card_link_still_presets_the_form_after_the_blank_one_was_cached(
    client, tree
):
    client.get("/complaints/new/")
    page = client.get(f"/complaints/new/?area={tree.community_a.code}")
    assert f'<option value="{tree.community_a.pk}" selected' in page.content.decode()


def _shared_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_blank_form_comes_from_the_shared_cache(
    tree, redis_url, django_assert_num_queries
):
    with override_settings(CACHES=_shared_cache(redis_url)):
        from citymgmt import pagecache

        pagecache.clear()
        Client().get("/complaints/new/")
        with django_assert_num_queries(0):
            page = Client().get("/complaints/new/")
        assert tree.community_a.name in page.content.decode()
        pagecache.clear()


def test_blank_form_is_drawn_when_the_shared_cache_is_down(
    tree, django_assert_num_queries
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on that port any more: every cache call fails.
    with override_settings(CACHES=_shared_cache(f"redis://127.0.0.1:{port}/0")):
        # Without the shared version, the tables are read for each request:
        # once (categories, streets, communities), not once per question.
        with django_assert_num_queries(3):
            page = Client().get("/complaints/new/")
    assert page.status_code == 200
    assert tree.community_a.name in page.content.decode()
    assert "placeholder" not in page.content.decode()
