"""The statistics API under /api/v1/stats/ (included from citymgmt.api_urls)."""

from django.urls import path

from dashboard.apis import (
    StatsCampaignsApi,
    StatsCategoriesApi,
    StatsDailyApi,
    StatsHeatApi,
    StatsKpisApi,
    StatsMethodsApi,
    StatsTableApi,
    StatsUnitsApi,
    StatsVendorsApi,
)
from dashboard.apis.public import PublicStatsApi

urlpatterns = [
    path("public/stats/", PublicStatsApi.as_view(), name="public-stats"),
    path("stats/kpis/", StatsKpisApi.as_view(), name="stats-kpis"),
    path("stats/table/", StatsTableApi.as_view(), name="stats-table"),
    path("stats/daily/", StatsDailyApi.as_view(), name="stats-daily"),
    path("stats/units/", StatsUnitsApi.as_view(), name="stats-units"),
    path("stats/categories/", StatsCategoriesApi.as_view(), name="stats-categories"),
    path("stats/methods/", StatsMethodsApi.as_view(), name="stats-methods"),
    path("stats/heat/", StatsHeatApi.as_view(), name="stats-heat"),
    path("stats/vendors/", StatsVendorsApi.as_view(), name="stats-vendors"),
    path("stats/campaigns/", StatsCampaignsApi.as_view(), name="stats-campaigns"),
]
