"""Exports of admin lists (citymgmt.exports), through the complaints list.

The file holds the list's rows (scope, filters, search), with Chinese
headers, numbers as numbers and dates as dates; phones are masked unless
the user may reveal them, and a file with full numbers is logged like a
reveal. Long lists go to a real worker and a progress page; only the
requester opens the job; files expire and the sweep deletes them.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import time_machine
import xlsxwriter
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from citymgmt.exports import services
from citymgmt.exports.models import ExportJob, ExportStatus
from citymgmt.exports.writers import CsvSheet, XlsxSheet
from complaints.models import Action, ComplaintEvent
from tests.complaints.factories import submit, walk_to
from tests.conftest import project_app, wait_for
from tests.notifications.conftest import worker_process  # noqa: F401 - a fixture

LIST = "/admin/complaints/complaint/"
EXPORT = LIST + "export/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "受理编号",
    "提交时间",
    "状态",
    "优先级",
    "诉求类型",
    "来源渠道",
    "类别",
    "街道",
    "社区",
    "地址",
    "问题描述",
    "市民姓名",
    "手机号码",
    "承办单位",
    "承办人",
    "处置方式（721）",
    "满意度",
    "当前环节期限",
    "结案时间",
    "返工次数",
]
FORMULA = '=HYPERLINK("http://example.com") 校门口有摊贩占道经营，请尽快处理。'


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path) -> Path:
    settings.EXPORT_ROOT = str(tmp_path / "exports")
    return Path(settings.EXPORT_ROOT)


@pytest.fixture
def cases(tree, users):
    """Two cases dispatched to unit A (one typed like a formula), one to unit B."""
    first = walk_to(submit(tree, phone="13912340001"), "dispatched", users)
    second = walk_to(
        submit(tree, phone="13912340002", description=FORMULA), "dispatched", users
    )
    other = walk_to(
        submit(tree, phone="13912340003", community=tree.community_b),
        "dispatched",
        users,
    )
    return [first, second, other]


def workbook(response):
    body = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(body))


def rows_of(book) -> list[tuple]:
    return list(book.active.iter_rows(values_only=True))


def export(client, *, query: str = "", format: str = "xlsx", path: str = EXPORT):
    return client.post(f"{path}?{query}" if query else path, {"format": format})


def reveal_events():
    return ComplaintEvent.objects.filter(
        action=Action.REVEAL_PHONE, payload__via="export"
    )


def test_a_supervisor_downloads_the_list_as_excel_in_chinese_with_numbers_and_dates(
    cases, client_for, supervisor
):
    response = export(client_for(supervisor))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    book = workbook(response)
    sheet = book.active
    assert sheet.title == "投诉"
    rows = rows_of(book)
    assert list(rows[0]) == HEADERS
    assert sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert len(rows) == 4
    by_reference = {row[0]: row for row in rows[1:]}
    first = by_reference[cases[0].reference]
    submitted = timezone.localtime(cases[0].submitted_at).replace(tzinfo=None)
    assert abs(first[1] - submitted) < timedelta(milliseconds=1)
    assert first[2] == "已派遣"
    assert first[6] == "09006 占道经营"
    assert first[12] == "13912340001"  # the supervisor may reveal phones
    assert first[13] == "城区一中队"
    assert first[19] == 0 and isinstance(first[19], int)
    assert sheet.cell(row=2, column=2).is_date


def test_a_file_with_full_phones_is_logged_like_a_reveal_on_every_case(
    cases, client_for, supervisor
):
    export(client_for(supervisor))

    job = ExportJob.objects.get()
    assert (job.status, job.phones_revealed, job.rows_written, job.is_async) == (
        ExportStatus.DONE,
        True,
        3,
        False,
    )
    events = reveal_events()
    assert sorted(e.complaint_id for e in events) == sorted(c.pk for c in cases)
    assert {(e.actor_id, e.role, e.payload["export"]) for e in events} == {
        (supervisor.pk, "supervisor", job.pk)
    }
    assert not any(e.is_public for e in events)


def test_a_leader_gets_masked_phones_and_only_the_units_cases(
    cases, client_for, squad_leader
):
    rows = rows_of(workbook(export(client_for(squad_leader))))

    assert sorted(row[0] for row in rows[1:]) == sorted(c.reference for c in cases[:2])
    assert sorted(row[12] for row in rows[1:]) == ["139****0001", "139****0002"]
    assert not reveal_events().exists()
    assert ExportJob.objects.get().phones_revealed is False


def test_the_file_holds_what_the_lists_filters_and_search_select(
    cases, tree, client_for, supervisor
):
    client = client_for(supervisor)

    by_unit = rows_of(
        workbook(export(client, query=f"squad__id__exact={tree.unit_b.pk}"))
    )
    searched = rows_of(workbook(export(client, query=f"q={cases[1].reference}")))

    assert [row[0] for row in by_unit[1:]] == [cases[2].reference]
    assert [row[0] for row in searched[1:]] == [cases[1].reference]
    assert ExportJob.objects.filter(query__startswith="squad__id__exact=").exists()


def test_a_lookup_the_list_refuses_exports_nothing(cases, client_for, supervisor):
    response = export(client_for(supervisor), query="phone__startswith=139")

    assert response.status_code == 302
    assert response["Location"] == LIST + "?e=1"
    assert not ExportJob.objects.exists()


def test_a_get_or_an_unknown_format_exports_nothing(cases, client_for, supervisor):
    client = client_for(supervisor)

    assert client.get(EXPORT).status_code == 405
    refused = export(client, format="pdf", query="status__exact=dispatched")
    assert refused.status_code == 302
    assert refused["Location"] == LIST + "?status__exact=dispatched"
    assert "请选择" in client.get(refused["Location"]).content.decode()
    assert not ExportJob.objects.exists()


def test_csv_starts_with_a_bom_reads_as_utf8_and_defuses_formulas(
    cases, client_for, supervisor
):
    client = client_for(supervisor)
    response = export(client, format="csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    descriptions = {row[0]: row[10] for row in rows[1:]}
    assert descriptions[cases[1].reference] == "'" + FORMULA
    # In Excel the same text is a string, never a formula.
    book = workbook(export(client))
    cells = [
        row[10]
        for row in book.active.iter_rows(min_row=2)
        if row[0].value == cases[1].reference
    ]
    assert cells[0].value == FORMULA and cells[0].data_type == "s"


def test_the_export_button_is_on_the_list_and_costs_no_query(
    cases, client_for, supervisor, django_assert_num_queries
):
    client = client_for(supervisor)
    client.get(LIST)  # the process's reference data, read once
    # As many as the list without the button (tests/complaints pin the list).
    with django_assert_num_queries(5):
        response = client.get(LIST + "?status__exact=dispatched")

    page = response.content.decode()
    assert (
        'action="/admin/complaints/complaint/export/?status__exact=dispatched"' in page
    )
    assert "导出" in page and 'value="xlsx"' in page and 'value="csv"' in page


def test_every_kind_of_cell_reads_back_as_xlsxwriters_own_cells_do(tmp_path):
    """The rows the writer serialises itself read back like xlsxwriter's."""
    texts = ["a & b < c > d", "  leading", "trailing  ", "_x0041_", "bell\x07", "中文"]
    rows = [[text, Decimal("12.50"), date(2026, 3, 1)] for text in texts]
    rows += [[None, 7, datetime.fromisoformat("2026-03-01T08:30:15")], [True, 0.25, ""]]
    ours = XlsxSheet(
        tmp_path / "ours.xlsx", title="测试:表[1]", headers=["文本", "数", "日期"]
    )
    for row in rows:
        ours.write(row)
    ours.close()
    theirs = xlsxwriter.Workbook(
        str(tmp_path / "theirs.xlsx"), {"constant_memory": True}
    )
    sheet = theirs.add_worksheet()
    when = theirs.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, (date, datetime)):
                sheet.write_datetime(r, c, value, when)
            elif isinstance(value, Decimal):
                sheet.write_number(r, c, float(value))
            elif value not in (None, ""):
                sheet.write(r, c, value)
    theirs.close()

    read = [
        list(
            openpyxl.load_workbook(tmp_path / name).active.iter_rows(
                min_row=2, values_only=True
            )
        )
        for name in ("ours.xlsx", "theirs.xlsx")
    ]
    assert read[0] == read[1]
    assert [row[0] for row in read[0][:3]] == texts[:3]
    assert read[0][0][1:] == (12.5, datetime.fromisoformat("2026-03-01"))
    assert read[0][len(texts)] == (
        None,
        7,
        datetime.fromisoformat("2026-03-01T08:30:15"),
    )
    assert openpyxl.load_workbook(tmp_path / "ours.xlsx").active.title == "测试 表 1"


def test_csv_cells_are_text_a_spreadsheet_reads_as_written(tmp_path):
    path = tmp_path / "cells.csv"
    plain = CsvSheet(path, title="", headers=["文本", "数", "时间", "日期"])
    plain.write(
        [
            "-1+1",
            Decimal("12.50"),
            datetime.fromisoformat("2026-03-01T08:30"),
            date(2026, 3, 1),
        ]
    )
    plain.close()

    assert path.read_bytes().decode("utf-8-sig").splitlines() == [
        "文本,数,时间,日期",
        "'-1+1,12.50,2026-03-01 08:30:00,2026-03-01",
    ]


# --- Long lists: a real worker, the progress page, the requester only ----------


@pytest.mark.django_db(transaction=True)
def test_a_long_list_goes_to_a_worker_with_progress_and_only_its_requester_gets_it(
    tree,
    users,
    client_for,
    settings,
    redis_url,
    worker_process,  # noqa: F811 - the fixture imported above
    export_root,
):
    for n in range(5):
        submit(tree, phone=f"1391234100{n}")
    settings.EXPORT_SYNC_MAX_ROWS = 2
    settings.EXPORT_CELERY_APP = project_app(broker_url=redis_url)
    settings.EXPORT_CELERY_APP.control.purge()
    worker = worker_process(redis_url, EXPORT_ROOT=str(export_root))
    assert wait_for(worker.ready, 90), worker.output()
    dispatcher, supervisor = users["dispatcher"], users["supervisor"]
    client = client_for(dispatcher)

    response = export(client)

    job = ExportJob.objects.get()
    page = f"/admin/exports/exportjob/{job.pk}/progress/"
    status = f"/admin/exports/exportjob/{job.pk}/status/"
    download = f"/admin/exports/exportjob/{job.pk}/download/"
    assert response.status_code == 302 and response["Location"] == page
    assert job.is_async
    waiting = client.get(page)
    assert "<progress" in waiting.content.decode()
    assert "exports/progress.js" in waiting.content.decode()
    assert "script-src 'self'" in waiting["Content-Security-Policy"]
    seen = []

    def finished() -> bool:
        state = client.get(status).json()
        seen.append(state)
        return state["finished"]

    assert wait_for(finished, 60), worker.output()
    final = seen[-1]
    assert final["status"] == "done"
    assert final["rows_written"] == final["total"] == 5
    assert final["percent"] == 100
    done = client.get(page).content.decode()
    assert "下载文件" in done and "有效" in done and "24" in done
    rows = rows_of(workbook(client.get(download)))
    assert len(rows) == 6
    # The dispatcher may reveal phones: logged on every case by the worker.
    assert reveal_events().count() == 5
    other = client_for(supervisor)
    for url in (page, status, download):
        assert other.get(url).status_code == 404
    assert other.post(f"/admin/exports/exportjob/{job.pk}/retry/").status_code == 404


def test_an_expired_link_says_so_in_chinese_and_the_sweep_deletes_the_file(
    cases, client_for, supervisor, export_root
):
    client = client_for(supervisor)
    export(client)
    job = ExportJob.objects.get()
    kept = export_root / job.file
    assert kept.exists()
    assert job.expires_at - job.finished_at == timedelta(hours=24)
    download = f"/admin/exports/exportjob/{job.pk}/download/"

    with time_machine.travel(job.expires_at + timedelta(minutes=1)):
        expired = client.get(download)
        swept = services.exports_sweep()

    assert expired.status_code == 410
    assert "已过期" in expired.content.decode()
    assert swept == 1
    assert not kept.exists()
    job.refresh_from_db()
    assert job.file == "" and job.status == ExportStatus.DONE
    assert client.get(download).status_code == 410
    assert (
        "已过期"
        in client.get(f"/admin/exports/exportjob/{job.pk}/progress/").content.decode()
    )


@pytest.mark.django_db
def test_the_sweep_runs_from_beat_every_half_hour():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="citymgmt.exports.sweep")
    assert (task.interval.every, task.interval.period) == (30, "minutes")


def test_a_failed_export_says_so_and_is_queued_again_on_retry(
    cases, client_for, supervisor, django_capture_on_commit_callbacks
):
    job = ExportJob.objects.create(
        requested_by=supervisor,
        kind="complaints",
        query="phone__startswith=139",
        format="xlsx",
        is_async=True,
    )
    job = services.export_write(job_id=job.pk)
    assert job.status == ExportStatus.FAILED
    client = client_for(supervisor)
    page = client.get(f"/admin/exports/exportjob/{job.pk}/progress/").content.decode()
    assert "导出失败" in page and 'id="export-retry"' in page

    with django_capture_on_commit_callbacks() as queued:
        retried = client.post(f"/admin/exports/exportjob/{job.pk}/retry/")

    assert retried.status_code == 302
    job.refresh_from_db()
    assert job.status == ExportStatus.QUEUED and job.error == ""
    assert len(queued) == 1
    assert client.get(f"/admin/exports/exportjob/{job.pk}/retry/").status_code == 405


def test_a_job_whose_worker_died_shows_as_failed(cases, client_for, supervisor):
    job = ExportJob.objects.create(
        requested_by=supervisor,
        kind="complaints",
        format="csv",
        is_async=True,
        status=ExportStatus.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
    )
    client = client_for(supervisor)

    state = client.get(f"/admin/exports/exportjob/{job.pk}/status/").json()

    assert (state["status"], state["finished"]) == ("failed", True)
    page = client.get(f"/admin/exports/exportjob/{job.pk}/progress/").content.decode()
    assert 'id="export-retry"' in page


def test_the_job_pages_read_a_fixed_number_of_queries(
    cases, client_for, supervisor, django_assert_num_queries
):
    client = client_for(supervisor)
    export(client)
    job = ExportJob.objects.get()
    base = f"/admin/exports/exportjob/{job.pk}/"

    with django_assert_num_queries(3):
        client.get(base + "status/")
    with django_assert_num_queries(3):
        client.get(base + "progress/")
    with django_assert_num_queries(3):
        b"".join(client.get(base + "download/").streaming_content)


def test_the_export_reads_the_same_number_of_queries_for_more_rows(
    cases, tree, users, client_for, squad_leader
):
    client = client_for(squad_leader)
    with CaptureQueriesContext(connection) as few:
        export(client)
    for n in range(4):
        walk_to(submit(tree, phone=f"1381234000{n}"), "dispatched", users)
    with CaptureQueriesContext(connection) as more:
        export(client)

    assert len(rows_of(workbook(export(client)))) == 7
    assert len(more) == len(few)


def test_supervisors_read_the_export_log_and_leaders_may_not(
    cases, client_for, supervisor, squad_leader, django_assert_num_queries
):
    export(client_for(squad_leader))
    export(client_for(supervisor), format="csv")
    reader = client_for(supervisor)

    with django_assert_num_queries(6):
        log = reader.get("/admin/exports/exportjob/?kind=complaints")
    assert log.status_code == 200
    assert "leader_a" in log.content.decode()
    assert "投诉" in log.content.decode()
    assert client_for(squad_leader).get("/admin/exports/exportjob/").status_code == 403
