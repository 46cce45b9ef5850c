from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = _("vendors")

    def ready(self) -> None:
        # Registers the app's message templates with the outbox.
        from vendors import messages  # noqa: F401
