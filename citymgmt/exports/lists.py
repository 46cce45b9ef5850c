"""A list's queryset as its admin builds it, in a request or in a worker."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.db.models import Model, QuerySet
from django.http import HttpRequest, QueryDict
from django.urls import reverse

# Query-string names that do not change which rows a list holds.
NOT_FILTERS = (PAGE_VAR, ERROR_FLAG)


def export_query(request: HttpRequest) -> str:
    """The list's query string without its page number."""
    query = request.GET.copy()
    for name in NOT_FILTERS:
        query.pop(name, None)
    return query.urlencode()


def changelist_queryset(
    model_admin: admin.ModelAdmin, request: HttpRequest
) -> QuerySet:
    """The rows the admin's list shows for this request, all pages of them.

    Raises IncorrectLookupParameters for a filter the list cannot apply.
    """
    return model_admin.get_changelist_instance(request).queryset


def list_request(*, user: Any, query: str, path_info: str = "/") -> HttpRequest:
    """A GET of a list by a user, for a worker rebuilding a list's queryset."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path_info
    request.GET = QueryDict(query)
    request.user = user
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    return request


def admin_list_queryset(*, model: type[Model], user: Any, query: str) -> QuerySet:
    """The rows a user's list of this model holds with this query string.

    For a worker: the list is rebuilt by the model's admin with the user's
    scope as it is now. Raises IncorrectLookupParameters like the list.
    """
    model_admin = admin.site.get_model_admin(model)
    opts = model._meta
    path_info = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    request = list_request(user=user, query=query, path_info=path_info)
    return changelist_queryset(model_admin, request)
