"""Hotspot suggestions from street-order complaints: the rule, the leaders'
messages, confirm and dismiss, the daily job run twice, and the admin's scope."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse
from django.utils import translation

from citymgmt.errors import Forbidden, NotAllowed, NotFound
from citymgmt.notifications.models import Notification
from complaints.models import Status
from tests.complaints.clock import at, frozen
from tests.complaints.factories import submit
from tests.vendors.factories import make_hotspot
from vendors import suggestions
from vendors.models import Hotspot, HotspotSuggestion, HotspotWindow

pytestmark = pytest.mark.django_db

# Tuesday 10, Thursday 12 and Tuesday 17 March 2026 are working days.
NOW = at(3, 20, 6, 30)
TUE, THU, TUE2 = (3, 10), (3, 12), (3, 17)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def filed(tree, month_day, hour, minute, *, n, code="09006", community=None):
    """A complaint filed at a local time (each from its own phone)."""
    with frozen(at(*month_day, hour, minute)):
        return submit(
            tree,
            code=code,
            phone=f"1391234{n:04d}",
            **({"community": community} if community is not None else {}),
        )


@pytest.fixture
def three(tree, calendar_2026):
    """15:40, 16:05 and 16:30 on three school days: one hour, one community."""
    return [
        filed(tree, TUE, 15, 40, n=1),
        filed(tree, THU, 16, 5, n=2, code="09001"),
        filed(tree, TUE2, 16, 30, n=3),
    ]


def suggest() -> int:
    with frozen(NOW):
        return suggestions.hotspots_suggest()


def test_the_window_is_the_tightest_span_widened_to_the_quarter_hour():
    window = suggestions.suggestion_window
    assert window([15 * 60 + 40, 16 * 60 + 5, 16 * 60 + 30]) == (
        time(15, 30),
        time(16, 30),
    )
    assert window([16 * 60] * 3) == (time(16, 0), time(16, 15))
    assert window([7 * 60 + 1, 7 * 60 + 59]) == (time(7, 0), time(8, 0))
    assert window([23 * 60 + 50]) == (time(23, 45), time(23, 59))


def test_three_complaints_in_one_hour_suggest_a_hotspot_to_the_units_leaders(
    tree, three, squad_leader, instructor, officer, other_squad_leader
):
    assert suggest() == 1

    suggestion = HotspotSuggestion.objects.get()
    assert suggestion.community == tree.community_a
    assert suggestion.squad == tree.unit_a
    assert (suggestion.start, suggestion.end) == (time(15, 30), time(16, 30))
    assert suggestion.weekday_numbers() == [1, 3]  # Tuesday and Thursday
    assert suggestion.on_working_days
    assert suggestion.status == "suggested"
    assert suggestion.category.code == "09006"  # two of the three
    assert set(suggestion.complaints.all()) == set(three)
    told = Notification.objects.filter(
        template="hotspot_suggested", channel="site"
    ).values_list("user__username", flat=True)
    assert sorted(told) == ["instructor_a", "leader_a"]
    bell = Notification.objects.filter(channel="site").first()
    assert "西苑社区" in bell.subject
    assert "15:30" in bell.subject and "16:30" in bell.subject
    assert "3" in bell.body


def test_running_the_job_again_suggests_nothing_new(three, squad_leader):
    assert suggest() == 1
    messages = Notification.objects.count()

    assert suggest() == 0
    assert HotspotSuggestion.objects.count() == 1
    assert Notification.objects.count() == messages


def test_complaints_more_than_an_hour_apart_suggest_nothing(tree, calendar_2026):
    filed(tree, TUE, 15, 0, n=1)
    filed(tree, THU, 15, 40, n=2)
    filed(tree, TUE2, 16, 10, n=3)

    assert suggest() == 0


def test_old_cases_other_categories_and_rejected_cases_do_not_count(
    tree, calendar_2026
):
    filed(tree, (3, 5), 16, 0, n=1)  # 15 days before
    filed(tree, TUE, 16, 0, n=2, code="09009")  # parking, not street order
    rejected = filed(tree, THU, 16, 0, n=3)
    type(rejected).objects.filter(pk=rejected.pk).update(status=Status.REJECTED)
    filed(tree, TUE2, 16, 0, n=4)
    filed(tree, TUE2, 16, 10, n=5)

    assert suggest() == 0


def test_complaints_in_two_communities_do_not_add_up(tree, calendar_2026):
    filed(tree, TUE, 16, 0, n=1)
    filed(tree, THU, 16, 5, n=2)
    filed(tree, TUE2, 16, 10, n=3, community=tree.community_b)

    assert suggest() == 0


def test_a_watched_hotspot_with_an_overlapping_window_covers_them(
    tree, three, squad_leader
):
    make_hotspot(tree, squad_leader)  # school days 15:30–17:00, watching

    assert suggest() == 0


def test_a_cleared_hotspot_does_not_cover_them(tree, three, squad_leader):
    hotspot = make_hotspot(tree, squad_leader)
    Hotspot.objects.filter(pk=hotspot.pk).update(status="cleared", cleared_at=NOW)

    assert suggest() == 1


def test_confirming_opens_the_hotspot_with_the_window_and_the_complaints(
    tree, three, squad_leader
):
    suggest()
    suggestion = HotspotSuggestion.objects.get()

    hotspot = suggestions.suggestion_confirm(suggestion=suggestion, by=squad_leader)

    assert hotspot.community == tree.community_a
    assert hotspot.squad == tree.unit_a
    assert hotspot.status == "watching"
    assert hotspot.category.code == "09006"
    assert hotspot.place == three[-1].address
    window = HotspotWindow.objects.get(hotspot=hotspot)
    assert (window.start, window.end, window.working_days) == (
        time(15, 30),
        time(16, 30),
        True,
    )
    assert set(hotspot.complaints.all()) == set(three)
    suggestion.refresh_from_db()
    assert suggestion.status == "confirmed"
    assert suggestion.hotspot == hotspot
    assert suggestion.decided_by == squad_leader
    # The hotspot now covers the window: nothing more is suggested.
    assert suggest() == 0


def test_a_weekend_group_is_confirmed_with_its_weekdays(tree, calendar_2026):
    # Saturday 14 February 2026 is a make-up working day; 21 and 22 are off.
    for n, day in enumerate([(2, 14), (2, 21), (2, 22)], start=1):
        filed(tree, day, 20, 10 + n, n=n)
    with frozen(at(2, 23, 6, 30)):
        assert suggestions.hotspots_suggest() == 1
    suggestion = HotspotSuggestion.objects.get()
    assert not suggestion.on_working_days
    window = suggestions.suggested_window(suggestion)
    assert (window.working_days, tuple(window.weekdays)) == (False, (5, 6))


def test_a_dismissed_suggestion_is_not_made_again(three, squad_leader):
    suggest()
    suggestion = HotspotSuggestion.objects.get()

    suggestions.suggestion_dismiss(
        suggestion=suggestion, by=squad_leader, note="学校门口已有值守"
    )

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.note) == ("dismissed", "学校门口已有值守")
    assert suggest() == 0
    assert not Hotspot.objects.exists()


def test_a_decided_suggestion_cannot_be_decided_again(three, squad_leader):
    suggest()
    suggestion = HotspotSuggestion.objects.get()
    suggestions.suggestion_dismiss(suggestion=suggestion, by=squad_leader)

    with pytest.raises(NotAllowed, match="already dismissed"):
        suggestions.suggestion_confirm(suggestion=suggestion, by=squad_leader)
    assert not Hotspot.objects.exists()


def test_only_the_units_leaders_decide(
    three, squad_leader, officer, other_squad_leader
):
    suggest()
    suggestion = HotspotSuggestion.objects.get()

    with pytest.raises(NotFound):
        suggestions.suggestion_confirm(suggestion=suggestion, by=other_squad_leader)
    with pytest.raises(Forbidden):
        suggestions.suggestion_dismiss(suggestion=suggestion, by=officer)
    suggestion.refresh_from_db()
    assert suggestion.status == "suggested"


def test_the_leaders_list_shows_their_suggestions_and_another_unit_gets_404(
    three, client_for, squad_leader, other_squad_leader
):
    suggest()
    suggestion = HotspotSuggestion.objects.get()
    changelist = reverse("admin:vendors_hotspotsuggestion_changelist")
    change = reverse("admin:vendors_hotspotsuggestion_change", args=[suggestion.pk])

    mine = client_for(squad_leader)
    page = mine.get(changelist)
    assert page.status_code == 200
    assert "15:30–16:30" in page.content.decode()
    detail = mine.get(change)
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()  # decided by the actions

    theirs = client_for(other_squad_leader)
    assert "15:30–16:30" not in theirs.get(changelist).content.decode()
    assert theirs.get(change).status_code == 404


def test_a_leader_confirms_in_the_admin(three, client_for, squad_leader):
    suggest()
    suggestion = HotspotSuggestion.objects.get()

    response = client_for(squad_leader).post(
        reverse("admin:vendors_hotspotsuggestion_changelist"),
        {"action": "confirm", "_selected_action": [suggestion.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "已设立 1 个聚集点。" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == "confirmed"
    assert suggestion.hotspot.windows.get().start == time(15, 30)


def test_another_units_leader_cannot_confirm_by_posting_its_id(
    three, client_for, other_squad_leader
):
    suggest()
    suggestion = HotspotSuggestion.objects.get()

    client_for(other_squad_leader).post(
        reverse("admin:vendors_hotspotsuggestion_changelist"),
        {"action": "confirm", "_selected_action": [suggestion.pk]},
    )

    suggestion.refresh_from_db()
    assert suggestion.status == "suggested"
    assert not Hotspot.objects.exists()
