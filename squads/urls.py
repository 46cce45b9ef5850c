from django.urls import path

from squads import views

app_name = "squads"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("workstations/", views.workstations, name="workstations"),
    path("<str:code>/card/", views.card, name="card"),
    path("<str:code>/card/qr.png", views.card_qr, name="card-qr"),
]
