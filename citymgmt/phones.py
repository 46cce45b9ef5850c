"""Chinese phone numbers: as people type them, as they are stored and shown.

One home for what every app does with a phone number: normalise what was
typed (full-width digits, spaces, +86), check a mainland mobile or any
number a unit can be called on, mask it for staff lists and logs, and link it.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# ASCII digits only (`\d` would take any script's digits); the API schema
# documents the same pattern.
MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"
MOBILE_RE = re.compile(MOBILE_PATTERN)
# Landline: area code 0 + 2-3 digits, a 7-8 digit number, an optional extension.
LANDLINE_RE = re.compile(r"^0\d{2,3}-\d{7,8}(-\d{1,6})?$", re.ASCII)
# Government service hotlines such as 12345 and 12319.
HOTLINE_RE = re.compile(r"^123\d{2}$", re.ASCII)
# Chinese input methods type full-width digits and hyphens.
FULLWIDTH = str.maketrans("０１２３４５６７８９－", "0123456789-")


def normalize(value: str | None) -> str:
    """Return a phone number in canonical form (0536-3221234, 13812345678)."""
    text = (value or "").translate(FULLWIDTH).strip()
    text = re.sub(r"[\s()（）]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    text = text.replace("—", "-")
    if re.fullmatch(r"0\d{9,11}", text, re.ASCII):
        # No hyphen: split the area code (3 digits for 010 and 02x, else 4).
        split = 3 if text[1] in "12" else 4
        text = f"{text[:split]}-{text[split:]}"
    return text


def is_mobile(value: str | None) -> bool:
    """Whether the value, once normalised, is an 11-digit mainland mobile number."""
    return bool(MOBILE_RE.match(normalize(value)))


def validate_mobile(value: str | None) -> None:
    """Accept only an 11-digit mainland mobile number."""
    if not is_mobile(value):
        raise ValidationError(
            _("Enter an 11-digit mobile number, for example 13812345678."),
            code="mobile",
        )


def validate_phone(value: str | None) -> None:
    """Accept an 11-digit mobile, a landline with its area code, or a 123xx hotline."""
    text = normalize(value)
    if MOBILE_RE.match(text) or LANDLINE_RE.match(text) or HOTLINE_RE.match(text):
        return
    digits = re.sub(r"\D", "", text, flags=re.ASCII)
    if digits.startswith("1") and len(digits) != 11 and not HOTLINE_RE.match(digits):
        raise ValidationError(
            _("A mobile number has 11 digits; %(value)s has %(count)s."),
            code="mobile_length",
            params={"value": value, "count": len(digits)},
        )
    local_only = 7 <= len(digits) <= 8 and digits[0] not in "01"
    if local_only or (digits.startswith("0") and "-" not in text and len(digits) < 10):
        raise ValidationError(
            _("A landline needs its area code, for example 0536-3221234."),
            code="landline_area_code",
        )
    raise ValidationError(
        _(
            "Enter an 11-digit mobile number (13812345678) or a landline with its "
            "area code (0536-3221234)."
        ),
        code="phone",
    )


def mask(value: str | None) -> str:
    """138****1234: the first 3 and last 4 digits; anything shorter is all stars."""
    text = value or ""
    if len(text) < 8:
        return "*" * len(text)
    return f"{text[:3]}****{text[-4:]}"


def tel_href(value: str | None) -> str:
    """The tel: address for a stored phone number, with any extension apart."""
    text = normalize(value)
    if LANDLINE_RE.match(text):
        area, number, *extension = text.split("-")
        if extension:
            return f"tel:{area}{number};ext={extension[0]}"
        return f"tel:{area}{number}"
    return "tel:" + re.sub(r"\D", "", text, flags=re.ASCII)


class PhoneField(models.CharField):
    """A phone number, stored normalised (0536-3221234, 13812345678)."""

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize(value) if value else value
