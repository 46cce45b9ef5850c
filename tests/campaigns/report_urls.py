"""The project's URLs, with the campaign tools mounted where the admin mounts them.

Used by the report tests only while the campaign admin does not mount the
tools itself (`CampaignAdmin.get_urls`): the same path, wrapped the same way.
"""

from django.contrib import admin
from django.urls import path

from campaigns.tools import TOOLS
from citymgmt.urls import handler400
from citymgmt.urls import urlpatterns as project_urlpatterns

__all__ = ["handler400", "urlpatterns"]

urlpatterns = [
    *(
        path(
            f"admin/campaigns/campaign/<int:campaign_id>/{tool.route}",
            admin.site.admin_view(tool.view),
            name=f"campaigns_campaign_{tool.name}",
        )
        for tool in TOOLS
    ),
    *project_urlpatterns,
]
