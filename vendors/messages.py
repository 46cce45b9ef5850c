"""The messages the vendors app sends, registered with the notifications outbox.

A vendor who requests a stall gets one SMS with the reference; the leaders of
the unit the request went to (the command centre's desk when none) get a
notice under the bell and by email. Leaders also hear of hotspot suggestions
and of duty posts without a check-in.

Context keys besides the registry's (citymgmt.notifications.messages): for a
suggestion community, start, end (HH:MM), weekdays (readable); for the duty
digest `cases` entries of {date, start, end, hotspot}.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from citymgmt.notifications.messages import Message, register


def _request_values(values: dict[str, Any]) -> dict[str, Any]:
    """An empty market as "any market", the hardship flag as a sentence."""
    if not values.get("market"):
        values["market"] = _("any market")
    values["hardship"] = (
        _("asks for a free stall (hardship)") if values.get("hardship") else ""
    )
    return values


VENDOR_MESSAGES: dict[str, Message] = {
    "stall_request_received": Message(
        subject=_("Stall request %(reference)s received"),
        body=_(
            "[CityDesk] Your stall request %(reference)s has been received; the "
            "unit will call you. Track it with the reference and your phone's "
            "last 4 digits."
        ),
        keys=("reference",),
    ),
}

STAFF_MESSAGES: dict[str, Message] = {
    "hotspot_suggested": Message(
        subject=_("Hotspot suggested in %(community)s, %(start)s–%(end)s"),
        body=_(
            "%(count)s complaints about street vendors in %(community)s in the "
            "last %(days)s days came between %(start)s and %(end)s (%(weekdays)s). "
            "Confirm the hotspot or dismiss the suggestion under Vendors › "
            "Hotspot suggestions."
        ),
        keys=("community", "start", "end", "count", "days", "weekdays"),
    ),
    "duty_digest": Message(
        subject=_("Duty posts without a check-in: %(count)s"),
        body=_("Duty posts of yesterday and today without a check-in:\n%(lines)s"),
        keys=("cases",),
        line=_("%(date)s %(start)s–%(end)s %(hotspot)s"),
    ),
    "stall_request_new": Message(
        subject=_("New stall request %(reference)s"),
        body=_(
            "A vendor asks for a stall: %(reference)s, selling %(goods)s, at "
            "%(market)s. %(hardship)s Call them from the stall requests in the "
            "admin."
        ),
        keys=("reference", "goods", "market"),
        prepare=_request_values,
    ),
}

register(VENDOR_MESSAGES, citizen=True)
register(STAFF_MESSAGES)
