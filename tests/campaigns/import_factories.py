"""Builders for the import tests: a running campaign with road segments, made
through the services, and tally files written with openpyxl or as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from campaigns.models import Campaign
from campaigns.services import campaign_save, campaign_start, road_segment_save

START = dt.date(2020, 5, 1)
END = dt.date(2020, 5, 31)
# ad boards are counted in 块, posters in 张, lines painted in 米 (a length).
METRICS = ("ad_boards_removed", "posters_cleaned", "lines_painted")
HEADER = [
    "日期",
    "单位",
    "包靠路段",
    "拆除违规广告牌（块）",
    "清理小广告（张）",
    "施划标线（米）",
    "备注",
]


def running_campaign(
    tree: Any,
    supervisor: Any,
    *,
    squads: Sequence[Any] | None = None,
    segments: bool = True,
    name: str = "2020年创建文明城市专项整治",
) -> Campaign:
    """A campaign of May 2020 for units A (with team A1) and B, started."""
    segment_rows = []
    if segments:
        segment_rows = [
            road_segment_save(
                by=supervisor, name="范公亭西路", street=tree.street, squad=tree.unit_a
            ),
            road_segment_save(
                by=supervisor,
                name="云门山路",
                street=tree.other_street,
                squad=tree.unit_b,
            ),
        ]
    campaign = campaign_save(
        by=supervisor,
        name=name,
        kind="civilised_city",
        starts_on=START,
        ends_on=END,
        lead_squad=tree.brigade,
        squads=list(squads) if squads is not None else [tree.unit_a, tree.unit_b],
        road_segments=segment_rows,
        targets=dict.fromkeys(METRICS),
    )
    return campaign_start(campaign=campaign, by=supervisor)


def xlsx(
    rows: Sequence[Sequence[Any]],
    *,
    header: Sequence[str] = HEADER,
    title: str | None = "2020年创建文明城市专项整治",
    sheet: str = "城区一中队",
    more: dict[str, Sequence[Sequence[Any]]] | None = None,
) -> bytes:
    """A workbook: a title row (optional), the header, the rows; more sheets alike."""
    book = Workbook()
    first = book.active
    first.title = sheet
    for worksheet, body in [(first, rows)] + [
        (book.create_sheet(name), extra) for name, extra in (more or {}).items()
    ]:
        if title is not None:
            worksheet.append([title])
        worksheet.append(list(header))
        for row in body:
            worksheet.append(list(row))
            for cell in worksheet[worksheet.max_row]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[Any]], *, header: Sequence[str] = HEADER, bom: bool = True
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def day(n: int) -> dt.date:
    """The n-th day of May 2020."""
    return START + dt.timedelta(days=n - 1)


def seed_metrics() -> None:
    """The metrics migration 0002 seeds, again after a transactional test's flush."""
    from campaigns.metric_data import METRICS as SEEDED
    from campaigns.models import Metric

    for position, (code, name_zh, name_en, unit, kind) in enumerate(SEEDED, 1):
        Metric.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "unit": unit,
                "kind": kind,
                "position": position * 10,
            },
        )
