"""The admin's apps from the loaded permission set (citymgmt.admin_apps) are
the list Django's AdminSite builds, for every role, in both languages."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.utils import translation

from citymgmt import admin_apps
from citymgmt.admin_site import CityDeskAdminSite

ROLES = ["dispatcher", "squad_leader", "instructor", "officer", "supervisor"]


def _request(user):
    request = RequestFactory().get("/admin/complaints/complaint/1/change/")
    request.user = user
    return request


def _plain(app_list: list[dict]) -> list[dict]:
    """The list with its translated names as the text they print."""
    return [
        {
            **app,
            "name": str(app["name"]),
            "models": [{**m, "name": str(m["name"])} for m in app["models"]],
        }
        for app in app_list
    ]


@pytest.fixture
def people(users, db) -> dict:
    boss = get_user_model().objects.create_superuser("boss", password="x" * 20)
    # Django lets "change" stand for "view": a user granted only the first.
    editor = get_user_model().objects.create_user(
        "editor", password="x" * 20, is_staff=True
    )
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="squads", codename="change_area")
    )
    return {
        **{role: users[role] for role in ROLES},
        "superuser": boss,
        "change only": editor,
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_apps_are_the_ones_django_lists(
    people, language, django_assert_num_queries
):
    for name, person in people.items():
        user = get_user_model().objects.get(pk=person.pk)
        user.get_all_permissions()  # as the page's own checks load them
        request = _request(user)
        with translation.override(language):
            assert admin_apps.permissions_loaded(user), name
            with django_assert_num_queries(0):
                ours = admin_apps.available_apps(admin.site, request)
            django = admin.site.get_app_list(request)
            assert _plain(ours) == _plain(django), name
            assert [str(app["name"]) for app in ours] == [
                str(app["name"]) for app in django
            ]
        # Each role sees some models and not others.
        shown = sum(len(app["models"]) for app in ours)
        assert 0 < shown <= len(admin.site._registry), name


def test_each_context_is_the_sites_own(people):
    for name, person in people.items():
        user = get_user_model().objects.get(pk=person.pk)
        user.get_all_permissions()
        request = _request(user)
        ours = admin_apps.each_context(admin.site, request)
        django = AdminSite.each_context(admin.site, request)
        assert set(ours) == set(django), name
        for key in django:
            if key == "available_apps":
                assert _plain(ours[key]) == _plain(django[key]), name
            elif key == "log_entries":
                assert str(ours[key].query) == str(django[key].query)
            else:
                assert ours[key] == django[key], (name, key)


def test_a_model_admins_own_answer_still_counts(people):
    """The complaint admin lets no one change a case on its form, not even a
    superuser, who has every permission."""
    boss = people["superuser"]
    assert boss.has_perm("complaints.change_complaint")
    apps = admin_apps.available_apps(admin.site, _request(boss))
    complaints = next(app for app in apps if app["app_label"] == "complaints")
    case = next(m for m in complaints["models"] if m["object_name"] == "Complaint")
    assert case["perms"]["change"] is False
    assert case["view_only"] is True


def test_without_a_loaded_set_django_lists_them(users):
    user = get_user_model().objects.get(pk=users["squad_leader"].pk)
    assert not admin_apps.permissions_loaded(user)
    ours = admin_apps.available_apps(admin.site, _request(user))
    assert _plain(ours) == _plain(admin.site.get_app_list(_request(user)))


class AnswersItself(ModelBackend):
    """A backend with answers of its own: the set cannot stand for them."""

    def has_perm(self, user_obj, perm, obj=None):
        return perm == "complaints.view_complaint"


def test_the_login_backend_answers_from_the_set_and_another_does_not(users, settings):
    user = get_user_model().objects.get(pk=users["squad_leader"].pk)
    user.get_all_permissions()
    assert settings.AUTHENTICATION_BACKENDS == ["squads.auth.StaffBackend"]
    assert admin_apps.permissions_loaded(user)
    settings.AUTHENTICATION_BACKENDS = [
        "squads.auth.StaffBackend",
        f"{__name__}.AnswersItself",
    ]
    assert not admin_apps.permissions_loaded(user)


def test_every_admin_page_takes_its_apps_from_the_loaded_set(people):
    assert isinstance(admin.site, CityDeskAdminSite)
    user = get_user_model().objects.get(pk=people["squad_leader"].pk)
    user.get_all_permissions()
    request = _request(user)
    assert _plain(admin.site.each_context(request)["available_apps"]) == _plain(
        admin.site.get_app_list(request)
    )
