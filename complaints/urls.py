from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("new/", views.new, name="new"),
    path("new/done/", views.done, name="done"),
    path("track/", views.track, name="track"),
    path("track/rate/", views.rate, name="rate"),
]
