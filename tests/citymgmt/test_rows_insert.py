"""New rows written together (citymgmt.compiled.rows_insert): one statement
on PostgreSQL, row by row elsewhere, and on both the same rows, linked to
each other, all of them or none."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import signals
from django.test.utils import CaptureQueriesContext

from citymgmt.compiled import NUMBER_TOKEN, DayNumber, rows_insert
from citymgmt.notifications.models import Notification
from complaints import references
from complaints.models import Complaint, ComplaintEvent, DailySequence
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


DAY = date(2031, 1, 2)


def _numbered() -> DayNumber:
    return DayNumber(table="complaints_dailysequence", day=DAY, prefix="20310102-")


def _quoting(numbered: DayNumber) -> Notification:
    """An unsaved SMS row that quotes the number in its texts and its JSON."""
    token = numbered.token
    return Notification(
        channel=Notification.Channel.SMS,
        recipient="13800000000",
        template="complaint_received",
        context={"reference": token, "seen": [token, 3], token: "西苑中队"},
        subject=token,
        body=f"编号 {token}，请留意。",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "plain"])
def test_a_numbered_write_takes_the_next_number_and_puts_its_text_in_place(
    tree, settings, prepared
):
    settings.PREPARED_QUERIES = prepared  # the statement as SQL, or EXECUTE
    DailySequence.objects.create(day=DAY, last=41)
    numbered = _numbered()
    district, street, community = rows = _areas(tree.unit_a)
    community.name = f"第{numbered.token}号片区"
    message = _quoting(numbered)

    made = rows_insert([*rows, message], numbered=numbered)

    assert made == "20310102-0042"
    assert DailySequence.objects.get(day=DAY).last == 42
    stored = Notification.objects.get(pk=message.pk)
    assert stored.context == {"reference": made, "seen": [made, 3], made: "西苑中队"}
    assert (stored.subject, stored.body) == (made, f"编号 {made}，请留意。")
    assert Area.objects.get(pk=community.pk).name == f"第{made}号片区"
    # What does not hold the stand-in is written as it was.
    assert Area.objects.get(pk=district.pk).name == district.name
    # The rows in hand read as the stored ones.
    assert (message.context, message.subject, message.body) == (
        stored.context,
        stored.subject,
        stored.body,
    )
    assert community.name == f"第{made}号片区"


@pytest.mark.django_db
def test_on_postgresql_the_number_is_taken_in_the_rows_statement(
    tree, require_postgres
):
    numbered = _numbered()
    message = _quoting(numbered)

    with CaptureQueriesContext(connection) as seen:
        first = rows_insert([*_areas(tree.unit_a), message], numbered=numbered)

    assert len(seen.captured_queries) == 1
    assert "ON CONFLICT" in seen.captured_queries[0]["sql"]
    assert first == "20310102-0001"  # the first of the day
    second = _quoting(numbered)
    assert rows_insert([second], numbered=numbered) == "20310102-0002"


@pytest.mark.django_db
def test_a_number_wider_than_the_width_is_written_whole(tree):
    DailySequence.objects.create(day=DAY, last=9999)
    numbered = _numbered()
    message = _quoting(numbered)

    made = rows_insert([message], numbered=numbered)

    assert made == "20310102-10000"
    assert Notification.objects.get(pk=message.pk).subject == "20310102-10000"


@pytest.mark.django_db
def test_a_numbered_write_the_database_refuses_takes_no_number(tree):
    DailySequence.objects.create(day=DAY, last=41)
    numbered = _numbered()
    district, street, community = _areas(tree.unit_a)
    community.code = district.code  # the code is unique

    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert([district, street, community], numbered=numbered)

    assert DailySequence.objects.get(day=DAY).last == 41  # no gap
    made = rows_insert([_quoting(numbered)], numbered=numbered)
    assert made == "20310102-0042"


@pytest.mark.django_db
def test_saved_row_by_row_the_number_is_filled_in_before_the_saves(tree):
    heard: list[str] = []

    def hear(sender, instance, **kwargs):
        heard.append(instance.name)

    numbered = _numbered()
    rows = _areas(tree.unit_a)
    rows[2].name = f"第{numbered.token}号片区"
    signals.pre_save.connect(hear, sender=Area)
    try:
        made = rows_insert(rows, numbered=numbered)
    finally:
        signals.pre_save.disconnect(hear, sender=Area)

    assert made == "20310102-0001"
    assert heard[2] == "第20310102-0001号片区"
    assert Area.objects.get(pk=rows[2].pk).name == "第20310102-0001号片区"


@pytest.mark.django_db
def test_a_filing_quotes_its_reference_and_never_the_stand_in(tree):
    complaint = submit(tree)

    stored = Complaint.objects.get(pk=complaint.pk)
    assert references.parse(stored.reference) == stored.reference
    assert complaint.reference == stored.reference
    sms = Notification.objects.get(recipient=stored.phone)
    assert NUMBER_TOKEN not in sms.body + sms.subject + str(sms.context)
    assert stored.reference in sms.subject
