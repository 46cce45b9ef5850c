"""Panels other apps add to the admin's case page, without complaints importing them.

An app that builds on complaints (vendors) registers a callable from its
`AppConfig.ready()`; the case page calls each one with the request and the
case it looked up, and shows what it returns under the action panel. A
callable answers None when it has nothing for this case, and should then
ask the database nothing: it runs on every case page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from complaints.models import Complaint

# (request, case) -> (title, html) | None; html is escaped by the panel's maker.
CasePanel = Callable[[HttpRequest, Complaint], "tuple[str, SafeString] | None"]

case_panels: list[CasePanel] = []


def register(panel: CasePanel) -> CasePanel:
    """Add a panel to every case page (once, however often an app is readied)."""
    if panel not in case_panels:
        case_panels.append(panel)
    return panel


def panels_for(
    request: HttpRequest, complaint: Complaint
) -> list[tuple[str, SafeString]]:
    """The registered panels that have something to show for this case."""
    shown = []
    for panel in case_panels:
        drawn = panel(request, complaint)
        if drawn is not None:
            shown.append(drawn)
    return shown
