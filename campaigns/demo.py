"""Demo campaigns for `manage.py seed_demo`, recorded through the services.

Two campaigns of 2020, after the squads, complaints and vendors demos:

- 创建全国文明城市 (the Qingzhou article, `../shared/seeds/001_…`): the
  bureau's civilised-city campaign led by 机动中队, its six drives (parking
  order, business order, facade cleaning, advertising, air, illegal
  structures) as child campaigns, ten road segments (包靠路段) answered for by
  the teams' leaders, and four weeks of daily tallies (6 April to 3 May 2020)
  by the five teams of 机动中队 whose totals are the article's figures
  (`FIGURES`): 42 boards, 2,136 posters, 3,048 notices, 213 vehicles,
  114 items, exactly 900 spaces and 1,100 m of lines, 50 notice boards,
  20 warning signs, 10,000 letters. The units report daily against the
  campaign; each drive carries its own metrics and categories.
- 城管公众开放日 (the Pingdu article, `002_…`): one day, one team, the
  article's counts (`OPEN_DAY`).

Figures are spread over units and days by fixed weights (largest
remainders, no randomness), so every run writes the same rows. Campaigns
are started, tallied and closed through `campaigns.services`. A second run
finds the campaigns and leaves them alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction

from django.contrib.auth import get_user_model

from campaigns import services
from campaigns.models import Campaign, CampaignKind, RoadSegment
from complaints.models import Category
from squads.models import Area, Member, Squad

CITY_CAMPAIGN = "创建全国文明城市"
OPEN_DAY_CAMPAIGN = "城管执法公众开放日"
START = date(2020, 4, 6)  # a Monday; four weeks to Sunday 3 May
DAYS = 28
LEAD = "JD"
UNITS = ["JD-1", "JD-2", "JD-3", "JD-4", "JD-5"]
STREET = "王府街道"

# The article's figures as recorded (its "40余块" is 42 here), in column order.
FIGURES: dict[str, int] = {
    "ad_boards_removed": 42,
    "posters_cleaned": 2136,
    "parking_notices": 3048,
    "vehicles_penalised": 213,
    "evidence_held": 114,
    "parking_spaces_painted": 900,
    "lines_painted": 1100,
    "notice_boards_installed": 50,
    "warning_signs_installed": 20,
    "letters_handed_out": 10000,
}
TARGETS: dict[str, int] = {
    "ad_boards_removed": 40,
    "posters_cleaned": 2000,
    "parking_notices": 3000,
    "vehicles_penalised": 200,
    "evidence_held": 100,
    "parking_spaces_painted": 900,
    "lines_painted": 1100,
    "notice_boards_installed": 50,
    "warning_signs_installed": 20,
    "letters_handed_out": 10000,
}
# The complaint categories the drives cover (below), for the whole campaign.
CATEGORIES = [
    *("09009", "09005", "09006", "09001"),
    *("07001", "07002", "07006"),
    *("08004", "06029", "06001", "08016"),
]

# name, kind, lead unit, metrics, complaint categories
DRIVES: list[tuple[str, str, str, list[str], list[str]]] = [
    (
        "停车秩序专项整治",
        CampaignKind.PARKING,
        "JD-2",
        [
            "parking_notices",
            "vehicles_penalised",
            "parking_spaces_painted",
            "lines_painted",
        ],
        ["09009"],
    ),
    (
        "经营秩序专项整治",
        CampaignKind.BUSINESS,
        "JD-1",
        [
            "evidence_held",
            "notice_boards_installed",
            "warning_signs_installed",
            "letters_handed_out",
        ],
        ["09005", "09006", "09001"],
    ),
    ("立面清洁专项整治", CampaignKind.FACADE, "JD-3", ["posters_cleaned"], ["07001"]),
    (
        "广告提升专项整治",
        CampaignKind.ADVERTISING,
        "JD-4",
        ["ad_boards_removed"],
        ["07006", "07002"],
    ),
    (
        "空气净化专项整治",
        CampaignKind.AIR,
        "JD-5",
        ["officers_deployed", "fines_collected"],
        ["08004", "06029"],
    ),
    (
        "违建拆除专项整治",
        CampaignKind.ILLEGAL_STRUCTURES,
        "JD",
        ["illegal_structures_demolished"],
        ["06001", "08016"],
    ),
]

# unit, road, from / to, answered for by the unit's leader or instructor
SEGMENTS: list[tuple[str, str, str, str]] = [
    ("JD-1", "西苑路", "范公亭西路至衡王府路", Member.Role.SQUAD_LEADER),
    ("JD-1", "衡王府路", "西苑路至偶园街", Member.Role.INSTRUCTOR),
    ("JD-2", "偶园街", "衡王府路至南门大街", Member.Role.SQUAD_LEADER),
    ("JD-2", "范公亭西路", "驼山路至西苑路", Member.Role.INSTRUCTOR),
    ("JD-3", "北关路", "北关街至昭德路", Member.Role.SQUAD_LEADER),
    ("JD-3", "海岱中路", "北关路至范公亭中路", Member.Role.INSTRUCTOR),
    ("JD-4", "昭德路", "北关路至东门大街", Member.Role.SQUAD_LEADER),
    ("JD-4", "东门大街", "昭德路至偶园街", Member.Role.INSTRUCTOR),
    ("JD-5", "圣水路", "范公亭西路至驼山路", Member.Role.SQUAD_LEADER),
    ("JD-5", "府前街", "圣水路至衡王府路", Member.Role.INSTRUCTOR),
]

# The Pingdu open day: 城区五中队 (here 机动中队五分队) on 15 May 2020.
OPEN_DAY = date(2020, 5, 15)
OPEN_DAY_UNIT = "JD-5"
OPEN_DAY_FIGURES: dict[str, int] = {
    "officers_deployed": 250,
    "leaflets_handed_out": 1000,
    "clutter_cleared": 30,
    "graffiti_cleared": 70,
    "green_encroachment_cleared": 10,
    "visitors_received": 15,
}
OPEN_DAY_TARGETS: dict[str, int | None] = {
    "officers_deployed": 250,
    "leaflets_handed_out": 1000,
    "clutter_cleared": None,
    "graffiti_cleared": None,
    "green_encroachment_cleared": None,
    "visitors_received": 15,
}

# 2020's days off and make-up working days within the four weeks:
# Qingming (4-6 April, a Monday here) and Labour Day (1-5 May; Sunday
# 26 April worked instead).
DAYS_OFF = {date(2020, 4, 6), *(date(2020, 5, d) for d in range(1, 4))}
MAKE_UP_DAYS = {date(2020, 4, 26)}
# 集中执法行动: Tuesdays, Thursdays and Saturdays, twelve actions in four weeks.
ACTION_WEEKDAYS = {1, 3, 5}
# Each unit's share of a metric, rotated from metric to metric.
UNIT_WEIGHTS = [26, 23, 20, 17, 14]


def days() -> list[date]:
    return [START + timedelta(days=n) for n in range(DAYS)]


def is_working_day(day: date) -> bool:
    if day in DAYS_OFF:
        return False
    return day.weekday() < 5 or day in MAKE_UP_DAYS


def pattern(code: str, day: date) -> int:
    """How much of a metric's work falls on a day (0: none that day)."""
    week = (day - START).days // 7
    working = is_working_day(day)
    if code in ("ad_boards_removed", "evidence_held"):
        return 1 if day.weekday() in ACTION_WEEKDAYS else 0
    if code in ("posters_cleaned", "parking_notices"):
        return 3 if working else 1
    if code == "vehicles_penalised":
        return 1 if working else 0
    if code in ("parking_spaces_painted", "lines_painted"):
        return 1 if working and week in (1, 2) else 0
    if code == "notice_boards_installed":
        return 1 if working and week == 1 else 0
    if code == "warning_signs_installed":
        return 1 if working and week == 2 else 0
    if code == "letters_handed_out":
        return 1 if working and week in (0, 1) else 0
    return 0


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Whole shares of total in proportion to weights (largest remainders)."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    exact = [Fraction(total * w, whole) for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(
        range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i)
    )
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def daily_figures() -> dict[tuple[str, date], dict[str, int]]:
    """{(unit code, day): {metric code: figure}} adding up to FIGURES."""
    figures: dict[tuple[str, date], dict[str, int]] = {}
    all_days = days()
    for k, (code, total) in enumerate(FIGURES.items()):
        shift = k % len(UNITS)
        weights = UNIT_WEIGHTS[shift:] + UNIT_WEIGHTS[:shift]
        for u, (unit, unit_total) in enumerate(
            zip(UNITS, apportion(total, weights), strict=True)
        ):
            # A fixed unevenness per unit and day (2 to 5), not a random one.
            day_weights = [
                pattern(code, day) * (2 + (u * 7 + n * 3) % 4)
                for n, day in enumerate(all_days)
            ]
            for day, value in zip(
                all_days, apportion(unit_total, day_weights), strict=True
            ):
                if value:
                    figures.setdefault((unit, day), {})[code] = value
    return figures


class DemoCampaigns:
    def __init__(self) -> None:
        User = get_user_model()
        self.supervisor = User.objects.get(username="supervisor")
        self.squads = {s.code: s for s in Squad.objects.filter(code__in=[LEAD, *UNITS])}
        self.members = {
            (m.squad.code, m.role): m
            for m in Member.objects.filter(
                squad__code__in=[LEAD, *UNITS],
                role__in=[Member.Role.SQUAD_LEADER, Member.Role.INSTRUCTOR],
                is_active=True,
            ).select_related("squad", "user")
        }
        self.street = Area.objects.get(level=Area.Level.STREET, name=STREET)
        self.tallies = 0

    def leader(self, code: str) -> Member:
        return self.members[(code, Member.Role.SQUAD_LEADER)]

    def categories(self, codes: list[str]) -> list[Category]:
        return list(Category.objects.filter(code__in=codes))

    def run(self) -> str:
        segments = self.segments()
        city = self.city_campaign(segments)
        open_day = self.open_day()
        roads = sum(len(each) for each in segments.values())
        return (
            f"campaigns: {city.name} ({city.drives.count()} drives, {roads} road "
            f"segments, {self.tallies} daily tallies of {len(UNITS)} units) and "
            f"{open_day.name} (1 tally)"
        )

    def segments(self) -> dict[str, list[RoadSegment]]:
        by_unit: dict[str, list[RoadSegment]] = {}
        for unit, name, description, role in SEGMENTS:
            by_unit.setdefault(unit, []).append(
                services.road_segment_save(
                    by=self.supervisor,
                    name=name,
                    street=self.street,
                    squad=self.squads[unit],
                    leader=self.members[(unit, role)],
                    description=description,
                )
            )
        return by_unit

    def city_campaign(self, segments: dict[str, list[RoadSegment]]) -> Campaign:
        by = self.supervisor
        units = [self.squads[code] for code in UNITS]
        campaign = services.campaign_save(
            by=by,
            name=CITY_CAMPAIGN,
            kind=CampaignKind.CIVILISED_CITY,
            starts_on=START,
            ends_on=START + timedelta(days=DAYS - 1),
            lead_squad=self.squads[LEAD],
            leader=self.leader(LEAD),
            squads=units,
            categories=self.categories(CATEGORIES),
            road_segments=[s for unit in UNITS for s in segments[unit]],
            targets=dict(TARGETS),
            description=(
                "对照《全国文明城市测评体系》，局队领导靠前抓、中队科室具体抓、"
                "执法队员现场抓：领导包靠路段，每周召开调度会，各分队每日报送"
                "工作量。"
            ),
        )
        drives = []
        for name, kind, lead, metrics, categories in DRIVES:
            drives.append(
                services.campaign_save(
                    by=by,
                    name=name,
                    kind=kind,
                    starts_on=campaign.starts_on,
                    ends_on=campaign.ends_on,
                    lead_squad=self.squads[lead],
                    leader=self.leader(lead),
                    squads=units,
                    categories=self.categories(categories),
                    targets=dict.fromkeys(metrics),
                    parent=campaign,
                )
            )
        for each in [campaign, *drives]:
            services.campaign_start(campaign=each, by=by)
        for (unit, day), values in sorted(daily_figures().items()):
            n = (day - START).days
            notes = "集中执法行动" if day.weekday() in ACTION_WEEKDAYS else ""
            services.tally_record(
                by=self.leader(unit).user,
                campaign=campaign,
                squad=self.squads[unit],
                date=day,
                road_segment=segments[unit][n % 2],
                values=values,
                notes=notes,
            )
            self.tallies += 1
        for each in [campaign, *drives]:
            services.campaign_close(campaign=each, by=by)
        return campaign

    def open_day(self) -> Campaign:
        by = self.supervisor
        unit = self.squads[OPEN_DAY_UNIT]
        campaign = services.campaign_save(
            by=by,
            name=OPEN_DAY_CAMPAIGN,
            kind=CampaignKind.OPEN_DAY,
            starts_on=OPEN_DAY,
            ends_on=OPEN_DAY,
            lead_squad=unit,
            leader=self.leader(OPEN_DAY_UNIT),
            squads=[unit],
            categories=self.categories(["06036", "07001", "06017"]),
            targets=dict(OPEN_DAY_TARGETS),
            description=(
                "“城管进万家”：城管执法体验日、城管法律进社区、城管服务进社区。"
            ),
        )
        services.campaign_start(campaign=campaign, by=by)
        services.tally_record(
            by=self.leader(OPEN_DAY_UNIT).user,
            campaign=campaign,
            squad=unit,
            date=OPEN_DAY,
            values=dict(OPEN_DAY_FIGURES),
            notes=(
                "邀请市民群众走进执法中队；走进社区普法宣传；"
                "清理乱堆乱放、乱贴乱画、毁绿占绿。"
            ),
        )
        return services.campaign_close(campaign=campaign, by=by)


def seed() -> str:
    """Add the demo campaigns unless the civilised-city campaign is there already."""
    if Campaign.objects.filter(name=CITY_CAMPAIGN, starts_on=START).exists():
        return "campaigns: already present, left alone"
    User = get_user_model()
    if not User.objects.filter(username="supervisor").exists():
        return "campaigns: the squads demo logins are missing, nothing added"
    return DemoCampaigns().run()


__all__ = ["FIGURES", "OPEN_DAY_FIGURES", "DemoCampaigns", "seed"]
