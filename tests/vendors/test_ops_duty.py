"""Duty posts laid out on working days, clearing after clean check-ins, and the
leaders' digest of posts nobody checked in at."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.utils import translation

from citymgmt.notifications.models import Notification
from tests.complaints.clock import at, frozen
from tests.vendors.factories import make_hotspot
from vendors import duty, services
from vendors.models import DutyPost

pytestmark = pytest.mark.django_db

# 2026: Saturday 14 February is a make-up working day; Monday 16 February is
# in the Spring Festival holiday; Tuesday 10 March an ordinary working day.
MAKE_UP_SATURDAY = date(2026, 2, 14)
HOLIDAY_MONDAY = date(2026, 2, 16)
TUESDAY = date(2026, 3, 10)
WEDNESDAY = date(2026, 3, 11)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def hotspot(tree, squad_leader, calendar_2026):
    """西苑小学门口, school days 15:30–17:00, active."""
    return services.hotspot_activate(
        hotspot=make_hotspot(tree, squad_leader), by=squad_leader
    )


def posts_on(day):
    return list(DutyPost.objects.filter(date=day).values_list("start", "end"))


def test_an_active_hotspot_gets_its_post_on_a_working_day_in_its_window(hotspot):
    assert duty.duty_posts_create(day=TUESDAY) == 1

    post = DutyPost.objects.get()
    assert (post.date, post.start, post.end) == (TUESDAY, time(15, 30), time(17, 0))
    assert post.squad_id == hotspot.squad_id
    assert post.window == hotspot.windows.get()


def test_posts_follow_the_calendar_holidays_and_make_up_days(hotspot):
    assert duty.duty_posts_create(day=MAKE_UP_SATURDAY) == 1
    assert duty.duty_posts_create(day=HOLIDAY_MONDAY) == 0
    assert duty.duty_posts_create(day=date(2026, 3, 14)) == 0  # a Saturday off

    assert posts_on(MAKE_UP_SATURDAY) == [(time(15, 30), time(17, 0))]
    assert posts_on(HOLIDAY_MONDAY) == []


def test_laying_out_the_day_twice_adds_nothing(hotspot):
    assert duty.duty_posts_create(day=TUESDAY) == 1
    assert duty.duty_posts_create(day=TUESDAY) == 0
    assert DutyPost.objects.count() == 1


def test_a_watched_or_cleared_hotspot_gets_no_post(tree, squad_leader, calendar_2026):
    make_hotspot(tree, squad_leader)  # watching

    assert duty.duty_posts_create(day=TUESDAY) == 0


def test_a_weekday_window_gets_posts_on_its_weekdays_only(
    tree, squad_leader, calendar_2026
):
    evening = services.Window(start=time(18, 0), end=time(20, 0), weekdays=[2])
    hotspot = make_hotspot(tree, squad_leader, windows=[evening])
    services.hotspot_activate(hotspot=hotspot, by=squad_leader)

    assert duty.duty_posts_create(day=TUESDAY) == 0
    assert duty.duty_posts_create(day=WEDNESDAY) == 1
    assert posts_on(WEDNESDAY) == [(time(18, 0), time(20, 0))]


def test_two_windows_give_two_posts(tree, squad_leader, calendar_2026):
    hotspot = make_hotspot(
        tree,
        squad_leader,
        windows=[
            services.Window(start=time(7, 0), end=time(8, 0), working_days=True),
            services.Window(start=time(15, 30), end=time(17, 0), working_days=True),
        ],
    )
    services.hotspot_activate(hotspot=hotspot, by=squad_leader)

    assert duty.duty_posts_create(day=TUESDAY) == 2


def test_the_hotspot_clears_after_enough_clean_checkins_at_the_laid_out_posts(
    hotspot, officer, squad_leader, settings
):
    settings.HOTSPOT_CLEAN_CHECKINS = 2
    for day, present in [(date(2026, 3, 9), 3), (TUESDAY, 0), (WEDNESDAY, 0)]:
        duty.duty_posts_create(day=day)
        services.checkin_record(
            post=DutyPost.objects.get(date=day),
            by=officer,
            vendors_present=present,
            at=at(day.month, day.day, 16, 0),
        )

    cleared = services.hotspot_clear(hotspot=hotspot, by=squad_leader)

    assert cleared.status == "cleared"
    assert duty.duty_posts_create(day=date(2026, 3, 12)) == 0


@pytest.fixture
def unchecked(hotspot, officer, tree, other_squad_leader):
    """Posts on Tuesday (one checked in) and Wednesday; another unit's too."""
    duty.duty_posts_create(day=date(2026, 3, 9))  # Monday, checked in
    services.checkin_record(
        post=DutyPost.objects.get(date=date(2026, 3, 9)),
        by=officer,
        vendors_present=1,
        at=at(3, 9, 16, 0),
    )
    duty.duty_posts_create(day=TUESDAY)
    duty.duty_posts_create(day=WEDNESDAY)
    theirs = make_hotspot(tree, other_squad_leader, community=tree.community_b)
    services.hotspot_activate(hotspot=theirs, by=other_squad_leader)
    duty.duty_posts_create(day=WEDNESDAY)
    return theirs


def digest_of(user):
    return Notification.objects.get(template="duty_digest", channel="site", user=user)


def test_the_digest_lists_yesterdays_and_todays_posts_without_a_checkin(
    unchecked, squad_leader, instructor, other_squad_leader, officer, settings
):
    settings.LANGUAGE_CODE = "en"
    with frozen(at(3, 11, 8, 5)):
        written = duty.duty_digest()

    assert written == 3  # two leaders of unit A, one of unit B
    mine = digest_of(squad_leader)
    assert mine.subject == "Duty posts without a check-in: 2"
    assert "2026-03-10 15:30–17:00 西苑小学门口" in mine.body
    assert "2026-03-11 15:30–17:00 西苑小学门口" in mine.body
    assert "2026-03-09" not in mine.body  # checked in, and before yesterday
    assert digest_of(other_squad_leader).subject.endswith(": 1")
    assert not Notification.objects.filter(template="duty_digest", user=officer)


def test_the_digest_after_a_weekend_looks_back_to_friday(
    hotspot, squad_leader, instructor
):
    duty.duty_posts_create(day=date(2026, 3, 6))  # Friday
    duty.duty_posts_create(day=date(2026, 3, 9))  # Monday

    with frozen(at(3, 9, 8, 5)):
        duty.duty_digest()

    body = digest_of(squad_leader).body
    assert "2026-03-06" in body and "2026-03-09" in body


def test_the_digest_is_sent_once_a_day_and_not_on_days_off(
    unchecked, squad_leader, instructor
):
    with frozen(at(3, 11, 8, 5)):
        assert duty.duty_digest() == 3
        assert duty.duty_digest() == 0
    with frozen(at(3, 14, 8, 5)):  # Saturday
        assert duty.duty_digest() == 0
    assert Notification.objects.filter(template="duty_digest").count() == 3


def test_the_digest_is_rendered_in_chinese(unchecked, squad_leader, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with frozen(at(3, 11, 8, 5)):
        duty.duty_digest()

    assert digest_of(squad_leader).subject == "值守未签到：2 处"
