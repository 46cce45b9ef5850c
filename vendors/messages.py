"""The messages the vendors app sends to staff, registered with the outbox.

Context keys besides the registry's (citymgmt.notifications.messages):
community, start, end (HH:MM), weekdays (readable), and for the duty digest
`cases` entries of {date, start, end, hotspot}.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from citymgmt.notifications.messages import Message, register

STAFF_MESSAGES = {
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
}

register(STAFF_MESSAGES)
