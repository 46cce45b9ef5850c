"""What a browser has proved about its own cases, kept in a signed cookie.

A citizen who files something (a complaint, a stall request), or tracks it
with its reference and the last four digits of the phone, may see it again
from the same browser without typing them once more: the receipt after
filing, the tracking page after a rating. That proof travels in a cookie
signed with the site's secret (tampering with it voids it), HttpOnly,
SameSite=Lax and Secure where the session cookie is, for as long as a
session would last; no session row is written for a citizen. It holds what
the browser sent or was shown already: references and the four digits the
citizen typed or filed, nothing else. Each kind of case has a cookie of its
own (`ProofCookie`), so one never replaces the other's receipt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, HttpResponse


@dataclass
class Proofs:
    submitted: str = ""  # what this browser filed last: its receipt
    tracked: dict[str, str] = field(default_factory=dict)  # reference -> last 4


@dataclass(frozen=True)
class ProofCookie:
    name: str
    salt: str
    keep: int  # the newest references kept

    def read(self, request: HttpRequest) -> Proofs:
        """The proofs this browser holds; none when the cookie is absent or forged."""
        raw = request.get_signed_cookie(
            self.name, default=None, salt=self.salt, max_age=settings.SESSION_COOKIE_AGE
        )
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        submitted = data.get("s")
        pairs = data.get("t")
        tracked: dict[str, str] = {}
        for pair in pairs if isinstance(pairs, list) else []:
            if isinstance(pair, list) and len(pair) == 2:
                reference, last4 = pair
                if isinstance(reference, str) and isinstance(last4, str):
                    tracked[reference] = last4
        return Proofs(
            submitted=submitted if isinstance(submitted, str) else "",
            tracked=tracked,
        )

    def remember(
        self,
        request: HttpRequest,
        response: HttpResponse,
        *,
        reference: str,
        last4: str,
        submitted: bool = False,
    ) -> HttpResponse:
        """Let this browser see the case again; the newest `keep` are kept."""
        proofs = self.read(request)
        tracked = dict(proofs.tracked)
        tracked.pop(reference, None)
        tracked[reference] = last4
        value = json.dumps(
            {
                "s": reference if submitted else proofs.submitted,
                "t": list(tracked.items())[-self.keep :],
            },
            separators=(",", ":"),
        )
        response.set_signed_cookie(
            self.name,
            value,
            salt=self.salt,
            max_age=settings.SESSION_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response
