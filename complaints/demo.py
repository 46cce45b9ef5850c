"""Demo complaints for `manage.py seed_demo`: about 200 cases over the last 90 days.

Runs after the squads demo data (青州市, 370781). Every case is filed and moved
through the workflow by complaints.services with the demo users, then its
timestamps are moved back to a plausible past (each stage minutes, hours or
days after the previous one) and its reference rewritten to the day it was
filed, keeping DailySequence ahead of the demo numbers. Deterministic: the
same random seed gives the same cases. A second run leaves complaints alone.
"""

from __future__ import annotations

import io
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image, ImageDraw

from citymgmt.photos import PreparedPhoto, prepare_photo
from complaints import deadlines
from complaints.models import (
    Attachment,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    DailySequence,
    Method,
    RequestType,
    Satisfaction,
    Status,
)
from complaints.services import ACTION_SERVICES, complaint_rate, complaint_submit
from squads.models import Area, Member, Squad

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


@dataclass
class Step:
    action: str  # a workflow action, or "rate"
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    scenario: str
    category: Category
    community: Area
    request_type: str
    description: str
    address: str
    channel: str
    phone: str
    citizen_name: str
    steps: list[Step]
    submitted_at: datetime | None = None
    times: list[datetime] = field(default_factory=list)
    citizen_photo: bool = False
    duplicate_of: Plan | None = None
    complaint: Complaint | None = None


def seed() -> str:
    """Add the demo complaints unless there are complaints already."""
    if Complaint.objects.exists():
        total = Complaint.objects.count()
        return f"complaints: already present ({total}), left alone"
    return DemoComplaints().run()


class DemoComplaints:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
        self.now = timezone.now()
        User = get_user_model()
        self.dispatcher = User.objects.get(username="dispatcher")
        self.supervisor = User.objects.get(username="supervisor")
        self.categories = {c.code: c for c in Category.objects.all()}
        self.communities = list(
            Area.objects.filter(
                level=Area.Level.COMMUNITY, covering_squad__isnull=False
            )
            .select_related("parent", "covering_squad")
            .order_by("code")
        )
        self.crew: dict[int, dict[str, Any]] = defaultdict(dict)
        members = Member.objects.filter(is_active=True, squad__isnull=False)
        for member in members.select_related("user").order_by("pk"):
            self.crew[member.squad_id].setdefault(member.role, member)
        self.photos: dict[str, list[PreparedPhoto]] = {}

    # -- planning -----------------------------------------------------------

    def run(self) -> str:
        sequences = dict(DailySequence.objects.values_list("day", "last"))
        plans = self.plan()
        for plan in plans:
            self.execute(plan)
        self.renumber(plans, sequences)
        counts = Counter(Complaint.objects.values_list("status", flat=True))
        parts = ", ".join(f"{counts[s]} {s}" for s in Status.values if counts[s])
        return f"complaints: {sum(counts.values())} created ({parts})"

    def plan(self) -> list[Plan]:
        rng = self.rng
        scenarios = [s for s, n in SCENARIOS.items() for _ in range(n)]
        rng.shuffle(scenarios)
        plans = [self.story()]
        plans += [self.new_plan(s) for s in scenarios if s != "duplicate"]
        # Spread the finished cases evenly over the 90 days, the open ones recent.
        finished = [p for p in plans[1:] if p.scenario not in OPEN_AGES]
        for k, plan in enumerate(finished):
            age = 0.5 + (k + rng.random()) * (DAYS - 1.5) / len(finished)
            self.place(plan, age)
        for plan in plans[1:]:
            if plan.scenario in OPEN_AGES:
                self.place(plan, rng.uniform(*OPEN_AGES[plan.scenario]))
        originals = [p for p in plans if p.scenario == "closed"]
        for _ in range(SCENARIOS["duplicate"]):
            plans.append(self.duplicate(rng.choice(originals)))
        return plans

    def new_plan(self, scenario: str) -> Plan:
        rng = self.rng
        if scenario == "rejected":
            code = rng.choice(sorted(REFERRAL_TEXTS))
            request_type, text = RequestType.COMPLAINT, REFERRAL_TEXTS[code]
        else:
            codes = sorted(TEXTS)
            code = rng.choices(codes, weights=[TEXTS[c][0] for c in codes])[0]
            request_type, text = rng.choice(TEXTS[code][1])
        community = rng.choice(self.communities)
        road, number = rng.choice(ROADS), rng.randint(1, 300)
        channel = rng.choices(*zip(*CHANNELS, strict=True))[0]
        return Plan(
            scenario=scenario,
            category=self.categories[code],
            community=community,
            request_type=request_type,
            description=text.format(road=road, n=number),
            address=f"青州市{community.parent.name}{community.name}{road}{number}号附近",
            channel=channel,
            phone=self.phone(),
            citizen_name=self.name(),
            steps=self.steps(scenario),
            citizen_photo=channel == Channel.WEB and rng.random() < 0.15,
        )

    def duplicate(self, original: Plan) -> Plan:
        rng = self.rng
        plan = Plan(
            scenario="duplicate",
            category=original.category,
            community=original.community,
            request_type=original.request_type,
            description=f"又有人反映：{original.description}",
            address=original.address,
            channel=rng.choice([Channel.WEB, Channel.HOTLINE_12345]),
            phone=self.phone(),
            citizen_name=self.name(),
            steps=[Step("merge", {"opinion": "与较早的工单为同一问题，合并处理。"})],
            duplicate_of=original,
        )
        assert original.submitted_at is not None  # noqa: S101 (placed above)
        self.fit(plan, original.submitted_at + timedelta(hours=rng.uniform(1, 40)))
        return plan

    def steps(self, scenario: str) -> list[Step]:
        rng = self.rng
        method = rng.choices(list(Method.values), weights=[55, 35, 10])[0]
        handle = [Step("sign")]
        if rng.random() < 0.6:
            handle.append(Step("assign"))
        dispose = Step("dispose", {"method": method})
        verify = Step("verify", {"opinion": "电话回访并现场核查，处置到位，同意结案。"})
        rating = rng.choices(
            [Satisfaction.SATISFIED, Satisfaction.BASICALLY, None], weights=[55, 20, 25]
        )[0]
        rate = [Step("rate", {"satisfaction": rating})] if rating else []
        rework = Step(
            "rework", {"opinion": "核查发现现场仍未整改到位，请继续处置并补充照片。"}
        )
        wrong = Step("dispatch", {"wrong": True})
        returned = Step("return", {"opinion": "该地址不在本分队辖区，请重新派遣。"})
        unhappy = Step("rate", {"satisfaction": Satisfaction.DISSATISFIED})
        again = Step("rate", {"satisfaction": Satisfaction.BASICALLY})
        flows = {
            "submitted": [],
            "registered": [Step("accept")],
            "dispatched": [Step("accept"), Step("dispatch")],
            "processing": [Step("accept"), Step("dispatch"), *handle],
            "disposed": [Step("accept"), Step("dispatch"), *handle, dispose],
            "closed": [Step("accept"), Step("dispatch"), *handle, dispose, verify],
            "rework_open": [Step("accept"), Step("dispatch"), *handle, dispose, rework],
            "returned_open": [Step("accept"), wrong, returned],
            "rejected": [Step("reject")],
            "cancelled": [
                Step("accept"),
                Step("cancel", {"opinion": rng.choice(CANCEL_REASONS)}),
            ][rng.randint(0, 1) :],
        }
        closed = flows["closed"]
        flows["closed"] = closed + rate
        flows["rework"] = [*closed[:-1], rework, dispose, verify, *rate]
        flows["returned"] = [Step("accept"), wrong, returned, *closed[1:], *rate]
        flows["reopened"] = [*closed, unhappy]
        flows["reopened_closed"] = [*closed, unhappy, dispose, verify, again]
        return flows[scenario]

    def story(self) -> Plan:
        """A parent near 西苑小学 reports vendors blocking the school gate."""
        community = next(c for c in self.communities if c.name == STORY_COMMUNITY)
        day = timezone.localdate(self.now) - timedelta(days=12)
        plan = Plan(
            scenario="story",
            category=self.categories["09006"],
            community=community,
            request_type=RequestType.COMPLAINT,
            description=(
                "西苑小学南门每天放学时段（16:30 前后）有七八个流动摊贩在校门口摆摊，"
                "卖烤肠、水果和玩具，把校门口和人行道都堵住了，接孩子的家长和学生只能"
                "走机动车道，非常危险。希望城管在放学时段管一管。"
            ),
            address="青州市王府街道西苑社区西苑路西苑小学南门",
            channel=Channel.WEB,
            phone="13953612846",
            citizen_name="林女士",
            citizen_photo=True,
            steps=[
                Step("accept", {"opinion": "涉及学生上下学安全，予以受理，优先处理。"}),
                Step("dispatch"),
                Step("sign", {"by": "leader"}),
                Step("assign"),
                Step(
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
                Step(
                    "verify",
                    {"opinion": "指挥中心放学时段视频巡查并电话回访，校门口通行正常。"},
                ),
                Step(
                    "rate",
                    {
                        "satisfaction": Satisfaction.SATISFIED,
                        "comment": (
                            "现在放学接孩子安全多了，摊贩都去市场里了，谢谢城管！"
                        ),
                    },
                ),
            ],
        )
        start = timezone.make_aware(datetime.combine(day, time(16, 48)))
        delays = [17, 3, 12, 2, 22 * 60 + 50, 17 * 60, 4 * 60]
        plan.submitted_at = start
        plan.times = [start]
        for minutes in delays:
            plan.times.append(plan.times[-1] + timedelta(minutes=minutes))
        return plan

    def place(self, plan: Plan, age_days: float) -> None:
        """Give the plan a submission time about age_days ago and its step times."""
        rng = self.rng
        day = timezone.localdate(self.now) - timedelta(days=int(age_days))
        clock = time(rng.choice([7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19, 20, 21]))
        start = timezone.make_aware(datetime.combine(day, clock))
        self.fit(plan, start + timedelta(minutes=rng.randint(0, 59)))

    def fit(self, plan: Plan, start: datetime) -> None:
        """Time the steps from start, moving start back until the last is past."""
        limit = self.now - timedelta(minutes=10)
        while True:
            times = self.timeline(plan, start)
            overflow = times[-1] - limit
            if overflow <= timedelta(0):
                break
            start -= overflow + timedelta(minutes=self.rng.randint(5, 90))
        plan.submitted_at, plan.times = start, times

    def timeline(self, plan: Plan, start: datetime) -> list[datetime]:
        key = f"{SEED}-{start.isoformat()}-{len(plan.steps)}"
        rng = random.Random(key)  # noqa: S311 (demo data, not secrets)
        times = [start]
        for step in plan.steps:
            low, high = DELAYS.get(step.action, DELAYS["verify"])
            at = times[-1] + timedelta(minutes=rng.uniform(low, high))
            if step.action != "rate":
                at = office_hours(at, rng)
            times.append(at)
        return times

    def phone(self) -> str:
        prefix = self.rng.choice(["138", "139", "135", "150", "158", "186", "187"])
        return f"{prefix}{self.rng.randint(0, 99_999_999):08d}"

    def name(self) -> str:
        if self.rng.random() < 0.15:
            return ""
        return self.rng.choice(SURNAMES) + self.rng.choice(["先生", "女士"])

    # -- execution ----------------------------------------------------------

    def execute(self, plan: Plan) -> None:
        covering = self.crew[plan.community.covering_squad_id]
        by = None
        if plan.channel in (Channel.HOTLINE_12345, Channel.PHONE, Channel.WALK_IN):
            by = self.dispatcher
        elif plan.channel == Channel.PATROL and "officer" in covering:
            by = covering["officer"].user
        photos = [self.photo("citizen", plan)] if plan.citizen_photo else []
        complaint = complaint_submit(
            category=plan.category,
            description=plan.description,
            address=plan.address,
            phone=plan.phone,
            community=plan.community,
            citizen_name=plan.citizen_name,
            is_anonymous=not plan.citizen_name,
            consent=True,
            photos=photos,
            channel=plan.channel,
            request_type=plan.request_type,
            by=by,
        )
        timeline = [(e, plan.times[0]) for e in complaint.events.all()]
        for step, at in zip(plan.steps, plan.times[1:], strict=True):
            seen = max(e.pk for e, _ in timeline)
            complaint = self.take(complaint, step, plan)
            new = complaint.events.filter(pk__gt=seen).order_by("pk")
            timeline += [(e, at + timedelta(seconds=i)) for i, e in enumerate(new)]
        plan.complaint = complaint
        backdate(complaint, timeline)

    def take(self, complaint: Complaint, step: Step, plan: Plan) -> Complaint:
        options = step.options
        action = step.action
        if action == "rate":
            return complaint_rate(
                complaint=complaint,
                satisfaction=options["satisfaction"],
                comment=options.get("comment")
                or self.rng.choice(RATING_COMMENTS[options["satisfaction"]]),
            )
        crew = self.crew[complaint.squad_id] if complaint.squad_id else {}
        officer = crew.get(Member.Role.OFFICER)
        # Disposal records its result instead of an opinion.
        kwargs: dict[str, Any] = (
            {} if action == "dispose" else {"opinion": options.get("opinion", "")}
        )
        by = self.dispatcher
        if action == "dispatch":
            right = plan.community.covering_squad
            kwargs["squad"] = self.wrong_unit(right) if options.get("wrong") else right
        elif action in ("sign", "assign", "return", "dispose"):
            by = self.leader_user(crew, action, options)
            if action == "assign":
                if officer is None:
                    return complaint
                kwargs["assignee"] = officer
            if action == "dispose":
                if complaint.assignee_id and officer is not None:
                    by = officer.user
                kwargs.update(self.disposal(complaint, options, plan))
        elif action == "merge":
            assert plan.duplicate_of and plan.duplicate_of.complaint  # noqa: S101
            kwargs["duplicate_of"] = plan.duplicate_of.complaint
        elif action == "cancel":
            by = self.supervisor
        elif action == "reject":
            kwargs["opinion"] = REJECTIONS[complaint.category.code]
        return ACTION_SERVICES[action](complaint=complaint, by=by, **kwargs)

    def leader_user(self, crew: dict[str, Member], action: str, options: dict) -> Any:
        leader = crew.get(Member.Role.SQUAD_LEADER)
        instructor = crew.get(Member.Role.INSTRUCTOR)
        if action == "sign" and instructor and not options.get("by"):
            if self.rng.random() < 0.3:
                return instructor.user
        return leader.user if leader else self.supervisor

    def wrong_unit(self, right: Squad) -> Squad:
        """A neighbouring unit that does not cover the community (for returns)."""
        siblings = Squad.objects.filter(parent_id=right.parent_id, is_active=True)
        choices = [s for s in siblings.exclude(pk=right.pk) if s.pk in self.crew]
        return self.rng.choice(choices or [right])

    def disposal(self, complaint: Complaint, options: dict, plan: Plan) -> dict:
        method = options.get("method", Method.SERVICE)
        resolution = options.get("resolution") or self.rng.choice(RESOLUTIONS[method])
        result: dict[str, Any] = {"method": method, "result": resolution}
        if complaint.category.requires_disposal_photos or self.rng.random() < 0.4:
            result["photos_before"] = [self.photo("before", plan)]
            result["photos_after"] = [self.photo("after", plan)]
        return result

    def photo(self, kind: str, plan: Plan) -> PreparedPhoto:
        if plan.scenario == "story":
            return story_photo(kind)
        pool = self.photos.setdefault(kind, [])
        if len(pool) < 4:
            pool.append(demo_photo(kind, len(pool)))
        return self.rng.choice(pool)

    # -- references ---------------------------------------------------------

    def renumber(self, plans: list[Plan], before: dict) -> None:
        """Number each case on the day it was filed, after what the day had."""
        complaints = [p.complaint for p in plans if p.complaint is not None]
        for complaint in complaints:
            Complaint.objects.filter(pk=complaint.pk).update(
                reference=f"demo-{complaint.pk}"
            )
        by_day: dict[Any, list[Complaint]] = defaultdict(list)
        rows = Complaint.objects.filter(pk__in=[c.pk for c in complaints])
        for complaint in rows.order_by("submitted_at", "pk"):
            by_day[timezone.localdate(complaint.submitted_at)].append(complaint)
        for day, cases in by_day.items():
            start = before.get(day, 0)
            for n, complaint in enumerate(cases, start=start + 1):
                Complaint.objects.filter(pk=complaint.pk).update(
                    reference=f"{day:%Y%m%d}-{n:04d}"
                )
        # The submissions themselves counted on the day they ran: undo that.
        for day in set(DailySequence.objects.values_list("day", flat=True)):
            if day not in by_day and day not in before:
                DailySequence.objects.filter(day=day).delete()
        for day in set(before) | set(by_day):
            DailySequence.objects.update_or_create(
                day=day, defaults={"last": before.get(day, 0) + len(by_day[day])}
            )


def office_hours(at: datetime, rng: random.Random) -> datetime:
    """Move a staff action into the command centre's day shift (08:00-21:00)."""
    local = timezone.localtime(at)
    if local.hour < 8:
        day = local.date()
    elif local.hour >= 21:
        day = local.date() + timedelta(days=1)
    else:
        return at
    start = timezone.make_aware(datetime.combine(day, time(8)))
    return start + timedelta(minutes=rng.randint(0, 50))


STAGES = {
    "accept": "accepted_at",
    "dispatch": "dispatched_at",
    "sign": "signed_at",
    "dispose": "disposed_at",
    "verify": "closed_at",
    "reject": "closed_at",
    "merge": "closed_at",
    "cancel": "closed_at",
    "rate": "rated_at",
}


def backdate(complaint: Complaint, timeline: list[tuple[ComplaintEvent, datetime]]):
    """Move a case's events, photos and stage times to the planned moments."""
    stamps: dict[str, datetime] = {}
    for event, at in timeline:
        ComplaintEvent.objects.filter(pk=event.pk).update(created_at=at)
        Attachment.objects.filter(event_id=event.pk).update(created_at=at)
        if event.action in STAGES:
            stamps[STAGES[event.action]] = at  # the last one counts
    current = Complaint.objects.filter(pk=complaint.pk)
    row = current.values(*set(STAGES.values()), "consent_at").get()
    start = timeline[0][1]
    update: dict[str, Any] = {"submitted_at": start, "updated_at": timeline[-1][1]}
    if row["consent_at"] is not None:
        update["consent_at"] = start
    for name in set(STAGES.values()):
        if row[name] is not None:
            update[name] = stamps[name]
    current.update(**update)
    # Due times as the clock would have set them at the backdated moments.
    moved = current.get()
    current.update(**{name: getattr(moved, name) for name in deadlines.replay(moved)})


def _canvas(color: str, lines: list[str]) -> Image.Image:
    image = Image.new("RGB", (640, 480), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 640, 480), fill="#8c8c8c")  # the pavement
    for i, line in enumerate(lines):
        draw.text((24, 24 + 28 * i), line, fill="white", font_size=22)
    return image


def _prepared(image: Image.Image, name: str) -> PreparedPhoto:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    buffer.seek(0)
    buffer.name = name
    return prepare_photo(buffer)


def demo_photo(kind: str, n: int) -> PreparedPhoto:
    colors = {
        "citizen": ["#b5651d", "#a0522d", "#8b4513", "#cd853f"],
        "before": ["#9c3d3d", "#a35a2a", "#7f4f24", "#8e3b46"],
        "after": ["#3d7a4a", "#2e6f5e", "#4a7f3a", "#356859"],
    }
    image = _canvas(colors[kind][n % 4], [f"CityDesk demo - {kind} #{n + 1}"])
    draw = ImageDraw.Draw(image)
    if kind == "after":
        draw.line((40, 420, 600, 420), fill="white", width=6)
    else:
        for x in range(60, 600, 130):  # clutter on the pavement
            draw.rectangle((x, 300, x + 80, 380), fill="#e0b040", outline="black")
    return _prepared(image, f"{kind}-{n + 1}.jpg")


def story_photo(kind: str) -> PreparedPhoto:
    """The gate of 西苑小学 with vendors (citizen, before) and clear (after)."""
    clear = kind == "after"
    image = _canvas(
        "#4f7f4f" if clear else "#8a4a3a",
        [
            "Xiyuan Primary School, south gate",
            "16:40 dismissal" if not clear else "17:30 gate clear",
            {"citizen": "citizen photo", "before": "before", "after": "after"}[kind],
        ],
    )
    draw = ImageDraw.Draw(image)
    draw.rectangle((250, 180, 390, 330), outline="white", width=6)  # the gate
    if not clear:
        for x in (120, 200, 300, 400, 480):
            draw.rectangle((x, 280, x + 60, 360), fill="#f0c020", outline="black")
    return _prepared(image, f"xiyuan-{kind}.jpg")
