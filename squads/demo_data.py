"""Demo data for `manage.py seed_demo`: a county-level city modelled on 青州市.

Everything here is invented for demonstrations (names, phones, badge numbers),
loosely following press reports on 青州市综合行政执法局: 机动中队一分队 serves
the streets around 西苑小学 and its 便民市场, 五分队 works along 圣水路, and
communities have a 城管工作站.
"""

from __future__ import annotations

from typing import NamedTuple

# Shown in the command's output; never use these logins outside a demo.
DEMO_PASSWORD = "citydesk-demo"  # noqa: S105 (a published demo password)
SUPERUSER = "admin"

DISTRICT = ("370781", "青州市")

HOURS_OFFICE = "周一至周五 8:30-12:00 13:30-17:30（节假日值班）"
HOURS_PATROL = "每日 7:00-21:00 错时巡查（节假日值班）"
HOURS_TOWN = "周一至周五 8:30-12:00 14:00-18:00（逢集日值班）"
SUPERVISION = "0536-3212319"
HOTLINE = "12319"

STATION_HOURS = "工作日 8:30-17:30"
PARTNERS_CITY = "住建、公安、交警、市场监管、社区居委会"
PARTNERS_TOWN = "住建、派出所、市场监管、村（居）委会"

# Streets (街道, 0xx) and towns (镇, 1xx), as in GB/T 2260; each community is
# listed with the unit that covers it. A community's code is its street's
# code followed by its 1-based position here (370781001001 is 西苑社区).
STREETS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "370781001",
        "王府街道",
        [
            ("西苑社区", "JD-1"),
            ("偶园社区", "JD-2"),
            ("北关社区", "JD-3"),
            ("昭德社区", "JD-4"),
            ("圣水社区", "JD-5"),
        ],
    ),
    (
        "370781002",
        "益都街道",
        [
            ("范公亭社区", "ZD1-1"),
            ("海岱社区", "ZD1-1"),
            ("南关社区", "ZD1-2"),
            ("东关社区", "ZD1-2"),
        ],
    ),
    (
        "370781003",
        "云门山街道",
        [
            ("云门山社区", "ZD2-1"),
            ("驼山社区", "ZD2-1"),
            ("玲珑山社区", "ZD2-2"),
            ("南阳河社区", "ZD2-2"),
        ],
    ),
    (
        "370781004",
        "黄楼街道",
        [
            ("黄楼社区", "ZD3-1"),
            ("迟家庄社区", "ZD3-1"),
            ("大王社区", "ZD3-2"),
            ("夏庄社区", "ZD3-3"),
        ],
    ),
    (
        "370781101",
        "弥河镇",
        [
            ("弥河社区", "XZ-1"),
            ("口埠社区", "XZ-1"),
            ("段村社区", "XZ-1"),
            ("杨集社区", "XZ-1"),
        ],
    ),
    (
        "370781102",
        "王坟镇",
        [
            ("王坟社区", "XZ-2"),
            ("胡林社区", "XZ-2"),
            ("桃园社区", "XZ-2"),
            ("侯王社区", "XZ-2"),
        ],
    ),
    (
        "370781103",
        "庙子镇",
        [
            ("庙子社区", "XZ-3"),
            ("长秋社区", "XZ-3"),
            ("石峪社区", "XZ-3"),
            ("杨家庄社区", "XZ-3"),
        ],
    ),
    (
        "370781104",
        "邵庄镇",
        [
            ("邵庄社区", "XZ-4"),
            ("丁家庄社区", "XZ-4"),
            ("石河社区", "XZ-4"),
            ("尹家庄社区", "XZ-4"),
        ],
    ),
]

# Grids (网格) of one community, coded community code + 001, 002, ...
GRIDS = {"西苑社区": ["第一网格", "第二网格", "第三网格"]}

# Communities whose workstation has not opened yet; every other one has one.
WITHOUT_WORKSTATION = {"杨集社区", "侯王社区", "杨家庄社区", "尹家庄社区"}
STATION_NOTES = {"西苑社区": "（西苑小学东侧，便民市场北门）"}

ITEMS_BRIGADE = [
    "城市管理投诉举报受理（12319）",
    "违法建设举报受理",
    "户外广告设置许可咨询",
    "渣土运输监管",
    "行政执法监督与投诉",
]
ITEMS_SQUADRON = [
    "辖区城市管理问题受理与转办",
    "占道经营、店外经营劝导",
    "广告牌匾设置咨询与备案指导",
    "违法建设举报受理",
    "渣土运输监管",
]
ITEMS_CITY = [
    "占道经营、店外经营劝导",
    "广告牌匾设置咨询与备案指导",
    "非机动车停放秩序",
    "违法建设举报受理",
    "噪声扰民投诉受理",
]
ITEMS_TOWN = [
    "集市占道经营秩序",
    "违法建设举报受理",
    "渣土运输监管",
    "露天烧烤、焚烧劝导",
    "户外广告设置咨询",
]
ITEMS_JD1 = [
    "西苑小学周边流动摊贩引导入便民市场",
    "占道经营、店外经营劝导",
    "学校周边上下学时段秩序维护",
    "非机动车停放秩序",
    "噪声扰民投诉受理",
    "违法建设举报受理",
]
ITEMS_JD5 = [
    "圣水路沿街店铺广告牌匾设置咨询与备案指导",
    "占道经营、店外经营劝导",
    "非机动车停放秩序",
    "乱贴乱画清理",
    "噪声扰民投诉受理",
]


class Unit(NamedTuple):
    code: str
    parent: str | None
    area: str
    name: str
    duty_phone: str
    office_address: str
    items: list[str]
    leader: str = ""
    instructor: str = ""
    officers: tuple[str, ...] = ()
    supervision_phone: str = SUPERVISION
    working_hours: str = HOURS_OFFICE


# Parents come before their children; the list order is the display order.
UNITS = [
    Unit(
        "DD",
        None,
        "370781",
        "青州市综合行政执法大队",
        "0536-3212300",
        "青州市海岱中路1888号",
        ITEMS_BRIGADE,
    ),
    Unit(
        "JD",
        "DD",
        "370781001",
        "机动中队",
        "0536-3212310",
        "青州市王府街道衡王府路66号",
        ITEMS_SQUADRON,
        "张立军",
        "刘晓燕",
        working_hours=HOURS_PATROL,
    ),
    Unit(
        "JD-1",
        "JD",
        "370781001",
        "机动中队一分队",
        "0536-3212311",
        "青州市王府街道西苑路18号（西苑小学北侧）",
        ITEMS_JD1,
        "陈志刚",
        "王丽娜",
        ("赵明亮",),
        working_hours=HOURS_PATROL,
    ),
    Unit(
        "JD-2",
        "JD",
        "370781001",
        "机动中队二分队",
        "0536-3212312",
        "青州市王府街道偶园街26号",
        ITEMS_CITY,
        "李海涛",
        "杨春梅",
        ("周浩",),
        working_hours=HOURS_PATROL,
    ),
    Unit(
        "JD-3",
        "JD",
        "370781001",
        "机动中队三分队",
        "0536-3212313",
        "青州市王府街道北关路9号",
        ITEMS_CITY,
        "吴国栋",
        "徐静",
        ("孙鹏飞",),
        working_hours=HOURS_PATROL,
    ),
    Unit(
        "JD-4",
        "JD",
        "370781001",
        "机动中队四分队",
        "0536-3212314",
        "青州市王府街道昭德路35号",
        ITEMS_CITY,
        "马建新",
        "朱玉兰",
        ("胡振华",),
        working_hours=HOURS_PATROL,
    ),
    Unit(
        "JD-5",
        "JD",
        "370781001",
        "机动中队五分队",
        "0536-3212315",
        "青州市圣水路与范公亭西路交叉口东80米",
        ITEMS_JD5,
        "郭宏伟",
        "何雪莲",
        ("高永强",),
        working_hours=HOURS_PATROL,
    ),
    Unit(
        "ZD1",
        "DD",
        "370781002",
        "城区一中队",
        "0536-3212320",
        "青州市益都街道范公亭中路210号",
        ITEMS_SQUADRON,
        "林志远",
        "罗秀芳",
    ),
    Unit(
        "ZD1-1",
        "ZD1",
        "370781002",
        "城区一中队一分队",
        "0536-3212321",
        "青州市益都街道范公亭中路212号",
        ITEMS_CITY,
        "郑海军",
        "梁晓红",
        ("谢文博",),
    ),
    Unit(
        "ZD1-2",
        "ZD1",
        "370781002",
        "城区一中队二分队",
        "0536-3212322",
        "青州市益都街道南关路51号",
        ITEMS_CITY,
        "宋建平",
        "唐丽君",
        ("许可",),
    ),
    Unit(
        "ZD2",
        "DD",
        "370781003",
        "城区二中队",
        "0536-3212330",
        "青州市云门山街道云门山南路88号",
        ITEMS_SQUADRON,
        "韩德胜",
        "冯淑贞",
    ),
    Unit(
        "ZD2-1",
        "ZD2",
        "370781003",
        "城区二中队一分队",
        "0536-3212331",
        "青州市云门山街道驼山路17号",
        ITEMS_CITY,
        "邓晓峰",
        "曹美玲",
        ("彭磊",),
    ),
    Unit(
        "ZD2-2",
        "ZD2",
        "370781003",
        "城区二中队二分队",
        "0536-3212332",
        "青州市云门山街道玲珑山路103号",
        ITEMS_CITY,
        "曾庆华",
        "萧敏",
        ("田野",),
    ),
    Unit(
        "ZD3",
        "DD",
        "370781004",
        "城区三中队",
        "0536-3212340",
        "青州市黄楼街道黄楼路16号",
        ITEMS_SQUADRON,
        "董建国",
        "袁丽萍",
    ),
    Unit(
        "ZD3-1",
        "ZD3",
        "370781004",
        "城区三中队一分队",
        "0536-3212341",
        "青州市黄楼街道黄楼路18号",
        ITEMS_CITY,
        "潘志勇",
        "蒋红霞",
        ("蔡宁",),
    ),
    Unit(
        "ZD3-2",
        "ZD3",
        "370781004",
        "城区三中队二分队",
        "0536-3212342",
        "青州市黄楼街道大王村东街6号",
        ITEMS_CITY,
        "余成龙",
        "杜晓梅",
        ("叶涛",),
    ),
    Unit(
        "ZD3-3",
        "ZD3",
        "370781004",
        "城区三中队三分队",
        "0536-3212343",
        "青州市黄楼街道夏庄路29号",
        ITEMS_CITY,
        "程立伟",
        "魏春燕",
        ("苏航",),
    ),
    Unit(
        "XZ",
        "DD",
        "370781101",
        "乡镇中队",
        "0536-3212350",
        "青州市弥河镇弥河路20号",
        ITEMS_SQUADRON,
        "吕长青",
        "丁秀云",
        supervision_phone=HOTLINE,
        working_hours=HOURS_TOWN,
    ),
    Unit(
        "XZ-1",
        "XZ",
        "370781101",
        "乡镇中队一分队",
        "0536-3212351",
        "青州市弥河镇弥河路22号",
        ITEMS_TOWN,
        "任光明",
        "沈丽华",
        ("姜伟",),
        HOTLINE,
        HOURS_TOWN,
    ),
    Unit(
        "XZ-2",
        "XZ",
        "370781102",
        "乡镇中队二分队",
        "0536-3212352",
        "青州市王坟镇驻地府前街8号",
        ITEMS_TOWN,
        "范志国",
        "石慧",
        ("姚勇",),
        HOTLINE,
        HOURS_TOWN,
    ),
    Unit(
        "XZ-3",
        "XZ",
        "370781103",
        "乡镇中队三分队",
        "0536-3212353",
        "青州市庙子镇驻地长秋路12号",
        ITEMS_TOWN,
        "谭永生",
        "廖晓琴",
        ("邹斌",),
        HOTLINE,
        HOURS_TOWN,
    ),
    Unit(
        "XZ-4",
        "XZ",
        "370781104",
        "乡镇中队四分队",
        "0536-3212354",
        "青州市邵庄镇驻地邵庄路5号",
        ITEMS_TOWN,
        "熊德明",
        "金凤",
        ("陆超",),
        HOTLINE,
        HOURS_TOWN,
    ),
]

# The demo logins of JD-1 (机动中队一分队); other members get m-<code>-<role>[-n].
DEMO_UNIT_LOGINS = {
    ("JD-1", "squad_leader"): "leader",
    ("JD-1", "instructor"): "instructor",
    ("JD-1", "officer"): "officer",
}

# Bureau-wide staff without a unit: username, full name, role, title.
BUREAU_STAFF = [
    ("dispatcher", "钱晓梅", "dispatcher", "指挥中心受理员"),
    ("supervisor", "周文斌", "supervisor", "督查科科长"),
]

# Usernames that get DEMO_PASSWORD when they are created (besides SUPERUSER).
DEMO_LOGINS = ["dispatcher", "leader", "instructor", "officer", "supervisor"]


def member_phone(n: int) -> str:
    """The n-th invented mobile number (13805360101, ...)."""
    return f"1380536{n:04d}"


def member_badge(n: int) -> str:
    """The n-th invented 执法证号 (37078100101, ...)."""
    return f"370781{n:05d}"


def station_phone(n: int) -> str:
    """The n-th workstation landline (0536-3218001, ...)."""
    return f"0536-32{18000 + n}"
