"""Public pages of the dashboard app, under /stats/."""

from django.urls import path

from dashboard import views

app_name = "stats"
urlpatterns = [
    path("", views.public_stats, name="public"),
]
