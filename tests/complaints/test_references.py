"""complaints.references: a reference read back from however it was typed."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache

from complaints import references
from complaints.models import Complaint, Status
from complaints.selectors import search_filter
from tests.complaints.factories import submit

WIDE = str.maketrans("0123456789-", "０１２３４５６７８９－")


@pytest.mark.parametrize(
    ("typed", "reference"),
    [
        ("20261123-0042", "20261123-0042"),
        ("202611230042", "20261123-0042"),
        (" 20261123-0042 ", "20261123-0042"),
        ("20261123 0042", "20261123-0042"),
        ("2026 1123 0042", "20261123-0042"),
        ("20261123—0042", "20261123-0042"),
        ("20261123－0042", "20261123-0042"),
        ("20261123_0042", "20261123-0042"),
        ("20261123--0042", "20261123-0042"),
        ("２０２６１１２３－００４２", "20261123-0042"),
        ("２０２６１１２３００４２", "20261123-0042"),
        ("20261123-12345", "20261123-12345"),
        ("2026112312345", "20261123-12345"),
    ],
)
def test_it_reads_a_reference_however_it_was_typed(typed, reference):
    assert references.parse(typed) == reference
    assert references.is_reference(typed)
    assert references.normalize(typed) == reference


@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        "hello",
        "20261123",
        "20261123-042",
        "2026112-30042",
        "2026-1123-0042",
        "20261123-0042-1",
        "13912345678",
        "20261123-1234567",
        "西苑小学",
    ],
)
def test_it_says_what_is_not_a_reference(typed):
    assert references.parse(typed) is None
    assert not references.is_reference(typed)


def test_normalize_keeps_what_is_not_a_reference_for_the_form_to_show():
    assert references.normalize("hello") == "hello"
    assert references.normalize(" 2026-11-23 ") == "2026-11-23"
    assert references.normalize("9" * 40) == "9" * 20


def test_make_writes_the_canonical_form():
    assert references.make(date(2026, 11, 23), 42) == "20261123-0042"
    assert references.make(date(2026, 1, 2), 12345) == "20260102-12345"
    assert references.parse(references.make(date(2026, 1, 2), 7)) == "20260102-0007"


# The three places a person types a reference agree


@pytest.fixture
def case(tree, settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return submit(tree)


def typed_forms(reference: str) -> list[str]:
    plain = reference.replace("-", "")
    return [
        reference,
        plain,
        reference.translate(WIDE),
        f"{reference[:8]} {reference[9:]}",
        f"{reference[:4]} {reference[4:8]} {reference[9:]}",
    ]


def test_staff_search_finds_a_case_however_its_reference_is_typed(case):
    for typed in typed_forms(case.reference):
        assert list(Complaint.objects.filter(search_filter(typed, by_phone=True))) == [
            case
        ], typed


def test_staff_search_finds_a_mobile_typed_in_full_width(case):
    wide = case.phone.translate(WIDE)
    assert list(Complaint.objects.filter(search_filter(wide, by_phone=True))) == [case]


def test_the_merge_form_reads_a_reference_however_it_is_typed(
    case, tree, client_for, dispatcher
):
    client = client_for(dispatcher)
    for typed in typed_forms(case.reference):
        later = submit(tree)
        response = client.post(
            f"/admin/complaints/complaint/{later.pk}/act/merge/",
            {"expected_status": "submitted", "duplicate_of": typed},
        )
        assert response.status_code == 302, typed
        later.refresh_from_db()
        assert (later.status, later.duplicate_of) == (Status.DUPLICATE, case)


def test_the_tracking_form_reads_a_reference_however_it_is_typed(case, client):
    for typed in typed_forms(case.reference):
        response = client.post(
            "/complaints/track/", {"reference": typed, "phone_last4": "5678"}
        )
        assert response.status_code == 302, typed
        assert response["Location"].endswith(f"?reference={case.reference}")


def test_the_tracking_api_reads_a_reference_however_it_is_typed(case, client):
    for typed in typed_forms(case.reference):
        response = client.get(
            "/api/v1/complaints/track/", {"reference": typed, "phone_last4": "5678"}
        )
        assert response.status_code == 200, typed
        assert response.json()["reference"] == case.reference
