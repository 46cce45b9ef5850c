"""The vendors API under /api/v1/: markets, the stall request, staff relocations."""

from django.urls import path

from vendors.apis import (
    MarketDetailApi,
    MarketListApi,
    RelocationDetailApi,
    RelocationFollowUpApi,
    RelocationListApi,
    StallRequestApi,
)

# The fixed path before <market_id>.
urlpatterns = [
    path("markets/", MarketListApi.as_view(), name="market-list"),
    path("markets/requests/", StallRequestApi.as_view(), name="stall-request"),
    path("markets/<int:market_id>/", MarketDetailApi.as_view(), name="market-detail"),
    path("relocations/", RelocationListApi.as_view(), name="relocation-list"),
    path(
        "relocations/<int:relocation_id>/",
        RelocationDetailApi.as_view(),
        name="relocation-detail",
    ),
    path(
        "relocations/<int:relocation_id>/followups/",
        RelocationFollowUpApi.as_view(),
        name="relocation-followups",
    ),
]
