from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = _("vendors")

    def ready(self) -> None:
        # Registers the app's message templates with the outbox, and the
        # stall requests' admin (a module of its own beside the ledger's).
        from complaints import case_panels
        from vendors import admin_requests, messages  # noqa: F401
        from vendors.case_panel import relocations_panel

        # The relocations of a case on its page; complaints does not import vendors.
        case_panels.register(relocations_panel)
        # The vendors guided into markets, a campaign's linked count; campaigns
        # does not import vendors (vendors → campaigns, and only when installed).
        if apps.is_installed("campaigns"):
            from vendors import campaign_counts

            campaign_counts.register()
