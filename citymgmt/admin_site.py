"""The project's admin site: Django's, with the app list every admin page
shows (the nav sidebar, the index) read from the request's permission set
(`citymgmt.admin_apps`) instead of asking each model admin five questions."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.http import HttpRequest

from citymgmt import admin_apps


class CityDeskAdminSite(AdminSite):
    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        return admin_apps.each_context(self, request)
