"""The vendors' panel on a complaint's case page (`complaints.case_panels`).

A case disposed by the 721 method service with the outcome "guided into a
market" (or one a relocation was already recorded from) gets the panel: it
lists the relocations that came from the case and, for
those who may offer stalls in the case's unit, links to record one with the
case preset or to link a relocation of that unit that has no case yet. Any
other case gets no panel and costs no query.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from complaints import selectors as complaint_selectors
from complaints.models import Complaint
from squads.roles import role_of
from vendors import selectors
from vendors.models import RelocationStatus
from vendors.workflow import ACTIONS

# How many relocations without a case the link form offers, newest first.
LINKABLE_LIMIT = 50


def may_offer_for(request: HttpRequest, complaint: Complaint) -> bool:
    """Whether the user may record a relocation in the case's unit."""
    user = request.user
    return (
        role_of(user=user) in ACTIONS["offer"].roles
        and complaint.squad_id is not None
        and selectors.in_scope(user=user, squad_id=complaint.squad_id)
        and user.has_perm("vendors.add_relocation")
    )


def relocations_panel(
    request: HttpRequest, complaint: Complaint
) -> tuple[str, SafeString] | None:
    """The relocations from this case and the ways to add one, or None."""
    if not complaint_selectors.guided_into_market(complaint=complaint):
        return None
    user = request.user
    linked = list(
        selectors.relocations_visible_to(user=user)
        .filter(origin_complaint=complaint)
        .order_by("offered_at", "id")
    )
    may_offer = may_offer_for(request, complaint)
    linkable = []
    if may_offer and complaint.squad_id is not None:
        linkable = list(
            selectors.relocations_visible_to(user=user)
            .filter(squad_id=complaint.squad_id, origin_complaint__isnull=True)
            .exclude(status__in=(RelocationStatus.RETURNED, RelocationStatus.DECLINED))
            .order_by("-offered_at", "-id")[:LINKABLE_LIMIT]
        )
    html = render_to_string(
        "admin/vendors/relocation/_case_panel.html",
        {
            "complaint": complaint,
            "linked": linked,
            "may_offer": may_offer,
            "offer_url": reverse("admin:vendors_relocation_add")
            + f"?complaint={complaint.pk}",
            "link_url": reverse("admin:vendors_relocation_link_complaint"),
            "linkable": linkable,
        },
        request=request,
    )
    return gettext("Guided into a market (relocations)"), html
