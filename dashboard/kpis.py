"""The national KPIs (standards §2.2) of the cases a user may see, in SQL.

Every figure is an SQL aggregate: counts with FILTER (`dashboard.counts`),
sums of the working durations the services store
(`complaints.deadlines.durations`) and their median (`Median`), for a period,
optionally grouped by unit, street, community, category, channel or month.
Rates are divided in Python per group from those counts, never per case.

Two sources, the same definitions:

- the cases themselves: `complaints_visible_to(user)` submitted in the
  period (an index-only scan of `complaint_kpi_idx` on PostgreSQL);
- the daily rollup (`dashboard.rollup`), for the counts of the roles it can
  scope (the desk sees every row, a leader their units' dispatched cases, as
  `complaints_visible_to` says) and the groups it keeps (unit, street,
  channel, month). The medians always come from the cases; the counts say
  how old they are (`as_of`). Before the rollup was first built, and for an
  officer or a category or community table, everything comes from the cases.

A unit asked for must be in `squad_ids_in_scope(user)`, else `NotFound`.
Membership: a case counts in a period when it was *submitted* in it (local
dates); its status, stage times, due moments and counts today decide which
figures it adds to, so a period's figures settle as its cases finish. The
definitions, with examples, are docs/kpis.md; each indicator's `anchor` is
its heading there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from citymgmt.errors import InvalidInput, NotFound
from complaints.models import Category, Channel, Complaint, Method, Status
from complaints.selectors import complaints_visible_to
from dashboard import rollup
from dashboard.counts import (
    CLOSED,
    DISPOSED,
    ROW,
    SUM_PREFIX,
    case_counts,
    channel_counts,
    from_rollup,
    medians,
    rollup_sums,
)
from dashboard.models import DayFigures
from dashboard.periods import Period
from squads.models import Area, Squad
from squads.roles import DESK, LEADERS, User, role_of, squad_ids_in_scope

HOUR = 3600
Values = dict[str, float | int | None]


class ValueKind(models.TextChoices):
    """What an indicator's number is."""

    COUNT = "count", "count"
    RATE = "rate", "rate (a fraction)"
    HOURS = "hours", "working hours"


@dataclass(frozen=True)
class Indicator:
    """One figure as the screens show it: its name, kind and definition."""

    key: str
    label: Promise
    kind: str  # count, rate (a fraction), hours
    anchor: str  # its heading in docs/kpis.md
    compute: Callable[[dict[str, Any]], float | int | None]


def _count(name: str) -> Callable[[dict[str, Any]], int]:
    return lambda c: int(c[name] or 0)


def _rate(part: str, whole: str | Callable[[], str]) -> Callable[..., float | None]:
    def compute(c: dict[str, Any]) -> float | None:
        name = whole() if callable(whole) else whole
        total = c[name] or 0
        return round(c[part] / total, 4) if total else None

    return compute


def _hours(name: str) -> Callable[[dict[str, Any]], float | None]:
    return lambda c: None if c[name] is None else round(float(c[name]) / HOUR, 2)


def rework_denominator() -> str:
    """应结案数 (`to_close`, the default) or 立案数 (`registered`)."""
    return settings.KPI_REWORK_DENOMINATOR


def _rated(c: dict[str, Any]) -> int:
    return int(c["rated_now"] or 0) + int(c["rated_reopened"] or 0)


def _satisfaction_rate(c: dict[str, Any]) -> float | None:
    rated = _rated(c)
    return round(c["satisfied"] / rated, 4) if rated else None


INDICATORS: list[Indicator] = [
    Indicator(
        "received",
        gettext_lazy("Cases received"),
        "count",
        "received",
        _count("received"),
    ),
    Indicator(
        "registered",
        gettext_lazy("Cases registered"),
        "count",
        "registered",
        _count("registered"),
    ),
    Indicator(
        "to_dispose",
        gettext_lazy("Cases to dispose of"),
        "count",
        "to-dispose",
        _count("to_dispose"),
    ),
    Indicator(
        "disposed",
        gettext_lazy("Cases disposed of"),
        "count",
        "disposed",
        _count("disposed"),
    ),
    Indicator(
        "disposed_on_time",
        gettext_lazy("Cases disposed of on time"),
        "count",
        "disposed-on-time",
        _count("disposed_on_time"),
    ),
    Indicator(
        "disposal_rate",
        gettext_lazy("Disposal rate"),
        "rate",
        "disposal-rate",
        _rate("disposed", "to_dispose"),
    ),
    Indicator(
        "on_time_disposal_rate",
        gettext_lazy("On-time disposal rate"),
        "rate",
        "on-time-disposal-rate",
        _rate("disposed_on_time", "to_dispose"),
    ),
    Indicator(
        "late_disposal_rate",
        gettext_lazy("Late disposal rate"),
        "rate",
        "late-disposal-rate",
        _rate("disposed_late", "to_dispose"),
    ),
    Indicator(
        "to_close",
        gettext_lazy("Cases to close"),
        "count",
        "to-close",
        _count("to_close"),
    ),
    Indicator(
        "closed", gettext_lazy("Cases closed"), "count", "closed", _count("closed")
    ),
    Indicator(
        "closure_rate",
        gettext_lazy("Closure rate"),
        "rate",
        "closure-rate",
        _rate("closed", "to_close"),
    ),
    Indicator(
        "on_time_closure_rate",
        gettext_lazy("On-time closure rate"),
        "rate",
        "on-time-closure-rate",
        _rate("closed_on_time", "to_close"),
    ),
    Indicator(
        "rework_rate",
        gettext_lazy("Rework rate"),
        "rate",
        "rework-rate",
        _rate("reworked", rework_denominator),
    ),
    Indicator(
        "extension_rate",
        gettext_lazy("Extension rate"),
        "rate",
        "extension-rate",
        _rate("extended", "to_dispose"),
    ),
    Indicator(
        "satisfaction_rate",
        gettext_lazy("Satisfaction rate"),
        "rate",
        "satisfaction-rate",
        _satisfaction_rate,
    ),
    Indicator(
        "accept_hours_avg",
        gettext_lazy("Average working hours to accept"),
        "hours",
        "hours-to-accept",
        _hours("accept_seconds_avg"),
    ),
    Indicator(
        "accept_hours_median",
        gettext_lazy("Median working hours to accept"),
        "hours",
        "hours-to-accept",
        _hours("accept_seconds_median"),
    ),
    Indicator(
        "dispose_hours_avg",
        gettext_lazy("Average working hours to dispose"),
        "hours",
        "hours-to-dispose",
        _hours("dispose_seconds_avg"),
    ),
    Indicator(
        "dispose_hours_median",
        gettext_lazy("Median working hours to dispose"),
        "hours",
        "hours-to-dispose",
        _hours("dispose_seconds_median"),
    ),
]
for _method, _label in Method.choices:
    INDICATORS.append(
        Indicator(
            f"method_{_method}_share",
            _label,
            "rate",
            "method-shares",
            _rate(f"method_{_method}", "disposed"),
        )
    )
for _channel, _label in Channel.choices:
    INDICATORS.append(
        Indicator(
            f"channel_{_channel}_share",
            _label,
            "rate",
            "channel-shares",
            _rate(f"channel_{_channel}", "received"),
        )
    )
INDICATOR_KEYS = [indicator.key for indicator in INDICATORS]
# The shares the 721 method aims at (service 70 %, management 20 %, enforcement 10 %).
METHOD_TARGETS = {Method.SERVICE: 0.7, Method.MANAGEMENT: 0.2, Method.ENFORCEMENT: 0.1}


def values_of(counts: dict[str, Any]) -> Values:
    """Every indicator of one group, from its counts (and medians)."""
    counts = dict(counts)
    for name, total, timed in (
        ("accept_seconds_avg", "accept_seconds_sum", "accept_timed"),
        ("dispose_seconds_avg", "dispose_seconds_sum", "dispose_timed"),
    ):
        counts[name] = counts[total] / counts[timed] if counts[timed] else None
    values: Values = {
        indicator.key: indicator.compute(counts) for indicator in INDICATORS
    }
    # The counts the rates divide, for a table that shows them.
    for name in (
        "to_close",
        "closed_on_time",
        "disposed_late",
        "extended",
        "reworked",
        "satisfied",
    ):
        values[name] = int(counts[name] or 0)
    values["rated"] = _rated(counts)
    for method in Method.values:
        values[f"method_{method}"] = int(counts[f"method_{method}"] or 0)
    for channel in Channel.values:
        values[f"channel_{channel}"] = int(counts[f"channel_{channel}"] or 0)
    return values


def _empty() -> dict[str, Any]:
    """The counts of a group without cases."""
    found: dict[str, Any] = dict.fromkeys([*case_counts(), *channel_counts()], 0)
    found.update(dict.fromkeys(medians()))
    return found


def empty_values() -> Values:
    """Every indicator of a group without cases."""
    return values_of(_empty())


# Scope -----------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose figures: the user, and the unit and street they narrowed them to.

    No user is the whole city, as the desk counts it: only the public
    statistics (`dashboard.public`) ask for that, and they show aggregates.
    """

    user: User | None
    unit: Squad | None = None
    unit_ids: frozenset[int] | None = None
    street: Area | None = None


def scope_for(*, user: User, unit: str = "", street: str = "") -> Scope:
    """The scope a person asked for: a unit outside theirs is `NotFound`."""
    chosen: Squad | None = None
    unit_ids: frozenset[int] | None = None
    code = unit.strip()
    if code:
        visible = squad_ids_in_scope(user=user)
        tree = list(Squad.objects.only("id", "parent_id", "code", "name"))
        chosen = next((s for s in tree if s.code.upper() == code.upper()), None)
        if chosen is None or (visible is not None and chosen.pk not in visible):
            raise NotFound(_("No unit with this code is in your scope."))
        unit_ids = frozenset(_subtree(chosen.pk, tree))
    area: Area | None = None
    code = street.strip()
    if code:
        area = Area.objects.filter(level=Area.Level.STREET, code=code).first()
        if area is None:
            raise InvalidInput(_("No street has this code."), field="street")
    return Scope(user=user, unit=chosen, unit_ids=unit_ids, street=area)


def _subtree(root: int, tree: Iterable[Squad]) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for squad in tree:
        children.setdefault(squad.parent_id, []).append(squad.pk)
    ids, frontier = {root}, [root]
    while frontier:
        below = [c for parent in frontier for c in children.get(parent, [])]
        frontier = [c for c in below if c not in ids]
        ids.update(frontier)
    return ids


def group_keys(by: str, values: Iterable[Any]) -> dict[Any, dict[str, str | None]]:
    """{value: {"code", "name"}} of the groups, in the request's language.

    One query for units, areas and categories; none for channels and months.
    """
    found: dict[Any, dict[str, str | None]] = {}
    wanted = [value for value in values if value is not None]
    if by == "unit":
        for pk, code, name in Squad.objects.filter(pk__in=wanted).values_list(
            "pk", "code", "name"
        ):
            found[pk] = {"code": code, "name": name}
    elif by in ("street", "community"):
        for pk, code, name in Area.objects.filter(pk__in=wanted).values_list(
            "pk", "code", "name"
        ):
            found[pk] = {"code": code, "name": name}
    elif by == "category":
        english = (get_language() or "").startswith("en")
        for pk, code, zh, en in Category.objects.filter(pk__in=wanted).values_list(
            "pk", "code", "name_zh", "name_en"
        ):
            found[pk] = {"code": code, "name": en if english else zh}
    elif by == "channel":
        for value in wanted:
            found[value] = {"code": value, "name": str(Channel(value).label)}
    else:
        for month in wanted:
            found[month] = {"code": f"{month:%Y-%m}", "name": f"{month:%Y-%m}"}
    found[None] = {"code": None, "name": _("(none)")}
    return found


# Sources ---------------------------------------------------------------------


def _local_zone() -> Any:
    return timezone.get_default_timezone()


def _cases(scope: Scope) -> QuerySet[Complaint]:
    """The cases the scope's user may see; every case when it has no user."""
    if scope.user is None:
        return Complaint.objects.all()
    return complaints_visible_to(user=scope.user)


def _rollup_rows(scope: Scope) -> QuerySet[DayFigures] | None:
    """The rollup rows the user's scope covers; None when it cannot scope them."""
    role = None if scope.user is None else role_of(user=scope.user)
    if scope.user is None or role in DESK:
        rows = DayFigures.objects.all()
    elif role in LEADERS:
        # As complaints_visible_to: their units' cases once dispatched.
        units = squad_ids_in_scope(user=scope.user) or set()
        rows = DayFigures.objects.filter(squad_id__in=sorted(units), dispatched=True)
    else:
        return None
    if scope.unit_ids is not None:
        rows = rows.filter(squad_id__in=sorted(scope.unit_ids))
    if scope.street is not None:
        rows = rows.filter(street_id=scope.street.pk)
    return rows


@dataclass(frozen=True)
class Source:
    """Where a request's counts come from: the rollup (as of when) or the cases."""

    rows: QuerySet[DayFigures] | None
    as_of: datetime | None

    @property
    def rollup(self) -> bool:
        return self.rows is not None


def source_for(scope: Scope) -> Source:
    """The rollup when it was built and covers the scope: one query."""
    rows = _rollup_rows(scope)
    if rows is None:
        return Source(rows=None, as_of=None)
    state = rollup.state()
    if state is None:
        return Source(rows=None, as_of=None)
    return Source(rows=rows, as_of=state.refreshed_at)


def _in_days(rows: QuerySet[DayFigures], *periods: Period) -> QuerySet[DayFigures]:
    """The rows of the days from the first period's start to the last's end."""
    return rows.filter(
        day__gte=min(p.start for p in periods), day__lte=max(p.end for p in periods)
    )


def cases(*, scope: Scope, start: datetime, end: datetime) -> QuerySet[Complaint]:
    """The cases of the scope submitted in [start, end)."""
    return _in_scope(
        _cases(scope).filter(submitted_at__gte=start, submitted_at__lt=end),
        scope,
    )


def _in_scope(qs: QuerySet[Complaint], scope: Scope) -> QuerySet[Complaint]:
    if scope.unit_ids is not None:
        qs = qs.filter(squad_id__in=sorted(scope.unit_ids))
    if scope.street is not None:
        qs = qs.filter(street_id=scope.street.pk)
    return qs


def _submitted_in(*periods: Period) -> Q:
    """Submitted from the first period's start to the last's end: one range, so
    the index is read from one point to another (an OR of two ranges would
    make PostgreSQL filter the whole index). Days between two periods that are
    not adjacent fall in a group of their own, which is left out."""
    bounds = [period.bounds() for period in periods]
    return Q(
        submitted_at__gte=min(start for start, _end in bounds),
        submitted_at__lt=max(end for _start, end in bounds),
    )


Group = tuple[str, Any] | None  # (value name, expression or None: a column)


def _aggregated(
    qs: QuerySet, by: Group, aggregates: dict[str, Any], found: dict[Any, dict]
) -> None:
    """Add the aggregates of `qs`, grouped by `by`, to `found` (one query)."""
    if by is None:
        found.setdefault(None, {}).update(from_rollup(qs.aggregate(**aggregates)))
        return
    name, expression = by
    if expression is not None:
        qs = qs.annotate(**{name: expression})
    for row in qs.values(name).annotate(**aggregates).order_by():
        found.setdefault(row.pop(name), {}).update(from_rollup(row))


def _raw(scope: Scope, *periods: Period) -> QuerySet[Complaint]:
    return _in_scope(_cases(scope).filter(_submitted_in(*periods)), scope)


def _figures(
    scope: Scope,
    source: Source,
    period: Period,
    *,
    rollup_group: Group,
    case_group: Group,
) -> dict[Any, dict[str, Any]]:
    """{group value: counts and medians} of the cases submitted in the period.

    The counts from the rollup's sums grouped by `rollup_group`, or from the
    cases grouped by `case_group` (one query); the medians from the cases by
    `case_group` (one query). Apart, because PostgreSQL cannot share the
    work of an ordered-set aggregate (the median) among parallel workers:
    with it, the counts would be read by one process alone.
    """
    found: dict[Any, dict[str, Any]] = {}
    if source.rows is not None:
        _aggregated(_in_days(source.rows, period), rollup_group, rollup_sums(), found)
    else:
        counts = {**case_counts(), **channel_counts()}
        _aggregated(_raw(scope, period), case_group, counts, found)
    _aggregated(_raw(scope, period), case_group, medians(), found)
    return _filled(found)


def _filled(found: dict[Any, dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    empty = _empty()
    return {
        value: {**empty, **{k: v for k, v in counts.items() if v is not None}}
        for value, counts in found.items()
    }


# Figures ---------------------------------------------------------------------


@dataclass
class Row:
    """One group's figures: its key ({code, name}) and every indicator."""

    key: dict[str, str | None]
    values: Values = field(default_factory=dict)


@dataclass
class Figures:
    """Indicators and how old their counts are (None: read from the cases now)."""

    values: Values
    as_of: datetime | None


def totals(*, scope: Scope, period: Period) -> Figures:
    """Every indicator over the whole scope and period: one or two queries."""
    source = source_for(scope)
    found = _figures(scope, source, period, rollup_group=None, case_group=None)
    return Figures(values_of(found.get(None, _empty())), source.as_of)


def totals_compared(*, scope: Scope, period: Period) -> tuple[Figures, Figures]:
    """(this period's indicators, the previous period's).

    The counts of both periods in one query grouped by period, from the
    rollup or from the cases; the medians of each period from the cases, a
    query each (two plain aggregates over an index range cost less than one
    grouped by period, which must sort every case by its group first).
    """
    previous = period.previous()
    source = source_for(scope)
    start, _end = period.bounds()
    _start, after = previous.bounds()
    found: dict[Any, dict[str, Any]] = {}
    if source.rows is not None:
        on_day = Case(
            When(day__gte=period.start, then=Value("current")),
            When(day__lte=previous.end, then=Value("previous")),
            default=Value("between"),
            output_field=CharField(),
        )
        rows = _in_days(source.rows, previous, period)
        _aggregated(rows, ("which", on_day), rollup_sums(), found)
    else:
        on_case = Case(
            When(submitted_at__gte=start, then=Value("current")),
            When(submitted_at__lt=after, then=Value("previous")),
            default=Value("between"),
            output_field=CharField(),
        )
        counts = {**case_counts(), **channel_counts()}
        _aggregated(_raw(scope, previous, period), ("which", on_case), counts, found)
    for which, counted in (("current", period), ("previous", previous)):
        found.setdefault(which, {}).update(_raw(scope, counted).aggregate(**medians()))
    found = _filled(found)
    return (
        Figures(values_of(found.get("current", _empty())), source.as_of),
        Figures(values_of(found.get("previous", _empty())), source.as_of),
    )


# The groups the rollup keeps, and the column or expression of each there and
# on the cases; category and community are counted from the cases.
GROUPS = ("unit", "street", "community", "category", "channel", "month")
_COLUMN = {
    "unit": "squad_id",
    "street": "street_id",
    "community": "community_id",
    "category": "category_id",
    "channel": "channel",
}
ROLLUP_GROUPS = frozenset({"unit", "street", "channel", "month"})


def _groups(by: str) -> tuple[tuple[str, Any] | None, tuple[str, Any]]:
    """(the rollup's group or None, the cases' group) for `by`."""
    if by not in GROUPS:
        raise InvalidInput(
            _("Group by unit, street, community, category, channel or month."),
            field="by",
        )
    if by == "month":
        on_day = TruncMonth("day", output_field=DateField())
        on_case = TruncMonth(
            "submitted_at", tzinfo=_local_zone(), output_field=DateField()
        )
        return ("month", on_day), ("month", on_case)
    column = _COLUMN[by]
    return ((column, None) if by in ROLLUP_GROUPS else None), (column, None)


def grouped(*, scope: Scope, period: Period, by: str) -> tuple[list[Row], Source]:
    """Every indicator per group (unit, street, …, month), and their source.

    Rows in the order of the group's code (months in time order); the cases
    without a unit, street or community last. Two or three queries: the
    counts, the medians, the groups' names.
    """
    rollup_group, case_group = _groups(by)
    if rollup_group is None:
        source = Source(rows=None, as_of=None)
    else:
        source = source_for(scope)
    found = _figures(
        scope, source, period, rollup_group=rollup_group, case_group=case_group
    )
    keys = group_keys(by, found)
    rows = [
        Row(key=keys[value], values=values_of(counts))
        for value, counts in found.items()
    ]
    rows.sort(key=lambda row: (row.key["code"] is None, row.key["code"] or ""))
    return rows, source


def unit_counts(*, scope: Scope, period: Period) -> tuple[list[Row], Source]:
    """The counts per unit without the medians (the per-unit chart)."""
    source = source_for(scope)
    counted: Iterable[Any]
    if source.rows is not None:
        counted = (
            _in_days(source.rows, period)
            .values("squad_id")
            .annotate(**rollup_sums())
            .order_by()
        )
    else:
        counted = (
            cases(scope=scope, start=period.bounds()[0], end=period.bounds()[1])
            .values("squad_id")
            .annotate(**case_counts(), **channel_counts())
            .order_by()
        )
    found = {row["squad_id"]: {**_empty(), **from_rollup(dict(row))} for row in counted}
    keys = group_keys("unit", found)
    rows = [
        Row(key=keys[value], values=values_of(counts))
        for value, counts in found.items()
    ]
    rows.sort(key=lambda row: (row.key["code"] is None, row.key["code"] or ""))
    return rows, source


# Charts ----------------------------------------------------------------------


def daily(*, scope: Scope, period: Period) -> tuple[dict[str, dict[date, int]], Source]:
    """Cases received and cases closed per local day: two queries (and the state).

    Received from the rollup when it covers the scope; closed (verified) from
    the cases, by the day they were closed.
    """
    source = source_for(scope)
    start, end = period.bounds()
    zone = _local_zone()
    if source.rows is not None:
        received = {
            row["day"]: row["n"]
            for row in _in_days(source.rows, period)
            .values("day")
            .annotate(n=rollup_sums()[f"{SUM_PREFIX}received"])
            .order_by()
        }
    else:
        received = {
            row["day"]: row["n"]
            for row in cases(scope=scope, start=start, end=end)
            .annotate(day=TruncDate("submitted_at", tzinfo=zone))
            .values("day")
            .annotate(n=Count(ROW))
            .order_by()
        }
    closed = {
        row["day"]: row["n"]
        for row in _in_scope(_cases(scope), scope)
        .filter(status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end)
        .annotate(day=TruncDate("closed_at", tzinfo=zone))
        .values("day")
        .annotate(n=Count("closed_at"))
        .order_by()
    }
    return {"received": received, "closed": closed}, source


def methods(*, scope: Scope, period: Period) -> tuple[Values, Source]:
    """The cases disposed of, by 721 method: one query (and the state)."""
    source = source_for(scope)
    names = ["disposed", *[f"method_{m}" for m in Method.values]]
    if source.rows is not None:
        sums = rollup_sums()
        counted = from_rollup(
            _in_days(source.rows, period).aggregate(
                **{f"{SUM_PREFIX}{n}": sums[f"{SUM_PREFIX}{n}"] for n in names}
            )
        )
    else:
        counts = case_counts()
        start, end = period.bounds()
        counted = cases(scope=scope, start=start, end=end).aggregate(
            **{n: counts[n] for n in names}
        )
    values: Values = {name: int(counted[name] or 0) for name in names}
    for method in Method.values:
        disposed = values["disposed"] or 0
        part = values[f"method_{method}"] or 0
        values[f"method_{method}_share"] = (
            round(part / disposed, 4) if disposed else None
        )
    return values, source


def categories(*, scope: Scope, period: Period) -> list[dict[str, Any]]:
    """Cases received, disposed of and closed per category, most received first."""
    start, end = period.bounds()
    rows = list(
        cases(scope=scope, start=start, end=end)
        .values("category_id")
        .annotate(
            received=Count(ROW),
            disposed=Count(ROW, filter=DISPOSED),
            closed=Count(ROW, filter=CLOSED),
        )
        .order_by()
    )
    keys = group_keys("category", [row["category_id"] for row in rows])
    found = [
        {
            "key": keys[row["category_id"]],
            "received": row["received"],
            "disposed": row["disposed"],
            "closed": row["closed"],
        }
        for row in rows
    ]
    found.sort(key=lambda row: (-row["received"], row["key"]["code"] or ""))
    return found


def heat(*, scope: Scope, period: Period) -> list[dict[str, Any]]:
    """Cases received per community and local week (Monday): two queries.

    Communities in code order (cases without one last), weeks in time order.
    """
    start, end = period.bounds()
    week = TruncWeek("submitted_at", tzinfo=_local_zone(), output_field=DateField())
    rows = list(
        cases(scope=scope, start=start, end=end)
        .annotate(week=week)
        .values("community_id", "week")
        .annotate(n=Count(ROW))
        .order_by()
    )
    keys = group_keys("community", [row["community_id"] for row in rows])
    found = [
        {"key": keys[row["community_id"]], "week": row["week"], "count": row["n"]}
        for row in rows
    ]
    found.sort(
        key=lambda row: (
            row["key"]["code"] is None,
            row["key"]["code"] or "",
            row["week"],
        )
    )
    return found


def unit_categories(*, scope: Scope, period: Period) -> dict[int | None, list[Row]]:
    """Every indicator per unit and category: {unit id: rows by category code}.

    From the cases (the rollup keeps no categories): one query for the counts
    and medians, grouped by unit and category, and one for the names.
    """
    everything = {**case_counts(), **channel_counts(), **medians()}
    found: dict[Any, dict[str, Any]] = {}
    for row in (
        _raw(scope, period)
        .values("squad_id", "category_id")
        .annotate(**everything)
        .order_by()
    ):
        counts: dict[str, Any] = dict(row)
        key = (counts.pop("squad_id"), counts.pop("category_id"))
        found[key] = from_rollup(counts)
    found = _filled(found)
    keys = group_keys("category", {category for _unit, category in found})
    by_unit: dict[int | None, list[Row]] = {}
    for (unit, category), counts in found.items():
        by_unit.setdefault(unit, []).append(
            Row(key=keys[category], values=values_of(counts))
        )
    for rows in by_unit.values():
        rows.sort(key=lambda row: (row.key["code"] is None, row.key["code"] or ""))
    return by_unit
