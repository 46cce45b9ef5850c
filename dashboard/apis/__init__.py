"""The statistics API under /api/v1/stats/: the dashboard's tiles, charts and tables."""

from dashboard.apis.charts import (
    StatsCategoriesApi,
    StatsDailyApi,
    StatsHeatApi,
    StatsMethodsApi,
    StatsUnitsApi,
)
from dashboard.apis.figures import StatsKpisApi, StatsTableApi
from dashboard.apis.ledgers import StatsCampaignsApi, StatsVendorsApi

__all__ = [
    "StatsCampaignsApi",
    "StatsCategoriesApi",
    "StatsDailyApi",
    "StatsHeatApi",
    "StatsKpisApi",
    "StatsMethodsApi",
    "StatsTableApi",
    "StatsUnitsApi",
    "StatsVendorsApi",
]
