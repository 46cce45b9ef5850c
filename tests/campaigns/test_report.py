"""The campaign report workbook, read back with openpyxl as a spreadsheet would."""

from __future__ import annotations

import io
from datetime import date, timedelta
from urllib.parse import unquote

import openpyxl
import pytest

from campaigns.report import SheetNames, display_width
from complaints.models import Category
from tests.campaigns.report_factories import (
    MONDAY,
    make_campaign,
    make_segment,
    record,
)
from tests.complaints.clock import at, frozen
from tests.complaints.factories import submit, walk_to

# Summary: title rows 1-3, header rows 4-6, units from row 7.
TARGETS = {
    "ad_boards_removed": 10,
    "posters_cleaned": 100,
    "parking_notices": None,
    "lines_painted": 50,
}


@pytest.fixture
def report_url():
    """The tool's path, mounted by the campaign's admin page."""

    def url(campaign) -> str:
        return f"/admin/campaigns/campaign/{campaign.pk}/report/"

    return url


@pytest.fixture
def campaign(tree, supervisor, squad_leader, other_squad_leader):
    """Units A (with team A1) and B; A and B work their road segments."""
    segment_a = make_segment(
        by=supervisor, squad=tree.unit_a, street=tree.street, name="范公亭西路"
    )
    segment_b = make_segment(
        by=supervisor, squad=tree.unit_b, street=tree.other_street, name="驼山路"
    )
    campaign = make_campaign(
        by=supervisor,
        lead=tree.unit_a,
        squads=[tree.unit_a, tree.team_a1, tree.unit_b],
        segments=[segment_a, segment_b],
        targets=TARGETS,
    )
    monday, tuesday, wednesday = MONDAY, MONDAY + timedelta(1), MONDAY + timedelta(2)
    record(
        campaign,
        tree.unit_a,
        monday,
        by=squad_leader,
        segment=segment_a,
        ad_boards_removed=3,
        posters_cleaned=20,
        lines_painted="12.5",
    )
    record(campaign, tree.unit_a, tuesday, by=squad_leader, ad_boards_removed=1)
    record(campaign, tree.team_a1, monday, by=squad_leader, posters_cleaned=5)
    record(
        campaign,
        tree.unit_b,
        wednesday,
        by=other_squad_leader,
        segment=segment_b,
        ad_boards_removed=4,
        posters_cleaned=30,
        parking_notices=7,
    )
    return campaign


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return openpyxl.load_workbook(io.BytesIO(response.content))


def download(client, url, **query):
    """The workbook for the period asked (the whole period when both are blank)."""
    return workbook(client.get(url, query or {"start": "", "end": ""}))


def test_it_puts_the_summary_first_then_a_sheet_per_unit(
    campaign, supervisor, client_for, report_url
):
    book = download(client_for(supervisor), report_url(campaign), start="", end="")

    assert book.sheetnames == ["汇总", "城区一中队", "城区一中队一分队", "城区二中队"]


def test_the_summary_has_a_merged_title_and_a_two_level_header_under_groups(
    campaign, supervisor, client_for, report_url
):
    sheet = download(client_for(supervisor), report_url(campaign), start="")["汇总"]
    merged = {str(r) for r in sheet.merged_cells.ranges}

    # 2 label columns, 4 metrics (C-F), 2 linked counts (G-H).
    assert "A1:H1" in merged
    assert sheet["A1"].value == "创建全国文明城市 工作情况统计表"
    assert sheet["A2"].value == "填报单位：青州市综合行政执法大队"
    assert sheet["E2"].value.startswith("填报日期：")
    assert sheet["A3"].value == "统计期间：2020-04-06至2020-04-12"
    assert {"A4:A6", "B4:B6", "C4:F4", "G4:H4"} <= merged
    assert [sheet["A4"].value, sheet["B4"].value] == ["序号", "单位"]
    assert [sheet["C4"].value, sheet["G4"].value] == ["填报数据", "系统统计"]
    assert [sheet.cell(5, c).value for c in range(3, 9)] == [
        "拆除违规广告牌",
        "清理小广告",
        "张贴违停告知单",
        "施划标线",
        "已结案件",
        "引导入市摊贩",
    ]
    assert [sheet.cell(6, c).value for c in range(3, 9)] == [
        "块",
        "张",
        "张",
        "米",
        "件",
        "人",
    ]


def test_the_summary_has_a_row_per_unit_with_numbers_then_totals_targets_rates(
    campaign, supervisor, client_for, report_url
):
    sheet = download(client_for(supervisor), report_url(campaign), end="")["汇总"]
    rows = [[sheet.cell(row, col).value for col in range(1, 9)] for row in range(7, 10)]

    assert rows == [
        [1, "城区一中队", 4, 20, 0, 12.5, 0, 0],
        [2, "城区一中队一分队", 0, 5, 0, 0, 0, 0],
        [3, "城区二中队", 4, 30, 7, 0, 0, 0],
    ]
    assert all(isinstance(value, int | float) for row in rows for value in row[2:])
    assert sheet["A10"].value == "合计"
    assert "A10:B10" in {str(r) for r in sheet.merged_cells.ranges}
    assert [sheet.cell(10, col).value for col in range(3, 9)] == [
        f"=SUM({letter}7:{letter}9)" for letter in "CDEFGH"
    ]
    assert sheet["A11"].value == "目标"
    assert [sheet.cell(11, col).value for col in range(3, 7)] == [10, 100, None, 50]
    assert sheet["A12"].value == "完成率"
    assert [sheet.cell(12, col).value for col in range(3, 7)] == [
        "=C10/C11",
        "=D10/D11",
        None,
        "=F10/F11",
    ]
    assert sheet["C12"].number_format == "0.0%"
    assert sheet["F7"].number_format == "#,##0.00"
    assert sheet["C7"].number_format == "#,##0"


def test_a_unit_sheet_has_its_days_as_dates_with_road_segments_and_a_total(
    campaign, supervisor, client_for, report_url
):
    sheet = download(client_for(supervisor), report_url(campaign), start="")[
        "城区一中队"
    ]
    merged = {str(r) for r in sheet.merged_cells.ranges}

    assert {"A4:A5", "B4:B5"} <= merged
    assert [sheet["A4"].value, sheet["B4"].value] == ["日期", "路段"]
    assert [sheet.cell(4, c).value for c in range(3, 7)] == [
        "拆除违规广告牌",
        "清理小广告",
        "张贴违停告知单",
        "施划标线",
    ]
    assert [sheet.cell(5, c).value for c in range(3, 7)] == ["块", "张", "张", "米"]
    # Every day of the week, Monday on its segment, Tuesday without one.
    days = [sheet.cell(row, 1).value.date() for row in range(6, 13)]
    assert days == [date(2020, 4, d) for d in range(6, 13)]
    assert all(sheet.cell(row, 1).is_date for row in range(6, 13))
    assert sheet["A6"].number_format == "yyyy-mm-dd"
    assert [sheet.cell(6, c).value for c in range(2, 7)] == [
        "范公亭西路",
        3,
        20,
        None,
        12.5,
    ]
    assert [sheet.cell(7, c).value for c in range(2, 7)] == ["", 1, None, None, None]
    assert sheet["A13"].value == "合计"
    assert [sheet.cell(13, c).value for c in range(3, 7)] == [
        f"=SUM({letter}6:{letter}12)" for letter in "CDEF"
    ]


def test_sheets_freeze_their_headers_and_print_a4_landscape_one_page_wide(
    campaign, supervisor, client_for, report_url
):
    book = download(client_for(supervisor), report_url(campaign), start="")
    summary, unit = book["汇总"], book["城区二中队"]

    assert summary.freeze_panes == "C7"
    assert unit.freeze_panes == "C6"
    for sheet, header in [(summary, "$4:$6"), (unit, "$4:$5")]:
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9
        assert sheet.print_title_rows == header
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        # one page wide: fitToWidth absent means 1 (the OOXML default)
        assert int(sheet.page_setup.fitToWidth or 1) == 1
        assert int(sheet.page_setup.fitToHeight) == 0
        assert "&P" in sheet.oddFooter.center.text
        assert sheet.page_margins.left == pytest.approx(0.4)
    assert summary.column_dimensions["B"].width >= display_width("城区一中队一分队")


def test_a_period_narrows_every_sheet(campaign, supervisor, client_for, report_url):
    book = download(
        client_for(supervisor),
        report_url(campaign),
        start="2020-04-07",
        end="2020-04-08",
    )
    summary, unit = book["汇总"], book["城区一中队"]

    assert summary["A3"].value == "统计期间：2020-04-07至2020-04-08"
    assert [summary.cell(r, 3).value for r in (7, 8, 9)] == [1, 0, 4]
    assert [unit.cell(r, 1).value.date() for r in (6, 7)] == [
        date(2020, 4, 7),
        date(2020, 4, 8),
    ]
    assert unit["A8"].value == "合计"


def test_the_download_is_named_for_the_campaign_and_period(
    campaign, supervisor, client_for, report_url
):
    response = client_for(supervisor).get(report_url(campaign), {"start": ""})

    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment;")
    assert "创建全国文明城市工作情况统计表_2020-04-06_2020-04-12.xlsx" in disposition


def test_a_leader_gets_only_the_units_in_their_scope(
    campaign, squad_leader, other_squad_leader, client_for, report_url
):
    own = download(client_for(squad_leader), report_url(campaign), start="")
    other = download(client_for(other_squad_leader), report_url(campaign), start="")

    assert own.sheetnames == ["汇总", "城区一中队", "城区一中队一分队"]
    assert own["汇总"]["A2"].value == "填报单位：城区一中队"
    assert [own["汇总"].cell(r, 2).value for r in (7, 8)] == [
        "城区一中队",
        "城区一中队一分队",
    ]
    assert own["汇总"]["A9"].value == "合计"
    assert other.sheetnames == ["汇总", "城区二中队"]
    assert other["汇总"]["C8"].value == "=SUM(C7:C7)"
    assert other["汇总"]["A2"].value == "填报单位：城区二中队"


def test_another_units_campaign_is_not_found(
    tree, supervisor, squad_leader, other_squad_leader, client_for, report_url
):
    theirs = make_campaign(by=supervisor, lead=tree.unit_b, squads=[tree.unit_b])

    response = client_for(squad_leader).get(report_url(theirs), {"start": ""})
    page = client_for(squad_leader).get(report_url(theirs))

    assert response.status_code == 404
    assert page.status_code == 404
    assert client_for(other_squad_leader).get(report_url(theirs)).status_code == 200


def test_without_a_period_it_offers_the_form_and_the_weeks(
    tree, supervisor, client_for, report_url
):
    campaign = make_campaign(
        by=supervisor,
        lead=tree.unit_a,
        squads=[tree.unit_a],
        starts_on=date(2020, 4, 1),
        ends_on=date(2020, 4, 19),
    )

    response = client_for(supervisor).get(report_url(campaign))

    assert response.status_code == 200
    text = response.content.decode()
    assert 'value="2020-04-01"' in text and 'value="2020-04-19"' in text
    assert "?start=2020-04-01&amp;end=2020-04-05" in text
    assert "?start=2020-04-13&amp;end=2020-04-19" in text
    assert "第 3 周：2020-04-13 至 2020-04-19" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2020-13-01"}, "请按“年-月-日”填写日期，例如 2020-04-06。"),
        ({"start": "昨天"}, "请按“年-月-日”填写日期，例如 2020-04-06。"),
        (
            {"start": "2020-04-01"},
            "报表只能统计本次整治的期间：2020-04-06 至 2020-04-12。",
        ),
        (
            {"end": "2020-05-01"},
            "报表只能统计本次整治的期间：2020-04-06 至 2020-04-12。",
        ),
        ({"start": "2020-04-10", "end": "2020-04-08"}, "结束日期不能早于开始日期。"),
    ],
)
def test_bad_dates_get_a_chinese_message_and_keep_what_was_typed(
    campaign, supervisor, client_for, report_url, query, message
):
    response = client_for(supervisor).get(report_url(campaign), query)

    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    for value in query.values():
        assert f'value="{value}"' in text


def test_its_query_count_does_not_grow_with_units_and_days(
    tree,
    campaign,
    supervisor,
    squad_leader,
    client_for,
    report_url,
    django_assert_num_queries,
):
    client = client_for(supervisor)
    url = report_url(campaign)
    query = {"start": ""}
    client.get(url, query)  # the session and permissions warmed the same way

    # session, user with member, campaign, targets, participants, unit totals,
    # units, daily totals, segments, 2 linked counts, the bureau's name
    with django_assert_num_queries(12):
        small = client.get(url, query)
    assert len(workbook(small).sheetnames) == 4

    from squads.models import Squad
    from tests.squads.factories import SquadFactory

    more = [
        SquadFactory(
            code=f"ZD9-{n}",
            name=f"城区九中队{n}分队",
            kind=Squad.Kind.SQUADRON,
            parent=tree.brigade,
        )
        for n in range(1, 4)
    ]
    for unit in more:
        campaign.squads.add(unit)
        for day in range(7):
            record(
                campaign,
                unit,
                MONDAY + timedelta(day),
                by=supervisor,
                ad_boards_removed=day,
                posters_cleaned=2 * day,
            )
    with django_assert_num_queries(12):
        large = client.get(url, query)
    assert len(workbook(large).sheetnames) == 7

    leader = client_for(squad_leader)
    leader.get(url, query)
    # a unit's member walks the unit tree (2 levels here) instead of the bureau
    with django_assert_num_queries(13):
        leader.get(url, query)


def test_the_linked_counts_fill_their_columns(
    tree, users, supervisor, client_for, report_url
):
    campaign = make_campaign(
        by=supervisor,
        lead=tree.unit_a,
        squads=[tree.unit_a, tree.unit_b],
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 8),
        categories=["09006"],
    )
    with frozen(at(3, 4, 10)):
        walk_to(submit(tree), "closed", users)
    sheet = download(client_for(supervisor), report_url(campaign), start="")["汇总"]

    assert Category.objects.get(code="09006").campaigns.get() == campaign
    assert [sheet.cell(r, 5).value for r in (7, 8)] == [1, 0]
    assert sheet["E9"].value == "=SUM(E7:E8)"


def test_sheet_names_are_short_unique_and_without_forbidden_characters():
    names = SheetNames()

    taken = [
        names.take("汇总"),
        names.take("汇总"),
        names.take("城区[一]中队:一/二?分队*"),
        names.take("x" * 40),
        names.take("x" * 40),
        names.take("History"),
        names.take("ABC"),
        names.take("abc"),
    ]

    assert taken == [
        "汇总",
        "汇总(2)",
        "城区一中队一二分队",
        "x" * 31,
        "x" * 28 + "(2)",
        "History(2)",
        "ABC",
        "abc(2)",
    ]
    assert all(len(name) <= 31 for name in taken)


def test_a_campaign_without_figures_or_targets_still_makes_a_workbook(
    tree, supervisor, client_for, report_url
):
    from django.utils import timezone

    today = timezone.localdate()
    ahead = make_campaign(
        by=supervisor,
        lead=tree.unit_b,
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=20),
        targets={},
        start=False,
    )

    book = download(client_for(supervisor), report_url(ahead))
    summary, unit = book["汇总"], book["城区二中队"]

    assert book.sheetnames == ["汇总", "城区二中队"]
    assert summary["C4"].value == "系统统计"
    assert [summary["C7"].value, summary["D7"].value] == [0, 0]
    assert summary["A8"].value == "合计"
    assert summary["A9"].value is None  # no targets: no 目标 row
    assert unit["A4"].value == "日期"
    assert unit["A6"].value == "合计"  # no day has come yet
