from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("dashboard")

    def ready(self) -> None:
        from dashboard.aggregates import register_sqlite_functions

        # SQLite has no median: each of its connections gets kpi_median.
        connection_created.connect(
            register_sqlite_functions, dispatch_uid="dashboard.sqlite_median"
        )
