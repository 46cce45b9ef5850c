"""The vendors demo that `seed_demo` adds: the 西苑小学 story, run twice."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from vendors import stats
from vendors.models import (
    CheckIn,
    DutyPost,
    FollowUp,
    Hotspot,
    HotspotWindow,
    Market,
    Relocation,
    RelocationEvent,
    Stall,
    Vendor,
)

TABLES = [
    Hotspot,
    HotspotWindow,
    Hotspot.complaints.through,
    Market,
    Stall,
    Vendor,
    Relocation,
    RelocationEvent,
    FollowUp,
    DutyPost,
    CheckIn,
]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in TABLES
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed twice for the module, inside a transaction rolled back at the end."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        with transaction.atomic():
            first = seed()
            before = snapshot()
            second = seed()
            yield first, second, before, snapshot()
            transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def test_the_story_runs_from_the_complaints_to_the_hotspot(demo):
    hotspot = Hotspot.objects.get(name="西苑小学南门")

    assert hotspot.community.name == "西苑社区"
    assert hotspot.squad.code == "JD-1"
    assert hotspot.status == "active"
    window = hotspot.windows.get()
    assert (f"{window.start:%H:%M}", f"{window.end:%H:%M}") == ("15:30", "17:00")
    assert window.working_days
    linked = hotspot.complaints.all()
    assert linked.filter(description__contains="西苑小学南门").exists()
    assert all(c.community_id == hotspot.community_id for c in linked)
    assert {c.category.code for c in linked} <= {"09001", "09005", "09006"}


def test_ten_vendors_on_free_stalls_eight_stayed_one_returned_one_declined(demo):
    market = Market.objects.get(name="西苑便民市场")
    assert market.stalls.count() == 40
    relocations = Relocation.objects.filter(market=market)
    assert Counter(relocations.values_list("status", flat=True)) == {
        "stable": 8,
        "returned": 1,
        "declined": 1,
    }
    for relocation in relocations.select_related("vendor", "stall"):
        assert relocation.vendor.fee_waiver_grounds
        assert relocation.stall.fee_waived
        assert relocation.stall.fee_waiver_reason
        assert relocation.origin_hotspot.name == "西苑小学南门"
    assert market.stalls.filter(status="occupied").count() == 8
    returned = relocations.get(status="returned")
    assert returned.stall.status == "vacant"
    assert not returned.followups.order_by("visited_on").last().present
    # Each move is an event, on the day it happened, in order.
    now = timezone.now()
    for relocation in relocations:
        times = list(relocation.events.order_by("id").values_list("at", flat=True))
        assert times == sorted(times)
        assert times[-1] <= now
    stable = relocations.filter(status="stable").first()
    assert list(stable.events.order_by("id").values_list("action", flat=True)) == [
        "offer",
        "accept",
        "move_in",
        "follow_up",
        "follow_up",
        "follow_up",
        "follow_up",
        "mark_stable",
    ]


def test_a_cluster_on_shengshui_road_and_duty_posts_with_checkins(demo):
    cluster = Market.objects.get(kind="cluster")
    assert "圣水路" in cluster.address
    assert cluster.stalls.count() == 12
    posts = DutyPost.objects.filter(hotspot__name="西苑小学南门")
    assert posts.filter(checkins__isnull=False).distinct().count() == 3
    assert CheckIn.objects.filter(post__in=posts).count() >= 3


def test_the_statistics_read_the_demo(demo, django_user_model):
    leader = django_user_model.objects.get(username="leader")
    thirty = stats.retention(user=leader, days=30)
    assert (thirty.part, thirty.total) == (8, 9)
    returned = stats.returned_to_street_rate(user=leader)
    assert (returned.part, returned.total) == (1, 9)


def test_running_it_twice_changes_nothing(demo):
    first, second, before, after = demo

    assert "vendors: hotspot 西苑小学南门" in first
    assert "vendors: already present, left alone" in second
    assert after == before
