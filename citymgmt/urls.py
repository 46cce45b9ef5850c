from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from citymgmt import views
from citymgmt.health import health

handler400 = "citymgmt.views.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", health, name="health"),
    path("squads/", include("squads.urls")),
    path("complaints/", include("complaints.urls")),
    path("markets/", include("vendors.urls")),
    path("stats/", include("dashboard.urls")),
    path("admin/dashboard/monthly/", include("dashboard.monthly_urls")),
    path("admin/dashboard/", include("dashboard.admin_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("citymgmt.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
]
