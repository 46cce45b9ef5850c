"""The categories a new installation starts with: GB/T 47678.5-2026 and local ones."""

STANDARD = "GB/T 47678.5-2026"
# code, Chinese name, English name, major class, priority, needs photos
CATEGORIES = [
    ("06001", "私搭乱建", "Illegal structure", "06", "normal", True),
    ("06007", "沿街晾挂", "Laundry hung along the street", "06", "normal", True),
    ("06010", "暴露垃圾", "Exposed rubbish", "06", "normal", True),
    ("06011", "积存垃圾渣土", "Accumulated rubbish or spoil", "06", "normal", True),
    ("06012", "道路不洁", "Dirty road", "06", "normal", True),
    ("06017", "绿地脏乱", "Dirty green space", "06", "normal", True),
    ("06028", "噪声扰民", "Noise nuisance", "06", "normal", False),
    ("06029", "露天烧烤", "Open-air barbecue", "06", "normal", True),
    ("06036", "乱堆杂物", "Piled materials", "06", "normal", True),
    ("06042", "垃圾站（箱）满溢", "Overflowing bins", "06", "normal", True),
    (
        "06045",
        "非法占绿毁绿",
        "Green space occupied or destroyed",
        "06",
        "normal",
        True,
    ),
    ("07001", "非法小广告", "Illegal flyers and stickers", "07", "normal", True),
    ("07002", "街头散发广告", "Flyers handed out in the street", "07", "normal", False),
    (
        "07003",
        "违规户外广告",
        "Non-compliant outdoor advertising",
        "07",
        "normal",
        True,
    ),
    ("07006", "违规牌匾标识", "Non-compliant shop signs", "07", "normal", True),
    (
        "07007",
        "违规标语宣传品",
        "Non-compliant banners and posters",
        "07",
        "normal",
        True,
    ),
    ("08001", "施工扰民", "Construction disturbance", "08", "normal", False),
    ("08002", "施工占道", "Construction occupying the road", "08", "normal", True),
    ("08003", "无证掘路", "Road dug without a permit", "08", "urgent", True),
    ("08004", "工地扬尘", "Construction site dust", "08", "normal", True),
    ("08005", "施工废弃料", "Construction waste", "08", "normal", True),
    ("08011", "渣土运输车辆未密闭", "Uncovered spoil truck", "08", "normal", False),
    ("08016", "无证建设", "Unpermitted construction", "08", "normal", True),
    ("09001", "无照经营游商", "Unlicensed street hawker", "09", "normal", True),
    (
        "09002",
        "早（夜）市管理问题",
        "Morning or night market problem",
        "09",
        "normal",
        True,
    ),
    ("09003", "流浪乞讨", "Begging", "09", "normal", False),
    ("09004", "废品收购乱象", "Disorderly scrap collection", "09", "normal", True),
    ("09005", "店外经营", "Trading outside the shop", "09", "normal", True),
    ("09006", "占道经营", "Trading on the road", "09", "normal", True),
    ("09009", "机动车乱停放", "Motor vehicle parked illegally", "09", "normal", True),
    (
        "09010",
        "非机动车乱停放",
        "Bicycles and e-bikes parked illegally",
        "09",
        "normal",
        True,
    ),
    ("09012", "占用消防通道", "Fire lane blocked", "09", "urgent", True),
    ("09015", "无证餐饮", "Unlicensed catering", "09", "normal", True),
    ("10001", "道路积雪结冰", "Snow or ice on the road", "10", "urgent", True),
    ("10002", "架空线缆脱落", "Fallen overhead cable", "10", "urgent", True),
]
# Local categories owned by other departments: the citizen sees a notice first.
REFERRALS = [
    (
        "10901",
        "物业服务纠纷",
        "Property management dispute",
        "住建部门（物业主管部门）",
        "物业收费、物业服务质量等纠纷由住建部门（物业主管部门）处理。您仍可提交，"
        "我们会转交并告知您办理渠道。",
        "Disputes over property fees or services are handled by the housing "
        "department. You may still submit; we will pass it on and tell you where "
        "it went.",
    ),
    (
        "10902",
        "道路交通违法",
        "Traffic violation on the roadway",
        "公安交通管理部门",
        "机动车道上的违停、闯红灯等交通违法由公安交警处理，可拨打 122。人行道和"
        "小区内的乱停放请选择“机动车乱停放”。",
        "Parking or driving offences on the roadway are for the traffic police "
        "(dial 122). For cars on pavements or in residential areas choose "
        "“Motor vehicle parked illegally”.",
    ),
    (
        "10903",
        "供水供暖燃气故障",
        "Water, heating or gas fault",
        "供水、供热、燃气企业",
        "停水、停暖、燃气故障请直接联系供水、供热或燃气企业的服务热线；燃气泄漏"
        "请立即拨打 119。",
        "Report water, heating or gas faults to the utility's hotline; for a gas "
        "leak call 119 at once.",
    ),
]


def seed_categories(apps) -> None:
    """Create or update every category listed here (run by a migration)."""
    Category = apps.get_model("complaints", "Category")
    for code, zh, en, major, priority, photos in CATEGORIES:
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "major_class": major,
                "default_priority": priority,
                "requires_disposal_photos": photos,
                "standard_ref": STANDARD,
            },
        )
    for code, zh, en, referral, notice_zh, notice_en in REFERRALS:
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "major_class": "10",
                "standard_ref": "local",
                "referral_to": referral,
                "notice_zh": notice_zh,
                "notice_en": notice_en,
                "requires_disposal_photos": False,
            },
        )
