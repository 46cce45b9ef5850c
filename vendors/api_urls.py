"""The vendors API under /api/v1/: markets and the stall request."""

from django.urls import path

from vendors.apis import MarketDetailApi, MarketListApi, StallRequestApi

# The fixed path before <market_id>.
urlpatterns = [
    path("markets/", MarketListApi.as_view(), name="market-list"),
    path("markets/requests/", StallRequestApi.as_view(), name="stall-request"),
    path("markets/<int:market_id>/", MarketDetailApi.as_view(), name="market-detail"),
]
