"""Phone numbers as staff type them on forms and as residents dial them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from citymgmt.phones import normalize as normalize_phone
from citymgmt.phones import tel_href, validate_mobile, validate_phone


def _message(exc_info: pytest.ExceptionInfo[ValidationError]) -> str:
    with override("en"):
        return " ".join(exc_info.value.messages)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("0536-3221234", "0536-3221234"),
        ("05363221234", "0536-3221234"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("0536-3221234-801", "0536-3221234-801"),
        ("12319", "12319"),
        ("１３８１２３４５６７８", "13812345678"),
        ("０５３６－３２２１２３４", "0536-3221234"),
        ("+86 138 1234 5678", "13812345678"),
        ("(0536) 3221234", "0536-3221234"),
    ],
)
def test_it_accepts_a_usable_number_and_stores_it_in_canonical_form(typed, stored):
    validate_phone(typed)
    assert normalize_phone(typed) == stored


def test_it_tells_a_short_mobile_number_needs_11_digits():
    with pytest.raises(ValidationError) as exc_info:
        validate_phone("1381234567")

    assert exc_info.value.code == "mobile_length"
    assert _message(exc_info) == "A mobile number has 11 digits; 1381234567 has 10."


def test_it_asks_for_the_area_code_of_a_bare_local_number():
    with pytest.raises(ValidationError) as exc_info:
        validate_phone("3221234")

    assert exc_info.value.code == "landline_area_code"
    assert _message(exc_info) == (
        "A landline needs its area code, for example 0536-3221234."
    )


@pytest.mark.parametrize("typed", ["abc", "23812345678", "", "0536-12"])
def test_it_refuses_something_that_is_not_a_phone_number(typed):
    with pytest.raises(ValidationError) as exc_info:
        validate_phone(typed)

    assert exc_info.value.code == "phone"
    assert _message(exc_info) == (
        "Enter an 11-digit mobile number (13812345678) or a landline with its "
        "area code (0536-3221234)."
    )


def test_a_work_phone_must_be_a_mobile_not_a_landline_or_hotline():
    validate_mobile("13812345678")
    validate_mobile("１３８１２３４５６７８")
    for typed in ("0536-3221234", "12319", "1381234567"):
        with pytest.raises(ValidationError) as exc_info:
            validate_mobile(typed)
        assert _message(exc_info) == (
            "Enter an 11-digit mobile number, for example 13812345678."
        )


@pytest.mark.parametrize(
    ("stored", "href"),
    [
        ("0536-3221234", "tel:05363221234"),
        ("13812345678", "tel:13812345678"),
        ("12319", "tel:12319"),
        ("", "tel:"),
    ],
)
def test_the_dial_link_has_only_digits(stored, href):
    assert tel_href(stored) == href


def test_the_dial_link_keeps_an_extension_apart_from_the_number():
    # Glued on, "801" would be dialled as part of the number itself
    # (tel:05363221234801); RFC 3966 writes it as ;ext=801, dialers also take ",".
    href = tel_href("0536-3221234-801")

    assert href.startswith("tel:05363221234")
    assert href != "tel:05363221234801"
    assert href.endswith("801")
