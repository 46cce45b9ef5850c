"""Demo vendors data for `manage.py seed_demo`: the 西苑小学 story, told through
the services after the squads and complaints demos.

The hotspot at the school's south gate (school days 15:30–17:00) is linked to
the demo's street-order complaints in 西苑社区; the 便民市场 east of the school
has 40 stalls, ten of them free for hardship and elderly vendors; ten vendors
were guided in over the last months (eight settled, one went back to the
street, one declined); a 摊点群 on 圣水路; duty posts at the gate with the
officers' check-ins. Moves are made by the services (so their events are
written), then their times are set back to the days they happened, as the
complaints demo does. A second run finds the hotspot and leaves it all alone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from citymgmt.workdays.calendar import is_working_day
from complaints.models import Category, Complaint
from squads.models import Area, Member
from vendors import duty, services
from vendors.models import (
    FollowUp,
    Hotspot,
    Market,
    Relocation,
    RelocationAction,
)
from vendors.selectors import in_scope

HOTSPOT = "西苑小学南门"
COMMUNITY = "西苑社区"
CLUSTER_COMMUNITY = "圣水社区"
MARKET_STALLS = 40
CLUSTER_STALLS = 12
DAILY = [[{"open": "06:00", "close": "11:30"}, {"open": "15:00", "close": "19:30"}]] * 7
EVENINGS = [[{"open": "16:00", "close": "21:30"}]] * 7

# name, goods, elderly, hardship, disability, waiver reason, outcome
VENDORS = [
    ("刘大爷", "煎饼果子", True, False, False, "老年摊贩免收摊位费", "stable"),
    ("王阿姨", "烤红薯、玉米", True, True, False, "老年摊贩免收摊位费", "stable"),
    ("张大姐", "时令水果", False, True, False, "困难群体免收摊位费", "stable"),
    ("李师傅", "烤肠", False, True, False, "困难群体免收摊位费", "stable"),
    ("赵大爷", "糖葫芦", True, False, False, "老年摊贩免收摊位费", "stable"),
    ("陈大姐", "文具和小玩具", False, True, True, "困难群体免收摊位费", "stable"),
    ("孙师傅", "鸡蛋灌饼", False, True, False, "困难群体免收摊位费", "stable"),
    ("周阿姨", "手工鞋垫", True, False, False, "老年摊贩免收摊位费", "stable"),
    ("吴师傅", "炸串", False, True, False, "困难群体免收摊位费", "returned"),
    ("郑大爷", "爆米花", True, False, False, "老年摊贩免收摊位费", "declined"),
]
# Days after the move-in of each follow-up visit (present unless returned).
VISITS = [7, 21, 42, 63]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _working_days_before(today: date, count: int) -> list[date]:
    days: list[date] = []
    day = today
    while len(days) < count:
        day -= timedelta(days=1)
        if is_working_day(day):
            days.append(day)
    return sorted(days)


class DemoVendors:
    def __init__(self) -> None:
        User = get_user_model()
        self.today = timezone.localdate()
        self.leader = User.objects.get(username="leader")
        self.officer = User.objects.get(username="officer")
        self.supervisor = User.objects.get(username="supervisor")
        self.community = Area.objects.get(level=Area.Level.COMMUNITY, name=COMMUNITY)
        self.category = Category.objects.get(code="09006")
        self.counts = {"follow-ups": 0, "posts": 0, "check-ins": 0}

    def run(self) -> str:
        hotspot = self.hotspot()
        market = self.market()
        cluster = self.cluster()
        story = self.story_complaint()
        for index, row in enumerate(VENDORS):
            self.relocate(index, row, hotspot=hotspot, market=market, story=story)
        self.posts(hotspot)
        return (
            f"vendors: hotspot {hotspot.name} ({hotspot.complaints.count()} "
            f"complaints), markets {market.name} ({market.stalls.count()} stalls) "
            f"and {cluster.name} ({cluster.stalls.count()} stalls), "
            f"{len(VENDORS)} relocations with {self.counts['follow-ups']} "
            f"follow-ups, {self.counts['posts']} duty posts with "
            f"{self.counts['check-ins']} check-ins"
        )

    def hotspot(self) -> Hotspot:
        codes = list(settings.HOTSPOT_CATEGORY_CODES)
        complaints = [
            complaint
            for complaint in Complaint.objects.filter(
                community=self.community, category__code__in=codes
            ).order_by("submitted_at", "id")
            if in_scope(user=self.leader, squad_id=complaint.squad_id)
        ]
        hotspot = services.hotspot_open(
            by=self.leader,
            name=HOTSPOT,
            community=self.community,
            place="西苑路西苑小学南门外人行道及东侧路口",
            category=self.category,
            windows=[
                services.Window(start=time(15, 30), end=time(17, 0), working_days=True)
            ],
            latitude=Decimal("36.689512"),
            longitude=Decimal("118.470236"),
            complaints=complaints,
        )
        hotspot = services.hotspot_activate(hotspot=hotspot, by=self.leader)
        opened = _at(self.today - timedelta(days=90), 17, 30)
        Hotspot.objects.filter(pk=hotspot.pk).update(opened_at=opened)
        return hotspot

    def market(self) -> Market:
        market = services.market_save(
            by=self.leader,
            name="西苑便民市场",
            kind="convenience",
            address="青州市王府街道西苑路西苑小学东侧（工作站南侧）",
            community=self.community,
            latitude=Decimal("36.689830"),
            longitude=Decimal("118.471520"),
            opening_hours=DAILY,
            operator="西苑便民市场管理处",
            fee_rule="摊位费每月200元；老年、困难、残疾摊贩经城管中队引导入市的免收摊位费。",
        )
        waived = {index + 1: row[5] for index, row in enumerate(VENDORS)}
        for number in range(1, MARKET_STALLS + 1):
            reason = waived.get(number, "")
            services.stall_save(
                by=self.leader,
                market=market,
                number=f"A{number:02d}",
                size_m2=Decimal("4.00"),
                goods_allowed="小吃、果蔬、日用百货",
                fee_waived=bool(reason),
                fee_waiver_reason=reason,
            )
        return market

    def cluster(self) -> Market:
        community = Area.objects.get(level=Area.Level.COMMUNITY, name=CLUSTER_COMMUNITY)
        cluster = services.market_save(
            by=self.supervisor,
            name="圣水路便民摊点群",
            kind="cluster",
            address="青州市王府街道圣水路与范公亭西路交叉口北侧",
            community=community,
            latitude=Decimal("36.692410"),
            longitude=Decimal("118.476850"),
            opening_hours=EVENINGS,
            operator="圣水社区居委会",
            fee_rule="摊点群内经营免收摊位费；摊走地净，禁止有烟烧烤。",
        )
        for number in range(1, CLUSTER_STALLS + 1):
            services.stall_save(
                by=self.supervisor,
                market=cluster,
                number=f"S{number:02d}",
                size_m2=Decimal("2.00"),
                goods_allowed="果蔬、小吃、日用小商品",
            )
        return cluster

    def story_complaint(self) -> Complaint | None:
        from complaints.demo.texts import STORY

        return (
            Complaint.objects.filter(
                community=self.community, description=STORY["description"]
            )
            .order_by("id")
            .first()
        )

    def relocate(
        self,
        index: int,
        row: tuple,
        *,
        hotspot: Hotspot,
        market: Market,
        story: Complaint | None,
    ) -> Relocation:
        name, goods, elderly, hardship, disability, _reason, outcome = row
        vendor = services.vendor_save(
            by=self.officer,
            name=name,
            goods=goods,
            phone=f"1395361{index + 1:04d}",
            usual_hotspot=hotspot,
            usual_hours="工作日 15:30-17:00（放学时段）",
            is_elderly=elderly,
            is_hardship=hardship,
            has_disability=disability,
        )
        moved_on = self.today - timedelta(days=84 - 2 * index)
        stall = market.stalls.get(number=f"A{index + 1:02d}")
        relocation = services.relocation_offer(
            vendor=vendor,
            market=market,
            by=self.officer,
            stall=stall,
            origin_hotspot=hotspot,
            origin_complaint=story if index == 0 else None,
            fee_waived_until=moved_on + timedelta(days=365),
            note="放学时段在西苑小学南门摆摊，经劝导同意入市。",
        )
        times = {RelocationAction.OFFER: [_at(moved_on - timedelta(days=3), 16, 20)]}
        if outcome == "declined":
            services.relocation_decline(
                relocation=relocation,
                by=self.officer,
                note="嫌市场离校门远，暂不入市；已发放便民服务联系卡。",
            )
            times[RelocationAction.DECLINE] = [_at(moved_on, 16, 40)]
            self._backdate(relocation, times, closed=_at(moved_on, 16, 40))
            return relocation
        services.relocation_accept(relocation=relocation, by=self.officer)
        services.relocation_move_in(
            relocation=relocation, by=self.officer, moved_on=moved_on
        )
        times[RelocationAction.ACCEPT] = [_at(moved_on - timedelta(days=1), 16, 30)]
        times[RelocationAction.MOVE_IN] = [_at(moved_on, 15, 0)]
        visits = []
        for n, after in enumerate(VISITS):
            present = not (outcome == "returned" and n >= 2)
            visited_on = moved_on + timedelta(days=after)
            if outcome == "returned" and n > 2:
                break
            services.followup_record(
                relocation=relocation,
                by=self.officer,
                visited_on=visited_on,
                present=present,
                note="在摊位正常经营。"
                if present
                else "摊位空置，本人回到校门口摆摊。",
            )
            visits.append(_at(visited_on, 16, 10))
            self.counts["follow-ups"] += 1
        times[RelocationAction.FOLLOW_UP] = visits
        closed = None
        if outcome == "stable":
            services.relocation_mark_stable(relocation=relocation, by=self.leader)
            times[RelocationAction.MARK_STABLE] = [visits[-1] + timedelta(hours=17)]
        elif outcome == "returned":
            services.relocation_mark_returned(
                relocation=relocation,
                by=self.officer,
                note="放学时段客流在校门口，本人回到南门摆摊，已再次劝导。",
            )
            closed = visits[-1] + timedelta(minutes=30)
            times[RelocationAction.MARK_RETURNED] = [closed]
        self._backdate(relocation, times, closed=closed)
        return relocation

    def _backdate(
        self,
        relocation: Relocation,
        times: dict[str, list[datetime]],
        *,
        closed: datetime | None,
    ) -> None:
        """Put each event (and the relocation's own times) on the day it happened."""
        for action, moments in times.items():
            events = relocation.events.filter(action=action).order_by("id")
            for event, moment in zip(events, moments, strict=False):
                type(event).objects.filter(pk=event.pk).update(at=moment)
        fields: dict[str, object] = {"offered_at": times[RelocationAction.OFFER][0]}
        if RelocationAction.ACCEPT in times:
            fields["accepted_at"] = times[RelocationAction.ACCEPT][0]
        if RelocationAction.MARK_STABLE in times:
            fields["stable_at"] = times[RelocationAction.MARK_STABLE][0]
        if closed is not None:
            fields["closed_at"] = closed
        Relocation.objects.filter(pk=relocation.pk).update(**fields)
        for followup, moment in zip(
            FollowUp.objects.filter(relocation=relocation).order_by("visited_on"),
            times.get(RelocationAction.FOLLOW_UP, []),
            strict=False,
        ):
            FollowUp.objects.filter(pk=followup.pk).update(
                created_at=moment + timedelta(minutes=20)
            )

    def posts(self, hotspot: Hotspot) -> None:
        """Posts at the gate on the last three working days, and today's."""
        window = hotspot.windows.order_by("id").first()
        officers = list(
            Member.objects.filter(
                squad_id=hotspot.squad_id, role=Member.Role.OFFICER, is_active=True
            )
            .select_related("user")
            .order_by("id")
        )
        for day, present in zip(
            _working_days_before(self.today, 3), [2, 0, 0], strict=True
        ):
            post = services.duty_post_save(
                hotspot=hotspot,
                by=self.leader,
                date=day,
                start=time(15, 30),
                end=time(17, 0),
                window=window,
            )
            self.counts["posts"] += 1
            for n, member in enumerate(officers[:2] or [None]):
                services.checkin_record(
                    post=post,
                    by=member.user if member else self.officer,
                    vendors_present=present if n == 0 else 0,
                    note="南门两侧巡查，劝离流动摊贩。"
                    if present and n == 0
                    else "校门口通行正常，无摊贩。",
                    at=_at(day, 16, 5 + 40 * n),
                )
                self.counts["check-ins"] += 1
        self.counts["posts"] += duty.duty_posts_create(day=self.today)


def seed() -> str:
    """Add the vendors demo unless its hotspot is there already."""
    if Hotspot.objects.filter(name=HOTSPOT, community__name=COMMUNITY).exists():
        return "vendors: already present, left alone"
    User = get_user_model()
    if not User.objects.filter(username__in=["leader", "officer"]).count() == 2:
        return "vendors: the squads demo logins are missing, nothing added"
    return DemoVendors().run()


__all__ = ["DemoVendors", "seed"]
