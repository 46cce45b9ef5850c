from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("complaints")

    def ready(self) -> None:
        # Registers the app's message templates with the outbox.
        from complaints import messages  # noqa: F401
