"""The staff list's rows (citymgmt.serializers.Rows) are the dictionaries
DRF's own serializer writes, cell for cell, in both languages."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework import serializers

from citymgmt.serializers import Rows
from complaints.apis.staff import ComplaintRowSerializer
from complaints.models import Complaint
from complaints.selectors import complaint_list_for
from tests.complaints.factories import submit, walk_to

pytestmark = pytest.mark.django_db


def _drf(serializer_class, items) -> list[dict]:
    """What DRF writes for each item on its own path."""
    return [dict(serializer_class(item).data) for item in items]


def test_the_list_writes_each_row_as_drf_does(tree, users):
    for status in ("submitted", "registered", "dispatched", "closed"):
        walk_to(submit(tree), status, users)
    submit(tree, community=None, street=tree.community_a.parent)
    submit(tree, code="09003", citizen_name="", is_anonymous=True)
    cases = list(complaint_list_for(user=users["dispatcher"]))
    assert len(cases) == 6
    assert {c.community_id is None for c in cases} == {True, False}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            fast = ComplaintRowSerializer(cases, many=True)
            assert isinstance(fast, Rows)
            assert [dict(row) for row in fast.data] == _drf(
                ComplaintRowSerializer, cases
            )


class Awkward(serializers.Serializer):
    """Paths Rows must read as DRF does: a method, a path through a missing
    relation with and without a default, the object itself."""

    label = serializers.CharField(source="get_status_display")
    original = serializers.CharField(
        source="duplicate_of.reference", default=None, allow_null=True
    )
    unit_code = serializers.CharField(source="squad.code", required=False)
    echo = serializers.SerializerMethodField()

    class Meta:
        list_serializer_class = Rows

    def get_echo(self, complaint: Complaint) -> str:
        return complaint.reference[-4:]


def test_paths_through_missing_rows_and_methods_read_as_drf_reads_them(tree, users):
    merged = walk_to(submit(tree), "registered", users)
    unrouted = submit(tree, community=None, street=tree.community_a.parent)
    cases = list(Complaint.objects.filter(pk__in=[merged.pk, unrouted.pk]))
    assert any(c.squad_id is None for c in cases)
    assert [dict(row) for row in Awkward(cases, many=True).data] == _drf(Awkward, cases)
