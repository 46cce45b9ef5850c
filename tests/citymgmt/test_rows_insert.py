"""New rows written together (citymgmt.compiled.rows_insert): one statement
on PostgreSQL, row by row elsewhere, and on both the same rows, linked to
each other, all of them or none."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import signals
from django.test.utils import CaptureQueriesContext

from citymgmt.compiled import rows_insert
from citymgmt.notifications.models import Notification
from complaints.models import Complaint, ComplaintEvent
from squads.models import Area
from tests.complaints.factories import submit
from tests.squads.factories import CommunityFactory, DistrictFactory, StreetFactory

pytestmark = pytest.mark.usefixtures("media_root")


def _areas(unit) -> list[Area]:
    """A district, its street and its community, unsaved, each the next's parent."""
    district = DistrictFactory.build(code="379988")
    street = StreetFactory.build(code="379988001", parent=district)
    community = CommunityFactory.build(
        code="379988001001", parent=street, covering_squad=unit
    )
    return [district, street, community]


@pytest.mark.django_db
def test_rows_come_back_saved_and_linked_to_the_earlier_rows(tree):
    district, street, community = rows = _areas(tree.unit_a)

    rows_insert(rows)

    assert all(row.pk is not None and not row._state.adding for row in rows)
    assert street.parent_id == district.pk
    assert community.parent_id == street.pk
    stored = Area.objects.get(code="379988001001")
    assert stored.pk == community.pk
    assert stored.parent.parent == district
    # Saved again, a row is updated, not written twice.
    community.name = "改名社区"
    community.save()
    assert Area.objects.filter(code__startswith="379988").count() == 3
    assert Area.objects.get(pk=community.pk).name == "改名社区"


@pytest.mark.django_db
def test_on_postgresql_the_rows_are_one_statement(tree, require_postgres):
    rows = _areas(tree.unit_a)

    with CaptureQueriesContext(connection) as seen:
        rows_insert(rows)

    assert len(seen.captured_queries) == 1
    assert seen.captured_queries[0]["sql"].lstrip("/* ").startswith("WITH r0 AS")
    assert Area.objects.filter(code__startswith="379988").count() == 3


@pytest.mark.django_db
def test_a_row_the_database_refuses_writes_none_of_them(tree):
    district, street, community = _areas(tree.unit_a)
    community.code = district.code  # the code is unique

    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert([district, street, community])

    assert not Area.objects.filter(code__startswith="379988").exists()


@pytest.mark.django_db
def test_a_row_that_refers_to_an_unsaved_row_outside_the_list_is_refused(tree):
    district, street, community = _areas(tree.unit_a)

    with pytest.raises(ValueError, match="unsaved"):
        rows_insert([street, community])  # the district is not written

    assert not Area.objects.filter(code__startswith="379988").exists()

    rows_insert([district])
    with pytest.raises(ValueError, match="saved already"):
        rows_insert([district])
    assert Area.objects.filter(code__startswith="379988").count() == 1


@pytest.mark.django_db
def test_a_model_whose_saves_are_heard_is_saved_row_by_row(tree):
    heard: list[tuple[str, bool]] = []

    def hear(sender, instance, created, **kwargs):
        heard.append((instance.code, created))

    signals.post_save.connect(hear, sender=Area)
    try:
        rows_insert(_areas(tree.unit_a))
    finally:
        signals.post_save.disconnect(hear, sender=Area)

    assert heard == [
        ("379988", True),
        ("379988001", True),
        ("379988001001", True),
    ]


@pytest.mark.django_db
def test_a_filing_writes_what_it_wrote_row_by_row(tree):
    """The case, its event and its SMS as the service wrote them before:
    every column of each read back, its links and its auto_now time."""
    complaint = submit(tree)

    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.reference == complaint.reference
    assert stored.updated_at >= stored.submitted_at  # auto_now, filled
    assert stored.squad_id is not None
    assert stored.squad_id == complaint.squad_id
    event = ComplaintEvent.objects.get(complaint=stored)
    assert (event.action, event.from_status, event.to_status, event.role) == (
        "submit",
        "",
        "submitted",
        "citizen",
    )
    assert event.payload == {"channel": stored.channel}
    assert event.created_at == stored.submitted_at
    sms = Notification.objects.get(recipient=stored.phone)
    assert stored.reference in sms.body
    assert sms.context["reference"] == stored.reference
    assert sms.status == Notification.Status.PENDING
