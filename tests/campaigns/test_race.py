"""Two people recording the same unit's day at once, on PostgreSQL.

Each thread has its own connection and a barrier releases them together; the
campaign's row lock (and behind it the natural key's unique constraint)
makes the second write replace the first: one tally, never two.
"""

from __future__ import annotations

import pytest

from campaigns.models import Tally, TallyValue
from tests.campaigns.factories import days_ago, figures, make_campaign, record
from tests.complaints.test_race import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_people_recording_one_day_at_once_make_one_tally(
    require_postgres, tree, supervisor, squad_leader, officer
):
    campaign = make_campaign(tree, supervisor)
    day = days_ago(1)
    people = [squad_leader, officer]

    def write(i: int) -> Tally:
        return record(
            people[i],
            campaign,
            tree.unit_a,
            day,
            posters_cleaned=100 + i,
            ad_boards_removed=i + 1,
        )

    outcomes = run_together(2, write)

    assert all(isinstance(o, Tally) for o in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    tally = Tally.objects.get()
    assert TallyValue.objects.count() == 2
    # The last writer's figures, whole: never one figure of each.
    assert figures(tally) in (
        {"ad_boards_removed": "1.00", "posters_cleaned": "100.00"},
        {"ad_boards_removed": "2.00", "posters_cleaned": "101.00"},
    )


def test_many_days_and_segments_at_once_each_make_one_tally(
    require_postgres, tree, supervisor, squad_leader, officer
):
    campaign = make_campaign(tree, supervisor)
    people = [squad_leader, officer, squad_leader, officer]

    def write(i: int) -> Tally:
        return record(
            people[i], campaign, tree.unit_a, days_ago(1 + i % 2), lines_painted=i
        )

    outcomes = run_together(4, write)

    assert all(isinstance(o, Tally) for o in outcomes), outcomes
    assert Tally.objects.count() == 2
