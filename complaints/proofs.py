"""What this browser has proved about complaints (`citymgmt.proofs`): the
receipt of the case it filed last and the cases it tracked, in the cookie
`citydesk_cases`."""

from __future__ import annotations

from citymgmt.proofs import ProofCookie

COOKIE = ProofCookie(name="citydesk_cases", salt="complaints.proofs", keep=20)
read = COOKIE.read
remember = COOKIE.remember
