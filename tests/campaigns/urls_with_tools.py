"""The project's URLs with the admin's read again: a tool registered by a
test after the URLconf was first loaded is mounted here."""

from django.contrib import admin
from django.urls import path

from citymgmt.urls import urlpatterns as project

urlpatterns = [
    path("admin/", admin.site.urls),
    *(p for p in project if str(p.pattern) != "admin/"),
]
