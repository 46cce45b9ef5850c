from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "citymgmt.exports"
    label = "exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        from citymgmt.exports import tasks  # noqa: F401 - registers the tasks
