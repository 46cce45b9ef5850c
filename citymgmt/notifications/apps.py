from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "citymgmt.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from citymgmt.notifications import tasks  # noqa: F401 - registers the tasks
