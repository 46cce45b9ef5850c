"""The demo complaints that `seed_demo` adds after the squads demo data."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from complaints.models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    DailySequence,
    Satisfaction,
    Status,
)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the module, inside a transaction rolled back at the end.

    Each test's own transaction nests inside it as a savepoint.
    """
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        with transaction.atomic():
            output = seed()
            yield output
            transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db) -> str:
    return seeded


def test_it_adds_about_200_complaints_spread_over_the_last_90_days(demo):
    complaints = list(Complaint.objects.all())
    now = timezone.now()

    assert 180 <= len(complaints) <= 220
    assert all(now - timedelta(days=90) <= c.submitted_at <= now for c in complaints)
    days = {timezone.localdate(c.submitted_at) for c in complaints}
    assert len(days) >= 60
    assert f"complaints: {len(complaints)} created" in demo


def test_it_covers_every_status_and_several_channels_and_communities(demo):
    statuses = Counter(Complaint.objects.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    assert statuses[Status.CLOSED] > len(statuses)  # most cases are finished
    channels = set(Complaint.objects.values_list("channel", flat=True))
    assert len(channels) >= 4
    assert Complaint.objects.values("community").distinct().count() >= 20
    assert Complaint.objects.values("category").distinct().count() >= 10


def test_it_tells_the_xiyuan_school_story_to_the_end(demo):
    story = Complaint.objects.get(
        community__name="西苑社区",
        category__code="09006",
        description__contains="西苑小学南门",
    )

    assert story.status == Status.CLOSED
    assert story.satisfaction == Satisfaction.SATISFIED
    assert story.squad.code == "JD-1"
    assert story.method == "service"
    assert "便民市场" in story.resolution
    actions = list(story.events.values_list("action", flat=True))
    assert actions == [
        "submit",
        "accept",
        "dispatch",
        "sign",
        "assign",
        "dispose",
        "verify",
        "rate",
        # The vendors demo offers the first vendor a stall from this case.
        "relocation_linked",
    ]
    kinds = set(story.attachments.values_list("kind", flat=True))
    assert {Attachment.Kind.BEFORE, Attachment.Kind.AFTER} <= kinds
    dispose = story.events.get(action="dispose")
    assert all(a.created_at == dispose.created_at for a in dispose.attachments.all())
    assert dispose.actor.username == "officer"


def test_every_case_starts_with_its_submission_and_keeps_its_events_in_order(demo):
    events = ComplaintEvent.objects.order_by("complaint_id", "id")
    by_case: dict[int, list[ComplaintEvent]] = {}
    for event in events:
        by_case.setdefault(event.complaint_id, []).append(event)
    now = timezone.now()

    for complaint in Complaint.objects.all():
        trail = by_case[complaint.pk]
        assert trail[0].action == "submit"
        assert trail[0].created_at == complaint.submitted_at
        times = [e.created_at for e in trail]
        assert times == sorted(times), complaint.reference
        assert times[-1] <= now
        if complaint.closed_at is not None:
            assert complaint.closed_at >= complaint.submitted_at
        for stage in ("accepted_at", "dispatched_at", "signed_at", "disposed_at"):
            value = getattr(complaint, stage)
            assert value is None or complaint.submitted_at <= value <= now


def test_references_name_the_day_of_filing_and_the_day_counters_follow(demo):
    per_day = Counter()
    for complaint in Complaint.objects.order_by("submitted_at", "pk"):
        day = timezone.localdate(complaint.submitted_at)
        per_day[day] += 1
        assert complaint.reference == f"{day:%Y%m%d}-{per_day[day]:04d}"
    counters = dict(DailySequence.objects.values_list("day", "last"))
    assert counters == dict(per_day)


def test_the_workflow_variants_are_all_there(demo):
    closed = Complaint.objects.filter(status=Status.CLOSED)
    assert closed.filter(rework_count__gt=0).exists()
    assert Complaint.objects.filter(reopen_count__gt=0).exists()
    assert ComplaintEvent.objects.filter(action="return").exists()
    rejected = Complaint.objects.filter(status=Status.REJECTED)
    assert rejected.exists()
    assert all(c.referral_to for c in rejected)
    assert set(rejected.values_list("category__code", flat=True)) <= {
        "10901",
        "10902",
        "10903",
    }
    for duplicate in Complaint.objects.filter(status=Status.DUPLICATE):
        original = duplicate.duplicate_of
        assert original.category_id == duplicate.category_id
        assert original.submitted_at < duplicate.submitted_at


def test_a_second_run_adds_nothing(demo):
    before = Complaint.objects.count(), ComplaintEvent.objects.count()

    output = seed()

    assert (Complaint.objects.count(), ComplaintEvent.objects.count()) == before
    assert "left alone" in output


def test_the_demo_cases_carry_their_working_durations(demo):
    from complaints.deadlines import durations

    cases = Complaint.objects.filter(accepted_at__isnull=False)
    assert cases.exists()
    for case in cases:
        events = case.events.order_by("created_at", "id").values_list(
            "action", "created_at"
        )
        expected = durations.from_history(events)
        assert case.accept_working_seconds == expected["accept_working_seconds"]
        assert case.dispose_working_seconds == expected["dispose_working_seconds"]


def test_the_dashboards_rollup_counts_every_demo_case(demo):
    from django.db.models import Sum

    from dashboard.models import DayFigures

    assert "dashboard: the daily KPI counts rebuilt" in demo
    received = DayFigures.objects.aggregate(n=Sum("received"))["n"]
    assert received == Complaint.objects.count()
