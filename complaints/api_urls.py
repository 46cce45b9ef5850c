"""The complaints API under /api/v1/: categories, filing, tracking, staff cases."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from complaints.apis import (
    CategoryApi,
    ComplaintActionApi,
    ComplaintDetailApi,
    ComplaintListApi,
    ComplaintRateApi,
    ComplaintTrackApi,
)

router = SimpleRouter()
router.register("categories", CategoryApi, basename="category")

# Fixed paths before <reference>: "track" is not a reference.
urlpatterns = [
    path("complaints/", ComplaintListApi.as_view(), name="complaint-list"),
    path("complaints/track/", ComplaintTrackApi.as_view(), name="complaint-track"),
    path("complaints/track/rate/", ComplaintRateApi.as_view(), name="complaint-rate"),
    path(
        "complaints/<str:reference>/",
        ComplaintDetailApi.as_view(),
        name="complaint-detail",
    ),
    path(
        "complaints/<str:reference>/actions/<slug:action>/",
        ComplaintActionApi.as_view(),
        name="complaint-action",
    ),
    *router.urls,
]
