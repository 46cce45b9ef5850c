from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("campaigns")

    def ready(self) -> None:
        # The campaign page's tools register themselves when imported.
        from campaigns.imports import views  # noqa: F401
