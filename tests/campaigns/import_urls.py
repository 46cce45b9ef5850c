"""The project's URLs with the campaign tools mounted where the campaign's
admin page mounts them (`campaigns.tools`): inside the admin site, at
`campaigns/campaign/<campaign_id>/<route>`, named `campaigns_campaign_<name>`,
wrapped by `admin_view`. The import tests use them whether or not a
`CampaignAdmin` is registered in this tree."""

from django.contrib import admin
from django.urls import path

from campaigns.tools import TOOLS
from citymgmt import urls as project

tool_patterns = [
    path(
        f"campaigns/campaign/<int:campaign_id>/{tool.route}",
        admin.site.admin_view(tool.view),
        name=f"campaigns_campaign_{tool.name}",
    )
    for tool in TOOLS
]
admin_patterns, app_name, namespace = admin.site.urls
urlpatterns = [
    path("admin/", (tool_patterns + admin_patterns, app_name, namespace)),
    *(p for p in project.urlpatterns if str(p.pattern) != "admin/"),
]
