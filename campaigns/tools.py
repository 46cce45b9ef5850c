"""The tools a campaign's admin page offers (template, import, exports, report).

Each module that adds a tool registers a `CampaignTool`; `CampaignAdmin`
mounts its view under the campaign (`<campaign_id>/<route>`, wrapped by the
admin site's `admin_view`, URL name `campaigns_campaign_<name>`) and shows a
button for it on the campaign's page when `shown(user, campaign)` says so.
A tool's view looks the campaign up itself through
`campaigns.selectors.campaigns_visible_to` (another unit's campaign → 404).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse


def _always(user: Any, campaign: Any) -> bool:
    return True


@dataclass(frozen=True)
class CampaignTool:
    name: str
    route: str  # after "<int:campaign_id>/", e.g. "report/"
    view: Callable[..., HttpResponse]  # (request, campaign_id, **kwargs)
    label: Any  # a lazy translation
    shown: Callable[[Any, Any], bool] = _always
    position: int = 100


TOOLS: list[CampaignTool] = []


def register(tool: CampaignTool) -> CampaignTool:
    if not any(existing.name == tool.name for existing in TOOLS):
        TOOLS.append(tool)
        TOOLS.sort(key=lambda t: (t.position, t.name))
    return tool


def tools_for(request: HttpRequest, campaign: Any) -> list[CampaignTool]:
    return [tool for tool in TOOLS if tool.shown(request.user, campaign)]
