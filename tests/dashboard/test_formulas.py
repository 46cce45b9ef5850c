"""Every indicator of February 2026 against numbers worked out by hand.

The cases are those of tests/dashboard/conftest.py; each expected number
below shows which cases it counts and the arithmetic. The same figures come
out of the cases themselves and out of the rebuilt daily rollup.
"""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import kpis, rollup
from dashboard.periods import Period

FEBRUARY = Period("custom", date(2026, 2, 1), date(2026, 2, 28))
HOUR = 3600

# Working seconds to accept (submission → acceptance), per case:
#   C1 Fri 02-13 10:00 → 11:00                          = 1 h    = 3,600
#   C2 Mon 02-02 09:00 → 09:30                          = 0.5 h  = 1,800
#   C3 Tue 02-03 10:00 → 14:00: 10:00-12:00 + 13:30-14:00 = 2.5 h = 9,000
#   C4 Mon 02-16 10:00 (a day off) → Tue 02-24 09:00:
#      02-16 … 02-23 are off; 08:30-09:00 on 02-24      = 0.5 h  = 1,800
#   C6 Mon 02-09 08:00 → 09:00, the office opens at 08:30 = 0.5 h = 1,800
#   C8 10:00 → 10:15                                    = 0.25 h =   900
#   C9 09:00 → 09:30                                    = 0.5 h  = 1,800
ACCEPT = [3600, 1800, 9000, 1800, 1800, 900, 1800]
# Working seconds with the unit before each disposal, per disposed case:
#   C1 dispatched Fri 02-13 11:30, disposed Tue 02-24 10:00:
#      Fri 11:30-12:00 + 13:30-17:30 = 4.5 h; Sat 02-14 (调休, a working day)
#      7.5 h; 02-15 … 02-23 off; Tue 08:30-10:00 1.5 h  = 13.5 h  = 48,600
#   C2 dispatched Mon 02-02 10:00, disposed Tue 02-10 16:00:
#      Mon 2 + 4 = 6 h; Tue-Fri 4 × 7.5 = 30 h; Mon 02-09 7.5 h;
#      Tue 3.5 + 2.5 = 6 h                              = 49.5 h  = 178,200
#   C3 three rounds: dispatch 02-03 14:30 → 02-04 09:30 = 3 + 1 = 4 h;
#      rework 02-04 11:00 → 02-05 10:00 = 1 + 4 + 1.5 = 6.5 h;
#      reopened 02-05 15:00 → 02-06 09:00 = 2.5 + 0.5 = 3 h   = 13.5 h = 48,600
#   C8 dispatched 10:20, disposed 11:20                 = 1 h     = 3,600
#   C9 dispatched 10:00, disposed 11:00                 = 1 h     = 3,600
DISPOSE = [48600, 178200, 48600, 3600, 3600]

EXPECTED = {
    # C1-C9 were submitted in February (C0 in January, C10 in March).
    "received": 9,
    # Accepted: C1 C2 C3 C4 C6 C8 C9 (C5 rejected, C7 merged before acceptance).
    "registered": 7,
    # Registered, less the cancelled C6.
    "to_close": 6,
    # Closed now: C1 C2 C3 C8.
    "closed": 4,
    # Closed, disposed of by the due moment and verified by its due moment:
    # C1 (due Fri 02-27 11:30), C3 (the reopened round's clock), C8; not C2.
    "closed_on_time": 3,
    # Dispatched and not cancelled: C1 C2 C3 C4 C8 C9 (C6 was cancelled).
    "to_dispose": 6,
    # Disposed of or closed: C1 C2 C3 C8 C9 (C4 is still being handled).
    "disposed": 5,
    # C2 was due Mon 02-09 10:00 (37.5 working hours from Mon 02-02 10:00)
    # and disposed of Tue 02-10 16:00; the other four by their due moments.
    "disposed_on_time": 4,
    "disposed_late": 1,
    "extended": 1,  # C4
    "reworked": 1,  # C3
    # C1 satisfied, C2 basically satisfied, C3 dissatisfied (reopened) and then
    # satisfied: four ratings, three of them satisfied or basically satisfied.
    "rated": 4,
    "satisfied": 3,
    "disposal_rate": round(5 / 6, 4),  # 0.8333
    "on_time_disposal_rate": round(4 / 6, 4),  # 0.6667
    "late_disposal_rate": round(1 / 6, 4),  # 0.1667
    "closure_rate": round(4 / 6, 4),  # 0.6667
    "on_time_closure_rate": round(3 / 6, 4),  # 0.5
    "rework_rate": round(1 / 6, 4),  # reworked / to_close
    "extension_rate": round(1 / 6, 4),  # extended / to_dispose
    "satisfaction_rate": round(3 / 4, 4),  # 0.75
    # 20,700 s / 7 = 2,957.14 s = 0.82 h; the middle of seven values: 1,800 s.
    "accept_hours_avg": round(sum(ACCEPT) / 7 / HOUR, 2),
    "accept_hours_median": 0.5,
    # 282,600 s / 5 = 56,520 s = 15.7 h; the middle of five: 48,600 s = 13.5 h.
    "dispose_hours_avg": round(sum(DISPOSE) / 5 / HOUR, 2),
    "dispose_hours_median": 13.5,
    # Of the five disposed of: service C1 C2, management C3 C8, enforcement C9.
    "method_service": 2,
    "method_management": 2,
    "method_enforcement": 1,
    "method_service_share": 0.4,
    "method_management_share": 0.4,
    "method_enforcement_share": 0.2,
    # Of the nine received: 12345 C4, patrol C8, the web the other seven.
    "channel_web_share": round(7 / 9, 4),
    "channel_hotline_12345_share": round(1 / 9, 4),
    "channel_patrol_share": round(1 / 9, 4),
    "channel_phone_share": 0.0,
}


def test_the_arithmetic_of_the_comments():
    assert sum(ACCEPT) == 20700 and round(20700 / 7 / 3600, 2) == 0.82
    assert sum(DISPOSE) == 282600 and 282600 / 5 / 3600 == 15.7


def test_the_services_stored_the_working_durations(february):
    accept = {
        name: february[name].accept_working_seconds
        for name in ("C1", "C2", "C3", "C4", "C6", "C8", "C9")
    }
    assert list(accept.values()) == ACCEPT
    dispose = {
        name: february[name].dispose_working_seconds
        for name in ("C1", "C2", "C3", "C8", "C9")
    }
    assert list(dispose.values()) == DISPOSE


@pytest.mark.parametrize("source", ["cases", "rollup"])
def test_every_indicator_of_the_month(february, supervisor, source):
    if source == "rollup":
        rollup.rollup_rebuild()
    figures = kpis.totals(scope=kpis.scope_for(user=supervisor), period=FEBRUARY)

    assert (figures.as_of is not None) == (source == "rollup")
    assert {key: figures.values[key] for key in EXPECTED} == EXPECTED


def test_the_rework_rate_over_the_cases_registered(february, supervisor, settings):
    settings.KPI_REWORK_DENOMINATOR = "registered"
    figures = kpis.totals(scope=kpis.scope_for(user=supervisor), period=FEBRUARY)

    # 1 reworked (C3) out of 7 registered, not out of the 6 to close.
    assert figures.values["rework_rate"] == round(1 / 7, 4)


def test_the_previous_period_is_the_same_number_of_days_before(february, supervisor):
    current, previous = kpis.totals_compared(
        scope=kpis.scope_for(user=supervisor), period=FEBRUARY
    )

    # 28 days back: 2026-01-04 … 2026-01-31 holds C0 alone (accepted, 1,800 s).
    assert FEBRUARY.previous() == Period("custom", date(2026, 1, 4), date(2026, 1, 31))
    assert current.values["received"] == 9
    assert previous.values["received"] == 1
    assert previous.values["registered"] == 1
    assert previous.values["to_dispose"] == 0
    assert previous.values["on_time_disposal_rate"] is None  # nothing to divide
    assert previous.values["accept_hours_median"] == 0.5


@pytest.mark.parametrize("source", ["cases", "rollup"])
def test_per_unit(february, supervisor, tree, source):
    if source == "rollup":
        rollup.rollup_rebuild()
    rows, _source = kpis.grouped(
        scope=kpis.scope_for(user=supervisor), period=FEBRUARY, by="unit"
    )
    by_code = {row.key["code"]: row.values for row in rows}

    assert [row.key["name"] for row in rows] == ["城区一中队", "城区二中队"]
    a, b = by_code["ZD1"], by_code["ZD2"]
    # ZD1: C1 C2 C4 C6 C7 C8. To dispose of: C1 C2 C4 C8; on time C1 C8.
    assert (a["received"], a["to_dispose"], a["disposed"]) == (6, 4, 3)
    assert a["on_time_disposal_rate"] == 0.5  # 2 / 4
    assert a["dispose_hours_median"] == 13.5  # C1 48,600 C2 178,200 C8 3,600
    # ZD2: C3 C5 C9. To dispose of: C3 C9, both on time.
    assert (b["received"], b["to_dispose"], b["disposed"]) == (3, 2, 2)
    assert b["on_time_disposal_rate"] == 1.0
    assert b["dispose_hours_median"] == 7.25  # (48,600 + 3,600) / 2 = 26,100 s


def test_per_street_category_channel_and_community(february, supervisor, tree):
    scope = kpis.scope_for(user=supervisor)

    def received(by):
        rows, _ = kpis.grouped(scope=scope, period=FEBRUARY, by=by)
        return {row.key["name"]: row.values["received"] for row in rows}

    # The streets of the communities: 西苑社区 in 王府街道, 圣水社区 in 益都街道.
    assert received("street") == {"王府街道": 6, "益都街道": 3}
    assert received("community") == {"西苑社区": 6, "圣水社区": 3}
    # 08001 C1-C4, 07002 C5-C7, 09003 C8 C9.
    assert received("category") == {"施工扰民": 4, "街头散发广告": 3, "流浪乞讨": 2}
    assert received("channel") == {"网站": 7, "12345 热线": 1, "巡查发现": 1}


@pytest.mark.parametrize("source", ["cases", "rollup"])
def test_per_month(february, supervisor, source):
    if source == "rollup":
        rollup.rollup_rebuild()
    quarter = Period("custom", date(2026, 1, 1), date(2026, 3, 31))
    rows, _ = kpis.grouped(
        scope=kpis.scope_for(user=supervisor), period=quarter, by="month"
    )

    # C0 in January, C1-C9 in February, C10 in March.
    assert [(row.key["code"], row.values["received"]) for row in rows] == [
        ("2026-01", 1),
        ("2026-02", 9),
        ("2026-03", 1),
    ]
    assert rows[1].values["on_time_disposal_rate"] == round(4 / 6, 4)


@pytest.mark.parametrize("source", ["cases", "rollup"])
def test_a_leader_counts_their_units_dispatched_cases_only(
    february, squad_leader, other_squad_leader, source
):
    if source == "rollup":
        rollup.rollup_rebuild()
    mine = kpis.totals(scope=kpis.scope_for(user=squad_leader), period=FEBRUARY)
    theirs = kpis.totals(scope=kpis.scope_for(user=other_squad_leader), period=FEBRUARY)

    # ZD1's dispatched cases: C1 C2 C4 C6 C8 (C7 was merged before dispatch).
    assert mine.values["received"] == 5
    assert mine.values["to_dispose"] == 4
    assert mine.values["on_time_disposal_rate"] == 0.5
    # ZD2's: C3 C9 (C5 was rejected).
    assert theirs.values["received"] == 2
    assert theirs.values["on_time_disposal_rate"] == 1.0


def test_the_daily_counts(february, supervisor):
    counted, _source = kpis.daily(
        scope=kpis.scope_for(user=supervisor), period=FEBRUARY
    )

    assert counted["received"] == {
        date(2026, 2, day): 1 for day in (2, 3, 6, 9, 10, 13, 16, 25, 26)
    }
    # By the day each case was (last) closed: C3 02-06, C2 02-11, C1 02-24, C8 02-26.
    assert counted["closed"] == {date(2026, 2, day): 1 for day in (6, 11, 24, 26)}


def test_the_heat_table(february, supervisor):
    cells = kpis.heat(scope=kpis.scope_for(user=supervisor), period=FEBRUARY)

    assert [(c["key"]["name"], c["week"].isoformat(), c["count"]) for c in cells] == [
        ("西苑社区", "2026-02-02", 1),  # C2
        ("西苑社区", "2026-02-09", 3),  # C6 C7 C1
        ("西苑社区", "2026-02-16", 1),  # C4
        ("西苑社区", "2026-02-23", 1),  # C8
        ("圣水社区", "2026-02-02", 2),  # C3 C5
        ("圣水社区", "2026-02-23", 1),  # C9
    ]
