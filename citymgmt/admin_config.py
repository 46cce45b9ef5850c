"""Django's admin app as INSTALLED_APPS names it, with the project's site
(`citymgmt.admin_site`, imported once the apps are loaded)."""

from django.contrib.admin.apps import AdminConfig


class CityDeskAdminConfig(AdminConfig):
    default_site = "citymgmt.admin_site.CityDeskAdminSite"
