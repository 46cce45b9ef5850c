"""The Excel import of tallies: the template, upload → preview → confirm, every
error named by its row and column, scope, bad files, queries."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.imports import store
from campaigns.models import Tally, TallyValue
from campaigns.services import campaign_close, tally_record
from tests.campaigns.import_factories import (
    HEADER,
    csv_bytes,
    day,
    running_campaign,
    xlsx,
)

pytestmark = [pytest.mark.django_db]

A = "城区一中队"
B = "城区二中队"
ROAD_A = "范公亭西路"
ROAD_B = "云门山路"


@pytest.fixture(autouse=True)
def _kept_files(settings, tmp_path):
    """Each test keeps its uploads in a folder of its own."""
    settings.TALLY_IMPORT_DIR = str(tmp_path / "imports")


@pytest.fixture
def campaign(tree, supervisor):
    return running_campaign(tree, supervisor)


def import_url(campaign) -> str:
    return reverse("admin:campaigns_campaign_import", args=[campaign.pk])


def template_url(campaign) -> str:
    return reverse("admin:campaigns_campaign_template", args=[campaign.pk])


def upload(client, campaign, data: bytes, name: str = "五月.xlsx"):
    return client.post(import_url(campaign), {"file": SimpleUploadedFile(name, data)})


def confirm(client, campaign, response, **override):
    fields = {
        "token": response.context["kept"].token,
        "fingerprint": response.context["preview"].fingerprint,
    }
    fields.update(override)
    return client.post(import_url(campaign), fields)


def page_text(response) -> str:
    return response.content.decode()


def outcomes(response) -> list[str]:
    return [row.outcome for row in response.context["preview"].rows]


def errors(response) -> list[str]:
    return response.context["preview"].error_messages()


def form_errors(response) -> list[str]:
    """The page's refusals above the upload form (a confirmation's, the form's)."""
    form = response.context["form"]
    problem = [response.context["problem"]] if response.context["problem"] else []
    return problem + [str(e) for errors in form.errors.values() for e in errors]


def kept_files() -> list[Path]:
    root = Path(settings.TALLY_IMPORT_DIR)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def row(n, unit=A, road=ROAD_A, boards=1, posters=10, lines=2.5, notes=""):
    return [day(n), unit, road, boards, posters, lines, notes]


def figures(campaign) -> dict:
    """{(unit name, date, road): {metric code: value}} of the campaign's tallies."""
    found: dict = {}
    for value in TallyValue.objects.filter(tally__campaign=campaign).select_related(
        "tally__squad", "tally__road_segment", "metric"
    ):
        tally = value.tally
        road = tally.road_segment.name if tally.road_segment else None
        key = (tally.squad.name, tally.date, road)
        found.setdefault(key, {})[value.metric.code] = value.value
    return found


# --- the flow ---------------------------------------------------------------


def test_a_preview_lists_every_row_and_writes_nothing(
    campaign, squad_leader, client_for
):
    client = client_for(squad_leader)
    data = xlsx([row(1), row(2, boards=3), row(3, notes="西关路口")])

    response = upload(client, campaign, data)

    assert response.status_code == 200
    assert outcomes(response) == ["new", "new", "new"]
    assert [r.number for r in response.context["preview"].rows] == [3, 4, 5]
    assert page_text(response).count('<tr class="cd-new">') == 3
    assert "确认并写入这些数据" in page_text(response)
    assert Tally.objects.count() == 0
    assert len(kept_files()) == 2  # the upload and its note


def test_confirming_writes_every_row_in_one_go(campaign, squad_leader, client_for):
    client = client_for(squad_leader)
    preview = upload(client, campaign, xlsx([row(1), row(2, boards=3, notes="夜查")]))

    done = confirm(client, campaign, preview)

    assert done.status_code == 302
    assert figures(campaign) == {
        (A, day(1), ROAD_A): {
            "ad_boards_removed": Decimal(1),
            "posters_cleaned": Decimal(10),
            "lines_painted": Decimal("2.5"),
        },
        (A, day(2), ROAD_A): {
            "ad_boards_removed": Decimal(3),
            "posters_cleaned": Decimal(10),
            "lines_painted": Decimal("2.5"),
        },
    }
    night = Tally.objects.get(date=day(2))
    assert night.notes == "夜查"
    assert night.recorded_by == squad_leader
    assert kept_files() == []
    page = client.get(done["Location"])
    assert "五月.xlsx 已导入：新增 2 行，更新 0 行，无变化 0 行。" in page_text(page)


def test_importing_the_same_file_again_changes_nothing(
    campaign, squad_leader, client_for
):
    client = client_for(squad_leader)
    data = xlsx([row(1), row(2, boards=3, notes="夜查")])
    confirm(client, campaign, upload(client, campaign, data))
    before = list(Tally.objects.values_list("pk", "updated_at").order_by("pk"))

    again = upload(client, campaign, data)
    assert outcomes(again) == ["unchanged", "unchanged"]
    with CaptureQueriesContext(connection) as queries:
        done = confirm(client, campaign, again)

    assert done.status_code == 302
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "campaigns_tally" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert list(Tally.objects.values_list("pk", "updated_at").order_by("pk")) == before
    page = client.get(done["Location"])
    assert "新增 0 行，更新 0 行，无变化 2 行" in page_text(page)


def test_a_changed_figure_is_an_update_and_a_blank_one_clears_it(
    campaign, squad_leader, client_for
):
    client = client_for(squad_leader)
    confirm(client, campaign, upload(client, campaign, xlsx([row(1), row(2)])))

    changed = xlsx([row(1, boards=4, lines=None), row(2)])
    preview = upload(client, campaign, changed)

    assert outcomes(preview) == ["update", "unchanged"]
    first = preview.context["preview"].rows[0]
    assert first.before == {3: "1", 5: "2.5"}  # the columns whose figure changes
    assert "<del>1</del> 4" in page_text(preview)
    confirm(client, campaign, preview)
    assert figures(campaign)[(A, day(1), ROAD_A)] == {
        "ad_boards_removed": Decimal(4),
        "posters_cleaned": Decimal(10),
    }


def test_rows_without_figures_are_skipped(campaign, squad_leader, client_for):
    client = client_for(squad_leader)
    data = xlsx([row(1), [day(2), A, ROAD_A, None, None, None, None], [None] * 7])

    preview = upload(client, campaign, data)

    assert outcomes(preview) == ["new"]
    assert preview.context["preview"].blank_rows == 1
    assert "跳过 1 个未填数字的行" in page_text(preview)


@pytest.mark.parametrize("bom", [True, False])
def test_a_utf8_csv_file_imports_like_the_workbook(
    campaign, squad_leader, client_for, bom
):
    client = client_for(squad_leader)
    data = csv_bytes(
        [["2020-05-01", A, ROAD_A, "1", "10", "2.5", "西关"]] + [row(2)], bom=bom
    )

    preview = upload(client, campaign, data, name="五月.csv")

    assert outcomes(preview) == ["new", "new"]
    assert [r.number for r in preview.context["preview"].rows] == [2, 3]
    confirm(client, campaign, preview)
    assert set(figures(campaign)) == {(A, day(1), ROAD_A), (A, day(2), ROAD_A)}


def test_the_columns_may_come_in_any_order_with_english_or_ascii_headers(
    campaign, squad_leader, client_for
):
    client = client_for(squad_leader)
    header = [
        "Notes",
        "施划标线(米)",
        "Date",
        "Unit",
        "清理小广告",
        "包靠路段",
        "拆除违规广告牌",
    ]
    data = xlsx([["x", 2.5, day(1), A, 10, ROAD_A, 1]], header=header, title=None)

    preview = upload(client, campaign, data)

    assert outcomes(preview) == ["new"]
    confirm(client, campaign, preview)
    assert figures(campaign)[(A, day(1), ROAD_A)]["lines_painted"] == Decimal("2.5")


def test_a_supervisor_imports_several_units_sheets(
    campaign, supervisor, tree, client_for
):
    client = client_for(supervisor)
    data = xlsx([row(1)], more={B: [row(1, unit=B, road=ROAD_B)]})

    preview = upload(client, campaign, data)

    assert outcomes(preview) == ["new", "new"]
    assert [r.sheet for r in preview.context["preview"].rows] == [A, B]
    confirm(client, campaign, preview)
    assert set(figures(campaign)) == {(A, day(1), ROAD_A), (B, day(1), ROAD_B)}


# --- errors: each named by its row and column ------------------------------


def test_a_date_outside_the_period_is_named_by_row_and_column(
    campaign, squad_leader, client_for
):
    client = client_for(squad_leader)
    data = xlsx(
        [row(1), row(2), [dt.date(2020, 5, 30) + dt.timedelta(days=31)] + row(3)[1:]]
    )

    preview = upload(client, campaign, data)

    assert outcomes(preview) == ["new", "new", "error"]
    assert errors(preview) == [
        "第 5 行，“日期”列：2020-06-30 不在整治期间内（2020-05-01 至 2020-05-31）。"
    ]
    text = page_text(preview)
    assert "第 5 行，“日期”列：2020-06-30 不在整治期间内" in text
    assert 'id="confirm-form"' not in text
    assert "未写入任何数据" in text
    assert kept_files() == []


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (
            {0: "5月3日"},
            "第 3 行，“日期”列：“5月3日”不是日期，请写成 2020-05-01 的形式。",
        ),
        ({0: 43954}, "第 3 行，“日期”列：“43954”不是日期，请写成 2020-05-01 的形式。"),
        ({0: None}, "第 3 行，“日期”列：请填写日期。"),
        ({1: None}, "第 3 行，“单位”列：请填写单位。"),
        ({1: "城区九中队"}, "第 3 行，“单位”列：您可填报的单位中没有“城区九中队”。"),
        (
            {2: "不存在路"},
            "第 3 行，“包靠路段”列：“不存在路”不是城区一中队的包靠路段。",
        ),
        (
            {3: -2},
            "第 3 行，“拆除违规广告牌（块）”列：拆除违规广告牌不能为负数。",
        ),
        (
            {4: 2.5},
            "第 3 行，“清理小广告（张）”列：清理小广告是计数，请填写整数。",
        ),
        (
            {5: "两米"},
            "第 3 行，“施划标线（米）”列：施划标线：“两米”不是数字。",
        ),
        (
            {5: 1.234},
            "第 3 行，“施划标线（米）”列：施划标线：最多保留两位小数。",
        ),
        (
            {0: dt.date(2026, 12, 31)},
            "第 3 行，“日期”列：2026-12-31 不在整治期间内"
            "（2020-05-01 至 2020-05-31）。",
        ),
    ],
)
def test_each_bad_cell_is_named_by_its_row_and_column(
    campaign, squad_leader, client_for, cells, message
):
    bad = row(1)
    for index, value in cells.items():
        bad[index] = value

    preview = upload(client_for(squad_leader), campaign, xlsx([bad]))

    assert errors(preview) == [message]
    assert outcomes(preview) == ["error"]
    assert Tally.objects.count() == 0


def test_a_row_shows_every_problem_it_has(campaign, squad_leader, client_for):
    bad = [dt.date(2020, 6, 1), A, ROAD_A, -1, "许多", 1, ""]

    preview = upload(client_for(squad_leader), campaign, xlsx([bad]))

    assert errors(preview) == [
        "第 3 行，“日期”列：2020-06-01 不在整治期间内（2020-05-01 至 2020-05-31）。",
        "第 3 行，“拆除违规广告牌（块）”列：拆除违规广告牌不能为负数。",
        "第 3 行，“清理小广告（张）”列：清理小广告：“许多”不是数字。",
    ]


def test_a_road_segment_of_another_unit_is_refused_with_the_services_words(
    campaign, supervisor, client_for
):
    preview = upload(client_for(supervisor), campaign, xlsx([row(1, road=ROAD_B)]))

    assert errors(preview) == [
        "第 3 行，“包靠路段”列：包靠路段“云门山路”属于其他单位。"
    ]


def test_a_unit_outside_the_campaign_is_refused(tree, supervisor, client_for):
    campaign = running_campaign(tree, supervisor, squads=[tree.unit_a])

    preview = upload(client_for(supervisor), campaign, xlsx([row(1, unit=B, road="")]))

    assert errors(preview) == ["第 3 行，“单位”列：城区二中队未参加本次专项整治。"]


def test_a_row_twice_in_the_file_names_both_rows(campaign, squad_leader, client_for):
    data = xlsx([row(1), row(2), row(1, boards=5)])

    preview = upload(client_for(squad_leader), campaign, data)

    assert outcomes(preview) == ["error", "new", "error"]
    assert errors(preview) == [
        "第 3 行：与第 5 行的单位、日期和包靠路段相同。",
        "第 5 行：与第 3 行的单位、日期和包靠路段相同。",
    ]


def test_duplicates_across_sheets_name_the_sheets(campaign, supervisor, client_for):
    data = xlsx([row(1)], more={"补报": [row(1)]})

    preview = upload(client_for(supervisor), campaign, data)

    assert errors(preview) == [
        "工作表“城区一中队”第 3 行：与工作表“补报”第 3 行的单位、日期和包靠路段相同。",
        "工作表“补报”第 3 行：与工作表“城区一中队”第 3 行的单位、日期和包靠路段相同。",
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            HEADER[:3] + HEADER[4:],
            "第 2 行：缺少“拆除违规广告牌（块）”列。",
        ),
        (
            HEADER + ["处罚违停车辆（台）"],
            "第 2 行：“处罚违停车辆（台）”不是本次整治填报表的列；"
            "请使用本次整治的填报模板。",
        ),
        (HEADER + ["日期"], "第 2 行：“日期”列重复出现。"),
    ],
)
def test_a_wrong_or_missing_header_is_refused_before_any_row(
    campaign, squad_leader, client_for, header, message
):
    data = xlsx([row(1)[: len(header)]], header=header)

    preview = upload(client_for(squad_leader), campaign, data)

    assert errors(preview) == [message]
    assert preview.context["preview"].rows == []
    assert message in page_text(preview)
    assert kept_files() == []


def test_a_sheet_without_a_header_row_is_refused(campaign, squad_leader, client_for):
    data = xlsx([row(1)], header=["时间", "队伍"], title=None)

    preview = upload(client_for(squad_leader), campaign, data)

    assert errors(preview) == [
        "工作表“城区一中队”：前 10 行中没有含“日期”和“单位”列的表头行；"
        "请使用本次整治的填报模板。"
    ]


def test_a_file_with_only_a_header_has_nothing_to_import(
    campaign, squad_leader, client_for
):
    preview = upload(client_for(squad_leader), campaign, xlsx([]))

    assert errors(preview) == ["文件中没有可导入的数据：请在模板表头下方填写各项数字。"]


def test_a_closed_campaign_refuses_the_upload_on_the_form(
    campaign, supervisor, squad_leader, client_for
):
    campaign_close(campaign=campaign, by=supervisor)

    response = upload(client_for(squad_leader), campaign, xlsx([row(1)]))

    assert response.status_code == 200
    assert form_errors(response) == ["该专项整治已结束，填报数据已锁定。"]
    assert response.context["preview"] is None
    assert Tally.objects.count() == 0


def test_a_campaign_closed_after_the_preview_refuses_the_confirmation(
    campaign, supervisor, squad_leader, client_for
):
    client = client_for(squad_leader)
    preview = upload(client, campaign, xlsx([row(1)]))
    campaign_close(campaign=campaign, by=supervisor)

    response = confirm(client, campaign, preview)

    assert response.status_code == 200
    assert form_errors(response) == ["该专项整治已结束，填报数据已锁定。"]
    assert Tally.objects.count() == 0
    assert kept_files() == []


def test_a_change_after_the_preview_shows_the_preview_again(
    campaign, tree, squad_leader, instructor, client_for
):
    client = client_for(squad_leader)
    preview = upload(client, campaign, xlsx([row(1), row(2)]))
    segment = campaign.road_segments.get(name=ROAD_A)
    tally_record(
        by=instructor,
        campaign=campaign,
        squad=tree.unit_a,
        date=day(2),
        road_segment=segment,
        values={"ad_boards_removed": 9},
    )

    again = confirm(client, campaign, preview)

    assert again.status_code == 200
    assert outcomes(again) == ["new", "update"]
    assert "预览之后填报数据有变化" in page_text(again)
    assert Tally.objects.count() == 1  # only the one recorded in between
    done = confirm(client, campaign, again)
    assert done.status_code == 302
    assert figures(campaign)[(A, day(2), ROAD_A)]["ad_boards_removed"] == Decimal(1)


def test_a_forged_fingerprint_is_a_change(campaign, squad_leader, client_for):
    client = client_for(squad_leader)
    preview = upload(client, campaign, xlsx([row(1)]))

    again = confirm(client, campaign, preview, fingerprint="0" * 64)

    assert again.status_code == 200
    assert Tally.objects.count() == 0


def test_the_kept_file_is_the_uploaders_and_expires(
    campaign, squad_leader, instructor, client_for, settings
):
    preview = upload(client_for(squad_leader), campaign, xlsx([row(1)]))

    other = confirm(client_for(instructor), campaign, preview)
    assert form_errors(other) == [
        "上传的文件已不再保留（一小时后过期，或已经导入）；请重新上传。"
    ]
    assert Tally.objects.count() == 0

    removed = store.clean_expired(now=dt.datetime.now().timestamp() + 3601)  # noqa: DTZ005
    assert removed == 1
    assert kept_files() == []
    late = confirm(client_for(squad_leader), campaign, preview)
    assert form_errors(late) == [
        "上传的文件已不再保留（一小时后过期，或已经导入）；请重新上传。"
    ]


# --- bad files --------------------------------------------------------------


def _zip_without_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "不是工作簿")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "tallies.pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
            "请上传 Excel 工作簿（.xlsx）或 CSV 文件；此文件两者都不是。",
        ),
        (
            "tallies.xlsx",
            b"PK\x03\x04" + b"\x00damaged" * 40,
            "无法读取该工作簿：文件已损坏或不是 Excel 工作簿。请在 Excel 中打开，"
            "另存为 .xlsx 后重新上传。",
        ),
        (
            "tallies.xlsx",
            _zip_without_a_workbook(),
            "无法读取该工作簿：文件已损坏或不是 Excel 工作簿。请在 Excel 中打开，"
            "另存为 .xlsx 后重新上传。",
        ),
        (
            "tallies.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "这是旧版 Excel 工作簿（.xls）或设有密码的工作簿：请在 Excel 中打开，"
            "另存为不设密码的 .xlsx 工作簿。",
        ),
        (
            "tallies.csv",
            "日期,单位\n2020-05-01,城区一中队\n".encode("gbk"),
            "CSV 文件不是 UTF-8 编码。请在 Excel 中选择“另存为”→"
            "“CSV UTF-8（逗号分隔）”，或直接上传 .xlsx 工作簿。",
        ),
        ("tallies.xlsx", b"", "文件是空的。"),
    ],
)
def test_a_bad_file_gets_a_clear_message(
    campaign, squad_leader, client_for, name, data, message
):
    response = upload(client_for(squad_leader), campaign, data, name=name)

    assert response.status_code == 200
    assert form_errors(response) == [message]
    assert message in page_text(response)
    assert Tally.objects.count() == 0
    assert kept_files() == []


def test_a_file_over_the_size_limit_is_refused(
    campaign, squad_leader, client_for, settings
):
    settings.TALLY_IMPORT_MAX_BYTES = 1024 * 1024
    data = csv_bytes([row(1, notes="备" * 400_000)])

    response = upload(client_for(squad_leader), campaign, data, name="big.csv")

    assert form_errors(response) == ["文件超过 1 MB，请拆分为较小的文件。"]
    assert kept_files() == []


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_file_over_the_row_limit_is_refused(
    campaign, squad_leader, client_for, settings, kind
):
    settings.TALLY_IMPORT_MAX_ROWS = 20
    rows = [row(1 + n % 28, boards=n) for n in range(40)]
    data = xlsx(rows) if kind == "xlsx" else csv_bytes(rows)

    response = upload(client_for(squad_leader), campaign, data, name=f"many.{kind}")

    assert form_errors(response) == ["文件超过 20 行，请拆分为每个不超过 20 行的文件。"]
    assert kept_files() == []


# --- the template -----------------------------------------------------------


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(response.content))


def test_the_template_has_a_sheet_per_unit_with_the_campaigns_columns(
    campaign, supervisor, client_for
):
    response = client_for(supervisor).get(template_url(campaign))

    book = _workbook(response)
    assert "attachment" in response["Content-Disposition"]
    assert book.sheetnames == ["青州市综合行政执法大队", A, B]
    sheet = book[A]
    assert "2020年创建文明城市专项整治" in sheet["A1"].value
    assert "2020-05-01 至 2020-05-31" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == HEADER
    assert isinstance(sheet["A3"].value, dt.datetime)
    assert sheet["A3"].value.date() == dt.date(2020, 5, 1)
    assert sheet["A3"].number_format == "yyyy-mm-dd"
    assert [sheet["B3"].value, sheet["C3"].value] == [A, ROAD_A]
    assert sheet.max_row >= 2 + 31
    assert sheet.freeze_panes == "A3"
    # The brigade leads the campaign but has no road segment: one row a day.
    assert book["青州市综合行政执法大队"]["C3"].value is None


def test_a_units_member_gets_only_their_units_sheets(
    campaign, squad_leader, client_for
):
    book = _workbook(client_for(squad_leader).get(template_url(campaign)))

    assert book.sheetnames == [A]


def test_the_template_filled_in_imports(campaign, supervisor, client_for):
    client = client_for(supervisor)
    book = _workbook(client.get(template_url(campaign)))
    for name, boards in ((A, 2), (B, 7)):
        sheet = book[name]
        for number in (3, 4, 5):
            sheet.cell(row=number, column=4, value=boards)
            sheet.cell(row=number, column=5, value=100)
            sheet.cell(row=number, column=6, value=12.5)
        sheet.cell(row=5, column=7, value="雨天")
    filled = io.BytesIO()
    book.save(filled)

    preview = upload(client, campaign, filled.getvalue())

    assert outcomes(preview) == ["new"] * 6
    assert preview.context["preview"].blank_rows == 3 * 31 - 6
    assert confirm(client, campaign, preview).status_code == 302
    totals = figures(campaign)
    assert totals[(B, day(3), ROAD_B)] == {
        "ad_boards_removed": Decimal(7),
        "posters_cleaned": Decimal(100),
        "lines_painted": Decimal("12.5"),
    }
    assert Tally.objects.get(squad__name=A, date=day(3)).notes == "雨天"
    again = upload(client, campaign, filled.getvalue())
    assert outcomes(again) == ["unchanged"] * 6


# --- scope and roles ---------------------------------------------------------


def test_another_units_rows_are_refused_without_telling_anything(
    campaign, squad_leader, client_for
):
    data = xlsx([row(1), row(1, unit=B, road=ROAD_B)])

    preview = upload(client_for(squad_leader), campaign, data)

    assert outcomes(preview) == ["new", "error"]
    assert errors(preview) == ["第 4 行，“单位”列：您可填报的单位中没有“城区二中队”。"]
    assert "云门山路" not in "".join(errors(preview))


def test_another_units_campaign_is_not_found(
    tree, supervisor, squad_leader, client_for
):
    theirs = running_campaign(
        tree, supervisor, squads=[tree.unit_b], segments=False, name="二中队专项"
    )
    client = client_for(squad_leader)

    assert client.get(import_url(theirs)).status_code == 404
    assert client.get(template_url(theirs)).status_code == 404
    assert upload(client, theirs, xlsx([row(1)])).status_code == 404
    assert Tally.objects.count() == 0


def test_a_role_that_records_no_tallies_is_refused(campaign, dispatcher, client_for):
    client = client_for(dispatcher)

    assert client.get(import_url(campaign)).status_code == 403
    assert client.get(template_url(campaign)).status_code == 403


def test_the_tools_need_staff_sign_in(campaign, citizen):
    response = citizen.get(import_url(campaign))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- queries ----------------------------------------------------------------


def test_the_preview_asks_the_same_queries_for_10_and_100_rows(
    campaign, supervisor, client_for
):
    client = client_for(supervisor)
    # Five units and segments a day: no two rows share a unit, day and segment.
    keys = [("ZD1", ROAD_A), (A, None), (B, ROAD_B), ("ZD2", None), ("DD", None)]
    counts = []
    for count in (10, 100):
        rows = [row(1 + n % 31, *keys[n // 31], boards=n) for n in range(count)]
        with CaptureQueriesContext(connection) as queries:
            response = upload(client, campaign, xlsx(rows))
        assert outcomes(response) == ["new"] * count
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1]


# The session, the user with their member row, their scope (2), the campaign; the
# metrics, the segments, units and segments by name (parse); a savepoint, the
# campaign, participants, segments, metrics, the tallies and their figures
# (the service's dry run); the permissions and the bell (the page).
QUERIES_PREVIEW = 18


def test_the_preview_page_is_a_fixed_number_of_queries(
    campaign, squad_leader, client_for, django_assert_num_queries
):
    client = client_for(squad_leader)
    data = xlsx([row(n) for n in range(1, 11)])
    client.get(import_url(campaign))  # the session and the user, as on any page

    with django_assert_num_queries(QUERIES_PREVIEW):
        response = upload(client, campaign, data)

    assert outcomes(response) == ["new"] * 10


def test_the_confirmation_is_a_fixed_number_of_queries(tree, supervisor, client_for):
    campaign = running_campaign(tree, supervisor, segments=False)
    client = client_for(supervisor)
    header = [h for h in HEADER if h != "包靠路段"]
    counts = []
    for first, count in ((1, 10), (11, 20)):
        days = [day(n) for n in range(first, first + count)]
        data = xlsx(
            [[d, unit, n, 1, 1.5, ""] for n, d in enumerate(days) for unit in (A, B)],
            header=header,
        )
        preview = upload(client, campaign, data)
        with CaptureQueriesContext(connection) as queries:
            assert confirm(client, campaign, preview).status_code == 302
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1]
    assert Tally.objects.count() == 60
