from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("new/", views.new, name="new"),
    path("track/", views.track, name="track"),
]
