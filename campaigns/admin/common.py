"""What the campaigns' admin classes share: the scoped admin whose forms save
through their service (`squads.admin.ServiceAdmin`, `ServiceForm`), with the
campaigns' stylesheet."""

from __future__ import annotations

from squads.admin import ServiceAdmin as ScopedServiceAdmin
from squads.admin import ServiceForm

__all__ = ["CSS", "ServiceAdmin", "ServiceForm"]

CSS = {"all": ["css/admin-campaigns.css"]}


class ServiceAdmin(ScopedServiceAdmin):
    class Media:
        css = CSS
