"""Complaint references (20261123-0042): made, read back from what people type.

A reference is the filing day and the day's sequence number, at least four
digits. Citizens copy it from an SMS or read it over the phone, so what they
type comes with full-width digits, spaces, a dash of another kind or no
hyphen at all; `normalize` undoes that and `parse` says whether the result
is a reference.
"""

from __future__ import annotations

import re
from datetime import date

from citymgmt.phones import FULLWIDTH

MAX_LENGTH = 20
REFERENCE_RE = re.compile(r"^\d{8}-\d{4,6}$", re.ASCII)
# Read as one: a reference with or without its hyphen, whatever the dash.
TYPED_RE = re.compile(r"(\d{8})-?(\d{4,6})", re.ASCII)
# Dashes that input methods and phones put in place of the hyphen.
DASHES = re.compile(r"[－—–_-]+", re.ASCII)


WIDTH = 4  # the day's number has at least this many digits


def prefix(day: date) -> str:
    """What every reference of the day starts with: 20261123-."""
    return f"{day:%Y%m%d}-"


def make(day: date, number: int) -> str:
    """The canonical reference of a day's n-th complaint: 20261123-0042."""
    return f"{prefix(day)}{number:0{WIDTH}d}"


def normalize(value: str | None) -> str:
    """What was typed, tidied: half-width digits, one hyphen, at most 20 characters.

    Spaces go; any dash becomes the hyphen; the hyphen is put back when it
    was left out. The result is not necessarily a reference: `parse` decides.
    """
    text = "".join((value or "").translate(FULLWIDTH).split())
    text = DASHES.sub("-", text)
    found = TYPED_RE.fullmatch(text)
    if found:
        return f"{found.group(1)}-{found.group(2)}"
    return text[:MAX_LENGTH]


def parse(value: str | None) -> str | None:
    """The canonical reference in what was typed, or None when it is not one."""
    text = normalize(value)
    return text if REFERENCE_RE.match(text) else None


def is_reference(value: str | None) -> bool:
    """Whether what was typed is a reference."""
    return parse(value) is not None
