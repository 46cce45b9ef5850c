from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitymgmtConfig(AppConfig):
    name = "citymgmt"
    verbose_name = _("CityDesk core")

    def ready(self) -> None:
        from citymgmt import checks  # noqa: F401 - registers the system checks
