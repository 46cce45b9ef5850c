"""What this browser has proved about stall requests (`citymgmt.proofs`): the
request it sent last and the ones it tracked, in a cookie of their own
(`citydesk_stalls`), so a stall request never replaces a complaint's
receipt."""

from __future__ import annotations

from citymgmt.proofs import ProofCookie

COOKIE = ProofCookie(name="citydesk_stalls", salt="vendors.proofs", keep=10)
read = COOKIE.read
remember = COOKIE.remember
