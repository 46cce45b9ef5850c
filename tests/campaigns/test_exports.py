"""The tallies list's export: a row per tally, a numeric column per metric."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import openpyxl
import pytest
from django.utils import timezone

from campaigns import services
from campaigns.models import CampaignKind

EXPORT = "/admin/campaigns/tally/export/"


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = str(tmp_path / "exports")


@pytest.fixture
def tallies(tree, supervisor, squad_leader, other_squad_leader):
    """Unit A's two days and unit B's one day of a running campaign."""
    today = timezone.localdate()
    campaign = services.campaign_save(
        by=supervisor,
        name="违停整治",
        kind=CampaignKind.PARKING,
        starts_on=today - timedelta(days=7),
        ends_on=today + timedelta(days=7),
        lead_squad=tree.unit_a,
        squads=[tree.unit_a, tree.unit_b],
        targets={
            "parking_notices": 3000,
            "vehicles_penalised": 200,
            "lines_painted": None,
        },
    )
    services.campaign_start(campaign=campaign, by=supervisor)
    for days, notices, vehicles in ((2, 120, 8), (1, 95, 0)):
        services.tally_record(
            by=squad_leader,
            campaign=campaign,
            squad=tree.unit_a,
            date=today - timedelta(days=days),
            values={"parking_notices": notices, "vehicles_penalised": vehicles},
            notes="东关路、北关路巡查",
        )
    services.tally_record(
        by=other_squad_leader,
        campaign=campaign,
        squad=tree.unit_b,
        date=today - timedelta(days=1),
        values={"parking_notices": 40, "lines_painted": "12.5"},
    )
    return campaign


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200, response
    body = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return list(sheet.iter_rows(values_only=True))


def test_a_supervisor_gets_every_tally_with_a_number_per_metric(
    tallies, client_for, supervisor
):
    rows = rows_of(client_for(supervisor).post(EXPORT, {"format": "xlsx"}))

    assert rows[0] == (
        "专项整治",
        "单位",
        "日期",
        "包靠路段",
        "张贴违停告知单（张）",
        "处罚违停车辆（台）",
        "施划标线（米）",
        "备注",
        "更新时间",
    )
    figures = sorted((row[1], row[2], row[4], row[5], row[6]) for row in rows[1:])
    today = timezone.localdate()

    def day(n: int) -> datetime:
        return datetime.combine(today - timedelta(days=n), time())

    assert figures == [
        ("城区一中队", day(2), 120, 8, None),
        ("城区一中队", day(1), 95, 0, None),
        ("城区二中队", day(1), 40, None, 12.5),
    ]


def test_a_leader_exports_only_the_units_tallies(tallies, client_for, squad_leader):
    rows = rows_of(client_for(squad_leader).post(EXPORT, {"format": "xlsx"}))

    assert {row[1] for row in rows[1:]} == {"城区一中队"}
    assert len(rows) == 3


def test_csv_carries_the_same_columns(tallies, client_for, squad_leader):
    response = client_for(squad_leader).post(EXPORT, {"format": "csv"})

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == (
        "专项整治,单位,日期,包靠路段,张贴违停告知单（张）,处罚违停车辆（台）,备注,更新时间"
    )
