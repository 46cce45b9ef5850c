"""The monthly KPI workbook: February 2026 read back with openpyxl.

The figures are those of test_formulas.py (worked out there by hand); here
the workbook must carry the KPI selectors' numbers, in the layout of a
report upward, for the units the user may see.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from dashboard import kpis, monthly
from dashboard.periods import Period
from squads.models import Squad
from tests.complaints.clock import at, frozen
from tests.complaints.factories import move, submit
from tests.squads.factories import CommunityFactory, SquadFactory

FEBRUARY = Period("custom", monthly.month_period("2026-02").start, at(2, 28).date())
URL = "/admin/dashboard/monthly/"
# The summary's columns: 序号, 单位, then monthly.COLUMNS in order.
COL = {column.key: 3 + n for n, column in enumerate(monthly.COLUMNS)}
FIRST_ROW = 6  # 1-based: three title rows and two header rows above


def download(client, month="2026-02"):
    response = client.get(URL, {"month": month})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_by_name(sheet) -> dict[str, int]:
    found = {}
    for row in range(FIRST_ROW, sheet.max_row + 1):
        name = sheet.cell(row, 2).value or sheet.cell(row, 1).value
        found[str(name)] = row
    return found


def test_it_is_the_summary_then_a_sheet_per_unit(february, client_for, supervisor):
    book = download(client_for(supervisor))

    assert book.sheetnames == [
        "指标汇总",
        "城区一中队",
        "城区一中队一分队",
        "城区二中队",
    ]


def test_the_summary_has_a_merged_title_a_two_level_header_and_frozen_panes(
    february, client_for, supervisor
):
    sheet = download(client_for(supervisor))["指标汇总"]

    merged = {str(r) for r in sheet.merged_cells.ranges}
    last = openpyxl.utils.get_column_letter(2 + len(monthly.COLUMNS))
    assert f"A1:{last}1" in merged
    assert (
        sheet["A1"].value == "青州市综合行政执法大队 城市管理数字化指标月报 2026年2月"
    )
    assert sheet["A2"].value == "填报单位：青州市综合行政执法大队"
    assert str(sheet.cell(2, 9).value).startswith("填报日期：")
    assert sheet["A3"].value == "统计期间：2026-02-01至2026-02-28"
    # 序号 and 单位 down the two header rows; the groups across.
    assert {"A4:A5", "B4:B5", "C4:H4", "I4:K4", "M4:N4", "O4:Q4"} <= merged
    assert (sheet["A4"].value, sheet["B4"].value) == ("序号", "单位")
    assert (sheet["C4"].value, sheet["I4"].value, sheet["L4"].value) == (
        "处置",
        "结案",
        "满意",
    )
    assert sheet["F5"].value == "按期处置率"
    assert sheet.freeze_panes == "C6"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$4:$5"


def test_the_figures_are_the_kpi_selectors_rates_as_percent_numbers(
    february, client_for, supervisor
):
    sheet = download(client_for(supervisor))["指标汇总"]
    rows, _source = kpis.grouped(
        scope=kpis.scope_for(user=supervisor), period=FEBRUARY, by="unit"
    )
    found = rows_by_name(sheet)

    for row in rows:
        if row.key["code"] is None:
            continue
        at_row = found[row.key["name"]]
        for key, col in COL.items():
            cell = sheet.cell(at_row, col)
            assert cell.value == row.values[key], (row.key["name"], key)
    unit_a = found["城区一中队"]
    # ZD1: 2 of 4 on time (test_formulas), a number shown as a percentage.
    rate = sheet.cell(unit_a, COL["on_time_disposal_rate"])
    assert (rate.value, rate.number_format) == (0.5, "0.0%")
    assert sheet.cell(unit_a, COL["to_dispose"]).number_format == "#,##0"
    assert sheet.cell(unit_a, COL["accept_hours_avg"]).number_format == "0.00"


def test_the_total_row_sums_the_counts_and_divides_the_sums(
    february, client_for, supervisor
):
    sheet = download(client_for(supervisor))["指标汇总"]
    total_row = sheet.max_row
    first, last = FIRST_ROW, total_row - 1
    letter = openpyxl.utils.get_column_letter

    assert sheet.cell(total_row, 1).value == "合计/全局"
    assert f"A{total_row}:B{total_row}" in {str(r) for r in sheet.merged_cells.ranges}
    to_dispose = letter(COL["to_dispose"])
    assert (
        sheet.cell(total_row, COL["to_dispose"]).value
        == f"=SUM({to_dispose}{first}:{to_dispose}{last})"
    )
    on_time = letter(COL["disposed_on_time"])
    assert (
        sheet.cell(total_row, COL["on_time_disposal_rate"]).value
        == f'=IF({to_dispose}{total_row}=0,"",'
        f"{on_time}{total_row}/{to_dispose}{total_row})"
    )
    # The rest are the bureau's own figures (test_formulas: 0.75, 3 of 6 …).
    totals = kpis.totals(scope=kpis.scope_for(user=supervisor), period=FEBRUARY)
    assert sheet.cell(total_row, COL["satisfaction_rate"]).value == 0.75
    assert (
        sheet.cell(total_row, COL["closure_rate"]).value
        == totals.values["closure_rate"]
    )
    # The formulas' cached values are the figures, for readers that don't recalculate.
    cached = openpyxl.load_workbook(
        io.BytesIO(client_for(supervisor).get(URL, {"month": "2026-02"}).content),
        data_only=True,
    )["指标汇总"]
    assert cached.cell(total_row, COL["to_dispose"]).value == 6
    assert cached.cell(total_row, COL["on_time_disposal_rate"]).value == pytest.approx(
        4 / 6, abs=1e-4
    )


def test_a_unit_sheet_lists_its_categories_with_totals(
    february, client_for, supervisor
):
    sheet = download(client_for(supervisor))["城区一中队"]
    by_category = kpis.unit_categories(
        scope=kpis.scope_for(user=supervisor), period=FEBRUARY
    )
    unit_a = february["C1"].squad_id

    assert sheet["A2"].value == "填报单位：城区一中队"
    assert sheet["B4"].value == "类别"
    found = rows_by_name(sheet)
    for row in by_category[unit_a]:
        at_row = found[row.key["name"]]
        for key, col in COL.items():
            assert sheet.cell(at_row, col).value == row.values[key], key
    total_row = sheet.max_row
    assert sheet.cell(total_row, 1).value == "合计"
    assert str(
        sheet.cell(total_row, COL["received"] if "received" in COL else 3).value
    ).startswith("=SUM(")
    assert sheet.freeze_panes == "C6"


def test_a_leader_gets_only_their_units(february, client_for, squad_leader):
    book = download(client_for(squad_leader))

    assert book.sheetnames == ["指标汇总", "城区一中队", "城区一中队一分队"]
    summary = book["指标汇总"]
    assert summary["A2"].value == "填报单位：城区一中队"
    names = rows_by_name(summary)
    assert "城区二中队" not in names
    # ZD1's dispatched cases to dispose of: C1 C2 C4 C8.
    assert summary.cell(names["城区一中队"], COL["to_dispose"]).value == 4


def test_without_a_month_it_lists_the_last_twelve_months(client_for, supervisor):
    with frozen(at(3, 5, 10, 0)):
        response = client_for(supervisor).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('href="?month=') == 12
    assert 'href="?month=2026-03"' in html
    assert 'href="?month=2025-04"' in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-13", "请按“年-月”填写月份，例如 2026-11。"),
        ("november", "请按“年-月”填写月份，例如 2026-11。"),
        ("2099-01", "请选择 2000-01 至本月之间的月份。"),
    ],
)
def test_a_bad_month_gets_a_chinese_message_and_keeps_what_was_typed(
    client_for, supervisor, typed, message
):
    response = client_for(supervisor).get(URL, {"month": typed})

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'value="{typed}"' in html


def test_signed_out_it_asks_to_sign_in_and_a_role_without_cases_is_refused(
    client, client_for, tree
):
    assert client.get(URL).status_code == 302
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user("clerk", password="x", is_staff=True)
    assert client_for(staff).get(URL, {"month": "2026-02"}).status_code == 403


def test_the_query_count_does_not_grow_with_the_units(
    february, client_for, supervisor, tree, users, django_assert_num_queries
):
    client = client_for(supervisor)
    with django_assert_num_queries(QUERIES):
        download(client)

    # Two more units, each with a case in February.
    for n in range(2):
        unit = SquadFactory(
            code=f"ZD{3 + n}",
            name=f"城区{3 + n}中队",
            kind=Squad.Kind.SQUADRON,
            parent=tree.brigade,
            area=tree.street,
        )
        community = CommunityFactory(
            parent=tree.street, code=f"37078100100{3 + n}", covering_squad=unit
        )
        with frozen(at(2, 10, 9, 0)):
            case = submit(tree, code="09003", community=community)
        case = move(case, "accept", users["dispatcher"], at(2, 10, 9, 30))
        move(case, "dispatch", users["dispatcher"], at(2, 10, 10, 0))
    client = client_for(supervisor)
    with django_assert_num_queries(QUERIES):
        book = download(client)
    assert "城区3中队" in book.sheetnames


# Session, user with member; per unit and for the whole: the rollup's state, the
# counts and their medians (a query of their own); the units' and categories'
# names, the unit tree, the unit × category counts and the bureau's name.
QUERIES = 13


def test_it_is_linked_for_the_dashboard(client_for, supervisor):
    assert reverse("dashboard-monthly") == URL
