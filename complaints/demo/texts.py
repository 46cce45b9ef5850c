"""What the demo cases say and how they unfold: texts, scenarios and delays."""

from __future__ import annotations

from complaints.models import Channel, Method, Satisfaction

SEED = 20261123
DAYS = 90
STORY_COMMUNITY = "西苑社区"

ROADS = [
    "范公亭路",
    "云门山路",
    "海岱路",
    "驼山路",
    "玲珑山路",
    "益都路",
    "昭德路",
    "北关路",
    "偶园街",
    "衡王府路",
    "圣水路",
    "黄楼路",
    "西苑路",
    "南阳河路",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林郑"

# category code -> (weight, [(request type, description template)]); {road} and
# {n} are filled in per case. Referral categories (109xx) are rejected.
TEXTS: dict[str, tuple[int, list[tuple[str, str]]]] = {
    "09006": (
        14,
        [
            (
                "complaint",
                "{road}{n}号附近有摊贩在人行道上摆摊卖水果蔬菜，行人只能走机动车道。",
            ),
            (
                "complaint",
                "傍晚{road}路口有三四个流动摊点占道经营，油烟大，垃圾随地扔。",
            ),
            ("report", "{road}菜市场外侧马路上早上五点就有人摆摊，堵住了公交站。"),
        ],
    ),
    "09005": (
        8,
        [
            (
                "complaint",
                "{road}{n}号的饭店把桌椅摆到店外人行道上经营，晚上十一点多还不收。",
            ),
            ("complaint", "{road}几家五金店把货物堆在门口人行道上，盲道全被占了。"),
        ],
    ),
    "09001": (
        5,
        [("complaint", "三轮车游商在{road}小区门口吆喝叫卖，占用小区出入口。")],
    ),
    "09009": (
        9,
        [
            ("complaint", "{road}{n}号楼下人行道上长期停着几辆私家车，盲道被占。"),
            ("report", "{road}小区门口每天有车辆停在人行道上，老人推车过不去。"),
        ],
    ),
    "09010": (
        7,
        [
            ("complaint", "{road}公交站附近共享单车和电动车乱停，把站台都堵住了。"),
            (
                "suggestion",
                "建议在{road}商业街口划设非机动车停放区，现在电动车到处停。",
            ),
        ],
    ),
    "06028": (
        7,
        [("complaint", "{road}{n}号商铺门口用大喇叭循环播放促销广告，影响居民休息。")],
    ),
    "06029": (
        5,
        [("complaint", "每晚{road}路边有露天烧烤摊，烟熏得楼上住户不敢开窗。")],
    ),
    "06010": (
        6,
        [
            (
                "complaint",
                "{road}{n}号附近绿化带里堆着生活垃圾，好几天没人清理，有异味。",
            )
        ],
    ),
    "06036": (
        5,
        [("complaint", "{road}路边堆放装修垃圾和旧家具，占用人行道好几天了。")],
    ),
    "06042": (
        4,
        [("help", "{road}{n}号附近的垃圾箱已经满溢，垃圾散落一地，请尽快清运。")],
    ),
    "07001": (
        5,
        [("complaint", "{road}一带的电线杆和墙面被贴满了办证、开锁小广告。")],
    ),
    "07003": (
        3,
        [("report", "{road}{n}号楼顶的大型广告牌松动，刮风时晃动，担心掉下来伤人。")],
    ),
    "07006": (
        3,
        [("inquiry", "想在{road}开店，门头牌匾的尺寸和设置需要办什么手续？")],
    ),
    "08001": (
        4,
        [("complaint", "{road}附近工地晚上十点以后还在施工，噪音很大。")],
    ),
    "08004": (
        3,
        [("complaint", "{road}工地裸土没有覆盖防尘网，刮风时尘土飞扬。")],
    ),
    "08011": (
        3,
        [("report", "渣土车在{road}上行驶没有密闭，沿路撒漏泥土。")],
    ),
    "06001": (
        3,
        [("report", "{road}{n}号一楼住户在院外私自搭建彩钢棚，占用公共空间。")],
    ),
    "09012": (
        2,
        [("help", "{road}小区的消防通道被车辆和杂物堵住，消防车进不来。")],
    ),
    "10001": (
        1,
        [("help", "{road}人行道结冰很滑，已经有老人摔倒，请尽快清理。")],
    ),
}
REFERRAL_TEXTS = {
    "10901": "小区物业收费上涨但服务很差，电梯经常坏，找物业没人管。",
    "10902": "{road}机动车道上经常有车辆违停、逆行，很危险。",
    "10903": "{road}{n}号小区停水两天了，没有任何通知。",
}
RESOLUTIONS = {
    Method.SERVICE: [
        "队员到场宣传劝导，当事人已自行整改，现场恢复正常。",
        "已引导摊贩进入附近便民市场经营，并告知今后不得占道。",
        "联系环卫部门及时清理，并向周边商户发放告知书。",
    ],
    Method.MANAGEMENT: [
        "已下达责令限期整改通知书，当事人当场整改完毕，队员复查合格。",
        "约谈施工单位负责人，已落实覆盖、冲洗和夜间停工措施。",
    ],
    Method.ENFORCEMENT: [
        "经多次劝导拒不整改，依法立案调查并作出罚款处罚，现场已清理。",
        "依法暂扣占道经营物品，开具暂扣凭证，现场恢复通畅。",
    ],
}
REJECTIONS = {
    "10901": "物业服务纠纷不属城管职责，已告知市民向住建部门（物业主管部门）反映。",
    "10902": "机动车道上的交通违法由公安交警处理，已告知市民拨打 122。",
    "10903": "停水问题由供水企业处理，已告知市民供水服务热线。",
}
CANCEL_REASONS = [
    "市民来电撤回诉求，经督查科确认作废。",
    "同一市民通过两个渠道重复登记，保留热线工单，本单作废。",
    "工单信息系录入错误，已重新登记，本单作废。",
]
RATING_COMMENTS = {
    Satisfaction.SATISFIED: ["处理很及时，谢谢！", "城管队员态度很好。", ""],
    Satisfaction.BASICALLY: ["基本解决了，希望能长期保持。", ""],
    Satisfaction.DISSATISFIED: ["过了两天又恢复原样了，问题没有解决。"],
}

# How many cases end in each way; the story of 西苑小学 is one more.
SCENARIOS = {
    "closed": 88,
    "rework": 8,
    "rework_open": 2,
    "returned": 6,
    "returned_open": 2,
    "reopened": 4,
    "reopened_closed": 4,
    "rejected": 12,
    "duplicate": 10,
    "cancelled": 5,
    "submitted": 12,
    "registered": 8,
    "dispatched": 10,
    "processing": 16,
    "disposed": 12,
}
# Open cases are young: the range of their age in days.
OPEN_AGES = {
    "submitted": (0.02, 1.0),
    "registered": (0.2, 2.0),
    "dispatched": (0.3, 3.0),
    "processing": (0.5, 8.0),
    "disposed": (1.0, 10.0),
    "rework_open": (3.0, 15.0),
    "returned_open": (0.5, 4.0),
    "reopened": (8.0, 30.0),
}
CHANNELS = [
    (Channel.WEB, 45),
    (Channel.HOTLINE_12345, 25),
    (Channel.PHONE, 10),
    (Channel.WALK_IN, 6),
    (Channel.PATROL, 8),
    (Channel.OPEN311, 6),
]
# The delay before each step, in minutes: (shortest, longest).
DELAYS = {
    "accept": (10, 180),
    "dispatch": (5, 120),
    "sign": (15, 300),
    "assign": (2, 30),
    "dispose": (180, 4 * 1440),
    "verify": (120, 1.5 * 1440),
    "rework": (120, 1440),
    "return": (60, 1440),
    "reject": (20, 240),
    "merge": (30, 360),
    "cancel": (60, 2 * 1440),
    "rate": (60, 3 * 1440),
}

# The 西苑小学 story: a parent's complaint that ends with the vendors in a market.
STORY = {
    "category": "09006",
    "description": (
        "西苑小学南门每天放学时段（16:30 前后）有七八个流动摊贩在校门口摆摊，"
        "卖烤肠、水果和玩具，把校门口和人行道都堵住了，接孩子的家长和学生只能"
        "走机动车道，非常危险。希望城管在放学时段管一管。"
    ),
    "address": "青州市王府街道西苑社区西苑路西苑小学南门",
    "phone": "13953612846",
    "citizen_name": "林女士",
    "steps": [
        ("accept", {"opinion": "涉及学生上下学安全，予以受理，优先处理。"}),
        ("dispatch", {}),
        ("sign", {"by": "leader"}),
        ("assign", {}),
        (
            "dispose",
            {
                "method": Method.SERVICE,
                "resolution": (
                    "一分队放学时段到场，宣传学校周边禁止占道经营的规定，"
                    "引导 7 名摊贩进入西苑小学东侧的便民市场经营，"
                    "免收摊位费三个月；放学时段安排队员在南门定点值守，"
                    "校门口已恢复通畅。"
                ),
                "story": True,
            },
        ),
        ("verify", {"opinion": "指挥中心放学时段视频巡查并电话回访，校门口通行正常。"}),
        (
            "rate",
            {
                "satisfaction": Satisfaction.SATISFIED,
                "comment": "现在放学接孩子安全多了，摊贩都去市场里了，谢谢城管！",
            },
        ),
    ],
    # Minutes from one step to the next, from the filing at 16:48.
    "delays": [17, 3, 12, 2, 22 * 60 + 50, 17 * 60, 4 * 60],
}
