from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("campaigns")

    def ready(self) -> None:
        # The campaign page's tools register themselves when their modules are imported.
        from campaigns import report_view  # noqa: F401
        from campaigns.imports import views  # noqa: F401
