"""tallies_record_many: the same rules and messages as tally_record, in bulk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Tally, TallyValue
from campaigns.services import (
    TallyEntry,
    campaign_close,
    tallies_record_many,
    tally_record,
)
from citymgmt.errors import Conflict, DomainError, Forbidden, InvalidInput, NotAllowed
from tests.campaigns.import_factories import day, running_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(tree, supervisor):
    return running_campaign(tree, supervisor)


def segment(campaign, name):
    return campaign.road_segments.get(name=name)


def state(campaign) -> dict:
    """{(unit id, date, segment id): ({metric code: value}, notes)}."""
    found = {
        (t.squad_id, t.date, t.road_segment_id): ({}, t.notes)
        for t in Tally.objects.filter(campaign=campaign)
    }
    for value in TallyValue.objects.filter(tally__campaign=campaign).select_related(
        "tally", "metric"
    ):
        t = value.tally
        found[(t.squad_id, t.date, t.road_segment_id)][0][value.metric.code] = (
            value.value
        )
    return found


def one_by_one_refusal(by, campaign, entry: TallyEntry) -> str:
    try:
        tally_record(
            by=by,
            campaign=campaign,
            squad=entry.squad,
            date=entry.date,
            values=entry.values,
            road_segment=entry.road_segment,
            notes=entry.notes,
        )
    except DomainError as refused:
        return refused.message
    raise AssertionError("tally_record recorded it")


def bad_entries(tree, campaign):
    """Entries tally_record refuses, one reason each."""
    road_a = segment(campaign, "范公亭西路")
    road_b = segment(campaign, "云门山路")
    return [
        TallyEntry(tree.unit_a, dt.date(2020, 6, 1), {"ad_boards_removed": 1}),
        TallyEntry(tree.unit_a, dt.date(2026, 12, 31), {"ad_boards_removed": 1}),
        TallyEntry(tree.team_a1, day(1), {"ad_boards_removed": 1}),
        TallyEntry(tree.unit_a, day(2), {"ad_boards_removed": 1}, road_b),
        TallyEntry(tree.unit_a, day(3), {"ad_boards_removed": -1}, road_a),
        TallyEntry(tree.unit_a, day(4), {"posters_cleaned": "2.5"}, road_a),
        TallyEntry(tree.unit_a, day(5), {"lines_painted": "abc"}, road_a),
        TallyEntry(tree.unit_a, day(6), {"lines_painted": "1.005"}, road_a),
        TallyEntry(tree.unit_a, day(7), {"lines_painted": "1e12"}, road_a),
        TallyEntry(tree.unit_a, day(8), {"vehicles_penalised": 1}, road_a),
    ]


def test_it_refuses_what_tally_record_refuses_with_the_same_words(
    tree, campaign, supervisor
):
    entries = bad_entries(tree, campaign)
    one_by_one = [one_by_one_refusal(supervisor, campaign, e) for e in entries]

    batch = tallies_record_many(
        by=supervisor, campaign=campaign, entries=entries, dry_run=True
    )

    assert [[e.message for e in r.errors] for r in batch.results] == [
        [message] for message in one_by_one
    ]
    assert [r.outcome for r in batch.results] == ["error"] * len(entries)
    assert Tally.objects.count() == 0


def test_an_entry_outside_the_users_scope_is_no_such_unit(tree, campaign, squad_leader):
    entry = TallyEntry(tree.unit_b, day(1), {"ad_boards_removed": 1})

    batch = tallies_record_many(
        by=squad_leader, campaign=campaign, entries=[entry], dry_run=True
    )

    assert one_by_one_refusal(squad_leader, campaign, entry) == "没有该单位。"
    assert [e.message for e in batch.results[0].errors] == ["没有该单位。"]


def test_a_closed_campaign_refuses_the_whole_batch_as_tally_record_does(
    tree, campaign, supervisor
):
    campaign_close(campaign=campaign, by=supervisor)
    entry = TallyEntry(tree.unit_a, day(1), {"ad_boards_removed": 1})

    with pytest.raises(NotAllowed) as refused:
        tallies_record_many(by=supervisor, campaign=campaign, entries=[entry])

    assert refused.value.message == one_by_one_refusal(supervisor, campaign, entry)


def test_a_role_that_records_no_tallies_is_refused(tree, campaign, dispatcher):
    with pytest.raises(Forbidden):
        tallies_record_many(by=dispatcher, campaign=campaign, entries=[])


def test_it_ends_in_the_same_tallies_as_one_by_one(tree, supervisor):
    first = running_campaign(tree, supervisor, name="一个一个")
    second = running_campaign(tree, supervisor, segments=False, name="一次全部")
    steps = [
        TallyEntry(
            tree.unit_a, day(1), {"ad_boards_removed": 2, "lines_painted": "1.5"}
        ),
        TallyEntry(tree.unit_b, day(1), {"posters_cleaned": 30}, notes="夜查"),
        # The same day again: replaces the figures, keeps the notes (None).
        TallyEntry(tree.unit_b, day(1), {"posters_cleaned": 31, "lines_painted": ""}),
        TallyEntry(tree.unit_a, day(1), {"ad_boards_removed": 3}),
    ]
    for entry in steps:
        tally_record(
            by=supervisor,
            campaign=first,
            squad=entry.squad,
            date=entry.date,
            values=entry.values,
            notes=entry.notes,
        )
        tallies_record_many(by=supervisor, campaign=second, entries=[entry])

    assert state(first) == state(second)
    assert state(second)[(tree.unit_b.pk, day(1), None)] == (
        {"posters_cleaned": Decimal(31)},
        "夜查",
    )


def test_outcomes_say_new_update_and_unchanged(tree, campaign, supervisor):
    road = segment(campaign, "范公亭西路")
    tally_record(
        by=supervisor,
        campaign=campaign,
        squad=tree.unit_a,
        date=day(1),
        road_segment=road,
        values={"ad_boards_removed": 1},
        notes="早班",
    )
    tally_record(
        by=supervisor,
        campaign=campaign,
        squad=tree.unit_a,
        date=day(2),
        road_segment=road,
        values={"ad_boards_removed": 1},
    )
    entries = [
        TallyEntry(tree.unit_a, day(1), {"ad_boards_removed": "1.00"}, road),
        TallyEntry(tree.unit_a, day(1), {"ad_boards_removed": 1}),  # no segment
        TallyEntry(tree.unit_a, day(2), {"ad_boards_removed": 1}, road, notes="改"),
        TallyEntry(tree.unit_a, day(1), {"ad_boards_removed": 1}, road, notes="早班"),
    ]

    batch = tallies_record_many(
        by=supervisor, campaign=campaign, entries=entries[:3], dry_run=True
    )
    again = tallies_record_many(
        by=supervisor, campaign=campaign, entries=entries[3:], dry_run=True
    )

    assert [r.outcome for r in batch.results] == ["unchanged", "new", "update"]
    assert batch.results[0].before == batch.results[0].figures
    assert [r.outcome for r in again.results] == ["unchanged"]


def test_rows_twice_are_both_refused(tree, campaign, supervisor):
    entry = TallyEntry(tree.unit_b, day(1), {"ad_boards_removed": 1})
    other = TallyEntry(tree.unit_a, day(1), {"ad_boards_removed": 1})

    batch = tallies_record_many(
        by=supervisor, campaign=campaign, entries=[entry, other, entry], dry_run=True
    )

    assert [r.outcome for r in batch.results] == ["error", "new", "error"]
    assert batch.results[0].duplicates == [2]
    assert batch.results[2].duplicates == [0]


def test_nothing_is_written_when_one_entry_is_refused(tree, campaign, supervisor):
    good = TallyEntry(tree.unit_a, day(1), {"ad_boards_removed": 1})
    bad = TallyEntry(tree.unit_a, day(2), {"ad_boards_removed": -1})

    with pytest.raises(InvalidInput) as refused:
        tallies_record_many(by=supervisor, campaign=campaign, entries=[good, bad])

    assert refused.value.message == "有 1 行无法填报，所有数据均未写入。"
    assert refused.value.extra["batch"].results[0].outcome == "new"
    assert Tally.objects.count() == 0


def test_a_confirmation_of_an_older_dry_run_is_refused(tree, campaign, supervisor):
    entry = TallyEntry(tree.unit_a, day(1), {"ad_boards_removed": 1})
    seen = tallies_record_many(
        by=supervisor, campaign=campaign, entries=[entry], dry_run=True
    )
    tally_record(
        by=supervisor,
        campaign=campaign,
        squad=tree.unit_a,
        date=day(1),
        values={"ad_boards_removed": 5},
    )

    with pytest.raises(Conflict) as refused:
        tallies_record_many(
            by=supervisor,
            campaign=campaign,
            entries=[entry],
            expected=seen.fingerprint,
        )

    assert refused.value.extra["batch"].results[0].outcome == "update"
    assert state(campaign)[(tree.unit_a.pk, day(1), None)][0] == {
        "ad_boards_removed": Decimal(5)
    }
    done = tallies_record_many(
        by=supervisor,
        campaign=campaign,
        entries=[entry],
        expected=refused.value.extra["batch"].fingerprint,
    )
    assert done.counts()["update"] == 1


def test_the_writes_are_a_fixed_number_of_statements(tree, supervisor):
    campaign = running_campaign(tree, supervisor, segments=False)
    values = {"ad_boards_removed": 1, "posters_cleaned": 2, "lines_painted": "0.5"}
    counts = []
    for days in (range(1, 3), range(3, 31)):
        entries = [
            TallyEntry(unit, day(n), values)
            for n in days
            for unit in (tree.unit_a, tree.unit_b)
        ]
        with CaptureQueriesContext(connection) as queries:
            batch = tallies_record_many(
                by=supervisor, campaign=campaign, entries=entries
            )
        assert batch.counts()["new"] == len(entries)
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1]
    assert TallyValue.objects.filter(tally__campaign=campaign).count() == 60 * 3
