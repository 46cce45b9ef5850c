from django.urls import path

from vendors import views

app_name = "vendors"
urlpatterns = [
    path("", views.markets, name="markets"),
    path("<int:market_id>/", views.market, name="market"),
    path("request/", views.request_new, name="request_new"),
    path("request/done/", views.request_done, name="request_done"),
    path("request/track/", views.request_track, name="request_track"),
]
