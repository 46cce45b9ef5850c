"""The relocations list's export: the list's rows, vendors' numbers always masked."""

from __future__ import annotations

import io
from datetime import datetime, time

import openpyxl
import pytest

from citymgmt.exports.models import ExportJob
from tests.vendors.factories import make_market, make_vendor, moved

EXPORT = "/admin/vendors/relocation/export/"
IDENTITY = "370781195501011234"


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = str(tmp_path / "exports")


@pytest.fixture
def relocations(tree, squad_leader, officer):
    market = make_market(tree, squad_leader, stalls=4)
    found = []
    for i in range(2):
        vendor = make_vendor(
            officer,
            name=f"摊主{i}",
            phone=f"1391234000{i}",
            identity_number=IDENTITY,
            identity_consent=True,
        )
        found.append(moved(officer, market, vendor=vendor, number=f"A0{i + 1}"))
    return found


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200, response
    body = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return list(sheet.iter_rows(values_only=True))


def test_a_supervisors_file_masks_vendors_phones_and_identity_numbers(
    relocations, client_for, supervisor
):
    rows = rows_of(client_for(supervisor).post(EXPORT, {"format": "xlsx"}))

    header = rows[0]
    assert header[:6] == ("摊贩", "手机号码", "身份证号", "经营品种", "状态", "市场")
    by_vendor = {row[0]: row for row in rows[1:]}
    assert sorted(by_vendor) == ["摊主0", "摊主1"]
    assert by_vendor["摊主0"][1] == "139****0000"
    assert by_vendor["摊主0"][2] == "370781********1234"
    assert by_vendor["摊主0"][4] == "已入场"
    moved_on = header.index("入场日期")
    # A date column: Excel's date, read back as midnight of that day.
    day = relocations[0].moved_on
    assert by_vendor["摊主0"][moved_on] == datetime.combine(day, time())
    job = ExportJob.objects.get()
    assert (job.kind, job.phones_revealed) == ("relocations", False)


def test_another_unit_exports_none_of_the_units_relocations(
    relocations, client_for, other_squad_leader
):
    rows = rows_of(client_for(other_squad_leader).post(EXPORT, {"format": "xlsx"}))

    assert rows[1:] == []


def test_the_file_follows_the_lists_filter(relocations, client_for, squad_leader):
    client = client_for(squad_leader)

    moved_rows = rows_of(
        client.post(f"{EXPORT}?status__exact=moved", {"format": "xlsx"})
    )
    offered_rows = rows_of(
        client.post(f"{EXPORT}?status__exact=offered", {"format": "xlsx"})
    )

    assert len(moved_rows) == 3
    assert offered_rows[1:] == []


def test_the_relocations_list_shows_the_export_button(
    relocations, client_for, squad_leader
):
    page = client_for(squad_leader).get("/admin/vendors/relocation/").content.decode()

    assert f'action="{EXPORT}"' in page
