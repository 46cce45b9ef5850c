"""The demo complaints: plan each case, file it, move it through the loop."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from citymgmt.photos import PreparedPhoto
from complaints.demo.history import backdate, office_hours, renumber
from complaints.demo.pictures import demo_photo, story_photo
from complaints.demo.texts import (
    CANCEL_REASONS,
    CHANNELS,
    DAYS,
    DELAYS,
    OPEN_AGES,
    RATING_COMMENTS,
    REFERRAL_TEXTS,
    REJECTIONS,
    RESOLUTIONS,
    ROADS,
    SCENARIOS,
    SEED,
    STORY,
    STORY_COMMUNITY,
    SURNAMES,
    TEXTS,
)
from complaints.models import (
    Category,
    Channel,
    Complaint,
    DailySequence,
    Method,
    RequestType,
    Satisfaction,
    Status,
)
from complaints.services import ACTION_SERVICES, complaint_rate, complaint_submit
from squads.models import Area, Member, Squad
from squads.roles import Role


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
        renumber([p.complaint for p in plans if p.complaint is not None], sequences)
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
            category=self.categories[STORY["category"]],
            community=community,
            request_type=RequestType.COMPLAINT,
            description=STORY["description"],
            address=STORY["address"],
            channel=Channel.WEB,
            phone=STORY["phone"],
            citizen_name=STORY["citizen_name"],
            citizen_photo=True,
            steps=[Step(action, dict(options)) for action, options in STORY["steps"]],
        )
        start = timezone.make_aware(datetime.combine(day, time(16, 48)))
        plan.submitted_at = start
        plan.times = [start]
        for minutes in STORY["delays"]:
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
        """Take one planned step with the service that owns it."""
        options = step.options
        if step.action == "rate":
            return complaint_rate(
                complaint=complaint,
                satisfaction=options["satisfaction"],
                comment=options.get("comment")
                or self.rng.choice(RATING_COMMENTS[options["satisfaction"]]),
            )
        # Disposal records its result instead of an opinion.
        inputs: dict[str, Any] = (
            {} if step.action == "dispose" else {"opinion": options.get("opinion", "")}
        )
        if step.action in ("sign", "assign", "return", "dispose"):
            by, ready = self.unit_inputs(complaint, step, plan, inputs)
        else:
            by, ready = self.desk_inputs(complaint, step, plan, inputs)
        if ready is None:
            return complaint  # nobody to take the step (no officer to assign)
        return ACTION_SERVICES[step.action](complaint=complaint, by=by, **ready)

    def desk_inputs(
        self, complaint: Complaint, step: Step, plan: Plan, inputs: dict[str, Any]
    ) -> tuple[Any, dict[str, Any] | None]:
        action, options = step.action, step.options
        if action == "dispatch":
            right = plan.community.covering_squad
            inputs["squad"] = self.wrong_unit(right) if options.get("wrong") else right
        elif action == "merge":
            assert plan.duplicate_of and plan.duplicate_of.complaint  # noqa: S101
            inputs["duplicate_of"] = plan.duplicate_of.complaint
        elif action == "reject":
            inputs["opinion"] = REJECTIONS[complaint.category.code]
        return (self.supervisor if action == "cancel" else self.dispatcher), inputs

    def unit_inputs(
        self, complaint: Complaint, step: Step, plan: Plan, inputs: dict[str, Any]
    ) -> tuple[Any, dict[str, Any] | None]:
        crew = self.crew[complaint.squad_id] if complaint.squad_id else {}
        officer = crew.get(Role.OFFICER)
        by = self.leader_user(crew, step.action, step.options)
        if step.action == "assign":
            if officer is None:
                return by, None
            inputs["assignee"] = officer
        if step.action == "dispose":
            if complaint.assignee_id and officer is not None:
                by = officer.user
            inputs.update(self.disposal(complaint, step.options, plan))
        return by, inputs

    def leader_user(self, crew: dict[str, Member], action: str, options: dict) -> Any:
        leader = crew.get(Role.SQUAD_LEADER)
        instructor = crew.get(Role.INSTRUCTOR)
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
