"""The admin's list of apps and models a user may see, from the permission set
the request has already loaded.

Django's `AdminSite.get_app_list` asks every registered model admin five
permission questions (`has_module_permission` and `get_model_perms`), each
of which walks the authentication backends, then reverses three URLs per
model and sorts by translated names: about a millisecond of every admin page.
With backends that answer from the user's `_perm_cache` (Django's
`ModelBackend` and those that only change how the set is read, such as
`citymgmt.permissions.OneQueryPermissions` and the login backend built on
it), a
question a model admin leaves to Django is a look-up in that set; a model
admin that answers some question itself (a read-only admin saying "no") is
still asked, with the same request. What comes from code (each model's
permission names, its URLs, the order of the names in a language) is kept
per process.

`available_apps` gives the same list `get_app_list` gives, and `each_context`
the same dictionary `AdminSite.each_context` gives; tests/citymgmt/
test_admin_apps.py compares them for every role and a superuser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.auth import get_backends, get_permission_codename
from django.contrib.auth.backends import ModelBackend
from django.db.models import Model
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.text import capfirst
from django.utils.translation import get_language

from citymgmt.permissions import OneQueryPermissions

# The permission methods whose answers are exactly "is the permission in
# _perm_cache" (Django's, and the one-query reading of the same set).
_SET_METHODS: dict[str, set[Any]] = {
    "has_perm": {ModelBackend.has_perm},
    "has_module_perms": {ModelBackend.has_module_perms},
    "get_all_permissions": {
        ModelBackend.get_all_permissions,
        OneQueryPermissions.get_all_permissions,
    },
}


def _answers_from_the_set(backend: Any) -> bool:
    return isinstance(backend, ModelBackend) and all(
        getattr(type(backend), name) in methods
        for name, methods in _SET_METHODS.items()
    )


ACTIONS = ("add", "change", "delete", "view")
_QUESTIONS = {
    "module": "has_module_permission",
    **{action: f"has_{action}_permission" for action in ACTIONS},
}


@dataclass(frozen=True)
class _Entry:
    """What one registered model's place in the list takes from code."""

    model: type[Model]
    model_admin: ModelAdmin
    app_label: str
    # The permission each of Django's own questions checks, or None where
    # the model admin answers itself.
    asks: dict[str, tuple[str, ...] | None]


_ENTRIES: dict[int, tuple[_Entry, ...]] = {}
_ORDERS: dict[tuple[Any, ...], tuple[_Entry, ...]] = {}
_URLS: dict[tuple[Any, ...], str | None] = {}


def _own_question(model_admin: ModelAdmin, name: str) -> bool:
    return getattr(type(model_admin), name) is not getattr(ModelAdmin, name)


def _asks(model_admin: ModelAdmin) -> dict[str, tuple[str, ...] | None]:
    opts = model_admin.opts
    perm = {
        action: f"{opts.app_label}.{get_permission_codename(action, opts)}"
        for action in ACTIONS
    }
    # Django's defaults: view is granted by view or change.
    defaults: dict[str, tuple[str, ...]] = {
        "module": (),
        "add": (perm["add"],),
        "change": (perm["change"],),
        "delete": (perm["delete"],),
        "view": (perm["view"], perm["change"]),
    }
    return {
        question: None if _own_question(model_admin, method) else defaults[question]
        for question, method in _QUESTIONS.items()
    }


def _entries(site: AdminSite) -> tuple[_Entry, ...]:
    known = _ENTRIES.get(id(site))
    if known is None or len(known) != len(site._registry):
        known = _ENTRIES[id(site)] = tuple(
            _Entry(model, model_admin, model._meta.app_label, _asks(model_admin))
            for model, model_admin in site._registry.items()
        )
    return known


def _ordered(site: AdminSite) -> tuple[_Entry, ...]:
    """The registered models in the order `get_app_list` sorts them to in
    this language: apps by lowercased name, models by name within each app,
    ties in registration order (both sorts are stable)."""
    entries = _entries(site)
    key = (id(site), len(entries), get_language())
    known = _ORDERS.get(key)
    if known is None:
        app_names = {
            entry.app_label: str(apps.get_app_config(entry.app_label).verbose_name)
            for entry in entries
        }
        first_seen = list(dict.fromkeys(entry.app_label for entry in entries))
        labels = sorted(first_seen, key=lambda label: app_names[label].lower())
        known = _ORDERS[key] = tuple(
            entry
            for label in labels
            for entry in sorted(
                (e for e in entries if e.app_label == label),
                key=lambda e: str(capfirst(e.model._meta.verbose_name_plural)),
            )
        )
    return known


def kept_reverse(
    viewname: str, *, current_app: str | None = None, **kwargs: str
) -> str | None:
    """`reverse(viewname, kwargs=kwargs)`, kept per process, script prefix and
    URLconf (an address comes from code, not data); None where the URLconf has
    no such view."""
    key = (
        get_script_prefix(),
        get_urlconf(),
        current_app,
        viewname,
        tuple(sorted(kwargs.items())),
    )
    if key not in _URLS:
        try:
            _URLS[key] = reverse(viewname, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            _URLS[key] = None
    return _URLS[key]


def _url(site: AdminSite, name: str, **kwargs: str) -> str | None:
    return kept_reverse(f"admin:{name}", current_app=site.name, **kwargs)


def permissions_loaded(user: Any) -> bool:
    """Whether every backend's answer for this user is known without a query:
    an active superuser is granted everything, anyone else active has their
    set loaded (`_perm_cache`) and only set-answering backends run."""
    if not (user.is_active and not user.is_anonymous):
        return False
    if not all(_answers_from_the_set(backend) for backend in get_backends()):
        return False
    return bool(user.is_superuser) or hasattr(user, "_perm_cache")


def _answer(entry: _Entry, question: str, request: HttpRequest, granted: Any) -> Any:
    asks = entry.asks[question]
    if asks is None:  # as Django keeps it: the model admin's own answer
        return getattr(entry.model_admin, _QUESTIONS[question])(request)
    if question == "module":
        return granted is None or entry.app_label in granted[1]
    return granted is None or any(perm in granted[0] for perm in asks)


def available_apps(site: AdminSite, request: HttpRequest) -> list[dict[str, Any]]:
    """`site.get_app_list(request)`, answered from the loaded permission set."""
    user = request.user
    if not permissions_loaded(user):
        return site.get_app_list(request)
    # None: a superuser, granted everything; else (the set, its app labels).
    granted = (
        None
        if user.is_superuser
        else (
            user._perm_cache,  # type: ignore[union-attr]
            {perm.partition(".")[0] for perm in user._perm_cache},  # type: ignore[union-attr]
        )
    )
    app_list: dict[str, dict[str, Any]] = {}
    for entry in _ordered(site):
        has_module_perms = _answer(entry, "module", request, granted)
        if not has_module_perms:
            continue
        perms = {action: _answer(entry, action, request, granted) for action in ACTIONS}
        if True not in perms.values():
            continue
        app_label, model_name = entry.app_label, entry.model._meta.model_name
        model_dict: dict[str, Any] = {
            "model": entry.model,
            "name": capfirst(entry.model._meta.verbose_name_plural),
            "object_name": entry.model._meta.object_name,
            "perms": perms,
            "admin_url": None,
            "add_url": None,
        }
        if perms.get("change") or perms.get("view"):
            model_dict["view_only"] = not perms["change"]
            model_dict["admin_url"] = _url(site, f"{app_label}_{model_name}_changelist")
        if perms.get("add"):
            model_dict["add_url"] = _url(site, f"{app_label}_{model_name}_add")
        if app_label in app_list:
            app_list[app_label]["models"].append(model_dict)
        else:
            app_list[app_label] = {
                "name": apps.get_app_config(app_label).verbose_name,
                "app_label": app_label,
                "app_url": _url(site, "app_list", app_label=app_label),
                "has_module_perms": has_module_perms,
                "models": [model_dict],
            }
    return list(app_list.values())


def each_context(site: AdminSite, request: HttpRequest) -> dict[str, Any]:
    """Django's `AdminSite.each_context` with `available_apps` from the loaded
    set (the project's site, `citymgmt.admin_site`, answers with this);
    Django's own with `ADMIN_APPS_FROM_PERMISSIONS = False`."""
    if not getattr(settings, "ADMIN_APPS_FROM_PERMISSIONS", True):
        return AdminSite.each_context(site, request)
    script_name = request.META["SCRIPT_NAME"]
    site_url = script_name if site.site_url == "/" and script_name else site.site_url
    return {
        "site_title": site.site_title,
        "site_header": site.site_header,
        "site_url": site_url,
        "has_permission": site.has_permission(request),
        "available_apps": available_apps(site, request),
        "is_popup": False,
        "is_nav_sidebar_enabled": site.enable_nav_sidebar,
        "log_entries": site.get_log_entries(request),
    }
