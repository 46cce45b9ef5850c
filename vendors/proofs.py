"""What this browser has proved about stall requests, in one signed cookie.

The same idea as `complaints.proofs`, in a cookie of its own so a stall
request never replaces a complaint's receipt: the request this browser sent
last (its receipt) and the references it tracked with their last 4 digits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "citydesk_stalls"
SALT = "vendors.proofs"
TRACKED_MAX = 10


@dataclass
class Proofs:
    submitted: str = ""
    tracked: dict[str, str] = field(default_factory=dict)  # reference -> last 4


def read(request: HttpRequest) -> Proofs:
    """The proofs this browser holds; none when the cookie is absent or forged."""
    raw = request.get_signed_cookie(
        COOKIE, default=None, salt=SALT, max_age=settings.SESSION_COOKIE_AGE
    )
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        return Proofs()
    tracked = {
        pair[0]: pair[1]
        for pair in (data.get("t") if isinstance(data.get("t"), list) else [])
        if isinstance(pair, list)
        and len(pair) == 2
        and all(isinstance(item, str) for item in pair)
    }
    submitted = data.get("s")
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
    """Let this browser see the request again; the newest TRACKED_MAX are kept."""
    proofs = read(request)
    tracked = dict(proofs.tracked)
    tracked.pop(reference, None)
    tracked[reference] = last4
    value = json.dumps(
        {
            "s": reference if submitted else proofs.submitted,
            "t": list(tracked.items())[-TRACKED_MAX:],
        },
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
