"""citymgmt.phones: what every app does with a phone number, in one place."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from citymgmt import phones


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("１３８ １２３４ ５６７８", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86１３８１２３４５６７８", "13812345678"),
        ("  139 1234 5678 ", "13912345678"),
        ("０５３６－３２２１２３４", "0536-3221234"),
        ("（0536）3221234", "0536-3221234"),
        ("0536—3221234", "0536-3221234"),
        ("05363221234", "0536-3221234"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_normalizes_what_people_type(typed, stored):
    assert phones.normalize(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["13812345678", "１３８１２３４５６７８", "+86 199 0000 1111"],
)
def test_it_accepts_a_mainland_mobile_however_typed(typed):
    phones.validate_mobile(typed)
    assert phones.is_mobile(typed)


@pytest.mark.parametrize(
    "typed",
    ["1381234567", "138123456789", "12812345678", "0536-3221234", "12345", "", None],
)
def test_it_refuses_what_is_not_a_mobile(typed):
    assert not phones.is_mobile(typed)
    with pytest.raises(ValidationError) as exc_info, override("en"):
        phones.validate_mobile(typed)
    assert exc_info.value.code == "mobile"
    with override("en"):
        assert exc_info.value.messages == [
            "Enter an 11-digit mobile number, for example 13812345678."
        ]


@pytest.mark.parametrize(
    "typed",
    ["１３８１２３４５６７８", "0536-3221234", "０５３６３２２１２３４", "12319"],
)
def test_it_accepts_any_number_a_unit_can_be_called_on(typed):
    phones.validate_phone(typed)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("１３８１２３４５６７", "mobile_length"),
        ("3221234", "landline_area_code"),
        ("hello", "phone"),
    ],
)
def test_it_names_what_is_wrong_with_a_phone(typed, code):
    with pytest.raises(ValidationError) as exc_info:
        phones.validate_phone(typed)
    assert exc_info.value.code == code


@pytest.mark.parametrize(
    ("stored", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0536-3221234", "053****1234"),
        ("1234567", "*******"),
        ("12319", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_all_but_the_first_three_and_last_four(stored, masked):
    assert phones.mask(stored) == masked


def test_the_sms_log_masks_a_phone_like_the_staff_pages():
    from citymgmt.notifications.channels import mask_recipient

    assert mask_recipient("13812345678") == phones.mask("13812345678")
    assert mask_recipient("zhang@example.org") == "z***@example.org"
