"""What this browser has proved about cases, kept in a signed cookie.

A citizen who files a case, or tracks one with its reference and the last
four digits of the phone, may see it again from the same browser without
typing them once more: the receipt after filing, the case page after a
rating. That proof used to sit in a database session, which cost every
filing a session row, a second transaction and a read on the next page.
It now travels in one cookie signed with the site's secret (tampering
with it voids it), HttpOnly, SameSite=Lax and Secure where the session
cookie is, for as long as a session would last. It holds what the browser
sent or was shown already: references and the four digits the citizen
typed or filed, nothing else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "citydesk_cases"
SALT = "complaints.proofs"
TRACKED_MAX = 20


@dataclass
class Proofs:
    submitted: str = ""  # the case this browser filed last: its receipt
    tracked: dict[str, str] = field(default_factory=dict)  # reference -> last 4


def read(request: HttpRequest) -> Proofs:
    """The proofs this browser holds; none when the cookie is absent or forged."""
    raw = request.get_signed_cookie(
        COOKIE, default=None, salt=SALT, max_age=settings.SESSION_COOKIE_AGE
    )
    if not raw:
        return Proofs()
    try:
        data = json.loads(raw)
    except ValueError:
        return Proofs()
    if not isinstance(data, dict):
        return Proofs()
    submitted = data.get("s")
    tracked: dict[str, str] = {}
    for pair in data.get("t") if isinstance(data.get("t"), list) else []:
        if isinstance(pair, list) and len(pair) == 2:
            reference, last4 = pair
            if isinstance(reference, str) and isinstance(last4, str):
                tracked[reference] = last4
    return Proofs(
        submitted=submitted if isinstance(submitted, str) else "", tracked=tracked
    )


def remember(
    request: HttpRequest,
    response: HttpResponse,
    *,
    reference: str,
    last4: str,
    submitted: bool = False,
) -> HttpResponse:
    """Let this browser see the case again; the newest TRACKED_MAX are kept."""
    proofs = read(request)
    tracked = dict(proofs.tracked)
    tracked.pop(reference, None)
    tracked[reference] = last4
    kept = list(tracked.items())[-TRACKED_MAX:]
    value = json.dumps(
        {"s": reference if submitted else proofs.submitted, "t": kept},
        separators=(",", ":"),
    )
    response.set_signed_cookie(
        COOKIE,
        value,
        salt=SALT,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
