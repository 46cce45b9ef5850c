"""/admin/dashboard/: the dashboard page, its print view and the definitions
(included by name from the project URLconf, before the admin's own URLs)."""

from django.urls import path

from dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.page_view, name="page"),
    path("print/", views.print_view, name="print"),
    path("definitions/", views.definitions_view, name="definitions"),
]
