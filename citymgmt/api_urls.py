"""/api/v1/: each app's API, included by name so the core imports no app."""

from django.urls import include, path

urlpatterns = [
    path("", include("squads.api_urls")),
    path("", include("complaints.api_urls")),
    path("", include("vendors.api_urls")),
    path("", include("dashboard.api_urls")),
]
