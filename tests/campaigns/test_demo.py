"""The demo campaigns `seed_demo` adds: the article's figures, run twice."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from campaigns import stats
from campaigns.models import (
    Campaign,
    CampaignTarget,
    RoadSegment,
    Tally,
    TallyValue,
)
from campaigns.report import report_data, workbook_bytes

TABLES = [
    Campaign,
    Campaign.squads.through,
    Campaign.categories.through,
    Campaign.road_segments.through,
    CampaignTarget,
    RoadSegment,
    Tally,
    TallyValue,
]

# The Qingzhou article's figures as the demo records them (metric code: total).
ARTICLE = {
    "ad_boards_removed": 42,  # 拆除广告牌 40余块
    "posters_cleaned": 2136,  # 清理小广告 2100余处
    "parking_notices": 3048,  # 违停警告单 3000余张
    "vehicles_penalised": 213,  # 处罚违停车辆 200余台
    "evidence_held": 114,  # 证据保存物品 110余件
    "parking_spaces_painted": 900,  # 停车位 900个
    "lines_painted": 1100,  # 停车线 1100米
    "notice_boards_installed": 50,  # 便民信息张贴栏 50块
    "warning_signs_installed": 20,  # 禁止摆摊警示牌 20块
    "letters_handed_out": 10000,  # 致经营业户的一封信 10000份
}
# The Pingdu open day.
PINGDU = {
    "officers_deployed": 250,
    "leaflets_handed_out": 1000,
    "clutter_cleared": 30,
    "graffiti_cleared": 70,
    "green_encroachment_cleared": 10,
    "visitors_received": 15,
}


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


def totals(campaign: Campaign) -> dict[str, Decimal]:
    codes = dict(CampaignTarget.objects.values_list("metric_id", "metric__code"))
    return {
        codes[metric_id]: total
        for metric_id, total in stats.metric_totals(campaign=campaign).items()
    }


def test_the_civilised_city_totals_are_the_articles_figures(demo):
    campaign = Campaign.objects.get(name="创建全国文明城市")

    assert totals(campaign) == ARTICLE
    assert campaign.status == "closed"
    assert (campaign.starts_on, campaign.ends_on) == (
        date(2020, 4, 6),
        date(2020, 5, 3),
    )
    targets = dict(campaign.targets.values_list("metric__code", "target"))
    assert list(targets) == list(ARTICLE)
    assert targets["parking_spaces_painted"] == 900
    assert targets["ad_boards_removed"] == 40


def test_five_teams_tallied_every_day_for_four_weeks_on_their_road_segments(demo):
    campaign = Campaign.objects.get(name="创建全国文明城市")
    tallies = Tally.objects.filter(campaign=campaign).select_related(
        "squad", "road_segment"
    )

    assert campaign.lead_squad.code == "JD"
    assert campaign.leader.full_name == "张立军"
    units = {tally.squad.code for tally in tallies}
    assert units == {"JD-1", "JD-2", "JD-3", "JD-4", "JD-5"}
    assert set(campaign.squads.values_list("code", flat=True)) == units
    assert tallies.count() == 5 * 28
    assert {tally.date for tally in tallies} == {
        date(2020, 4, 6) + (date(2020, 4, 7) - date(2020, 4, 6)) * n for n in range(28)
    }
    assert all(tally.road_segment.squad_id == tally.squad_id for tally in tallies)
    # The letters went out in the first fortnight; no unit did everything.
    letters = TallyValue.objects.filter(
        tally__campaign=campaign, metric__code="letters_handed_out"
    )
    assert max(letters.values_list("tally__date", flat=True)) < date(2020, 4, 20)
    per_unit = stats.unit_metric_totals(campaign=campaign)
    assert len({squad for squad, _metric in per_unit}) == 5


def test_the_six_drives_and_ten_road_segments_with_their_leaders(demo):
    campaign = Campaign.objects.get(name="创建全国文明城市")
    drives = campaign.drives.order_by("id")

    assert list(drives.values_list("kind", flat=True)) == [
        "parking",
        "business",
        "facade",
        "advertising",
        "air",
        "illegal_structures",
    ]
    assert all(drive.status == "closed" for drive in drives)
    assert all(drive.leader.squad_id == drive.lead_squad_id for drive in drives)
    segments = campaign.road_segments.select_related("leader", "squad")
    assert segments.count() == 10
    assert all(s.leader.squad_id == s.squad_id for s in segments)
    assert {s.street.name for s in segments} == {"王府街道"}


def test_the_open_day_has_the_pingdu_counts(demo):
    campaign = Campaign.objects.get(name="城管执法公众开放日")

    assert totals(campaign) == PINGDU
    assert campaign.kind == "open_day"
    assert campaign.tallies.get().squad.code == "JD-5"
    assert campaign.status == "closed"


def test_a_second_run_changes_nothing(demo):
    first, second, before, after = demo

    assert "campaigns: 创建全国文明城市 (6 drives, 10 road segments, 140 daily" in (
        first
    )
    assert "campaigns: already present, left alone" in second
    assert before == after


def test_the_supervisors_workbook_adds_up_to_the_article(demo):
    supervisor = get_user_model().objects.get(username="supervisor")
    campaign = Campaign.objects.get(name="创建全国文明城市")

    book = openpyxl.load_workbook(
        io.BytesIO(workbook_bytes(report_data(campaign=campaign, user=supervisor)))
    )
    summary = book["汇总"]

    assert book.sheetnames == [
        "汇总",
        "机动中队一分队",
        "机动中队二分队",
        "机动中队三分队",
        "机动中队四分队",
        "机动中队五分队",
    ]
    # Units in rows 7-11, 合计 in row 12: the sum of each column is the figure.
    for offset, figure in enumerate(ARTICLE.values()):
        column = [summary.cell(row, 3 + offset).value for row in range(7, 12)]
        assert sum(column) == figure
        assert summary.cell(12, 3 + offset).value.startswith("=SUM(")
    assert summary.cell(13, 1).value == "目标"
    assert summary.cell(14, 1).value == "完成率"
