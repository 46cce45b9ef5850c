"""Seed the metrics the articles count, and give the roles their permissions."""

from django.db import migrations

# A copy of campaigns.metric_data.METRICS as it was when this migration was written.
METRICS = [
    ("ad_boards_removed", "拆除违规广告牌", "Ad boards removed", "块", "count"),
    ("posters_cleaned", "清理小广告", "Posters and flyers cleaned", "张", "count"),
    ("parking_notices", "张贴违停告知单", "Parking warning notices", "张", "count"),
    ("vehicles_penalised", "处罚违停车辆", "Vehicles penalised", "台", "count"),
    ("evidence_held", "暂扣物品", "Evidence items held", "件", "count"),
    ("parking_spaces_painted", "施划停车位", "Parking spaces painted", "个", "count"),
    ("lines_painted", "施划标线", "Lines painted", "米", "length"),
    ("notice_boards_installed", "设置宣传牌", "Notice boards installed", "块", "count"),
    ("warning_signs_installed", "设置警示牌", "Warning signs installed", "块", "count"),
    ("letters_handed_out", "发放告市民书", "Letters to citizens handed out", "份", "count"),
    ("officers_deployed", "出动执法人员", "Officers deployed", "人次", "count"),
    ("leaflets_handed_out", "发放宣传单", "Leaflets handed out", "份", "count"),
    ("clutter_cleared", "清理乱堆乱放", "Clutter cleared", "处", "count"),
    ("graffiti_cleared", "清理乱贴乱画", "Posters and graffiti cleared", "处", "count"),
    ("green_encroachment_cleared", "清理毁绿占绿", "Green space encroachments cleared", "处", "count"),
    ("visitors_received", "接待参观市民", "Visitors received", "人次", "count"),
    ("illegal_structures_demolished", "拆除违法建设", "Illegal structures demolished", "m²", "area"),
    ("fines_collected", "罚款金额", "Fines", "元", "money"),
]


def seed_metrics(apps, schema_editor):
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


def sync_roles(apps, schema_editor):
    from squads.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("vendors", "0005_link_complaint_action"),
    ]

    operations = [
        migrations.RunPython(seed_metrics, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
