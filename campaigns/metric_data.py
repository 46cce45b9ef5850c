"""The metrics the bureau counts, from the campaigns its reports describe.

Seeded by migration 0002 (and kept there as a copy, as migrations must be);
`code`, Chinese name, English name, unit, kind. The Qingzhou civilised-city
drive and the Pingdu open day (`../shared/seeds/`) are where the figures come
from; an admin adds more in the metrics' admin.
"""

METRICS: list[tuple[str, str, str, str, str]] = [
    ("ad_boards_removed", "拆除违规广告牌", "Ad boards removed", "块", "count"),
    ("posters_cleaned", "清理小广告", "Posters and flyers cleaned", "张", "count"),
    ("parking_notices", "张贴违停告知单", "Parking warning notices", "张", "count"),
    ("vehicles_penalised", "处罚违停车辆", "Vehicles penalised", "台", "count"),
    ("evidence_held", "暂扣物品", "Evidence items held", "件", "count"),
    ("parking_spaces_painted", "施划停车位", "Parking spaces painted", "个", "count"),
    ("lines_painted", "施划标线", "Lines painted", "米", "length"),
    ("notice_boards_installed", "设置宣传牌", "Notice boards installed", "块", "count"),
    ("warning_signs_installed", "设置警示牌", "Warning signs installed", "块", "count"),
    (
        "letters_handed_out",
        "发放告市民书",
        "Letters to citizens handed out",
        "份",
        "count",
    ),
    ("officers_deployed", "出动执法人员", "Officers deployed", "人次", "count"),
    ("leaflets_handed_out", "发放宣传单", "Leaflets handed out", "份", "count"),
    ("clutter_cleared", "清理乱堆乱放", "Clutter cleared", "处", "count"),
    ("graffiti_cleared", "清理乱贴乱画", "Posters and graffiti cleared", "处", "count"),
    (
        "green_encroachment_cleared",
        "清理毁绿占绿",
        "Green space encroachments cleared",
        "处",
        "count",
    ),
    ("visitors_received", "接待参观市民", "Visitors received", "人次", "count"),
    (
        "illegal_structures_demolished",
        "拆除违法建设",
        "Illegal structures demolished",
        "m²",
        "area",
    ),
    ("fines_collected", "罚款金额", "Fines", "元", "money"),
]


def seed_metrics(apps) -> None:
    """Create or update every metric listed here (what migration 0002 seeded).

    The test suite calls it after a transactional test's flush.
    """
    Metric = apps.get_model("campaigns", "Metric")
    for position, (code, name_zh, name_en, unit, kind) in enumerate(METRICS, 1):
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
