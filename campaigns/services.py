"""Writes of the campaigns app: campaigns, road segments and daily tallies.

Every service is keyword-only, runs in one transaction and raises only
`citymgmt.errors.DomainError`. `tally_record` is an upsert on the tally's
natural key (campaign, unit, date, road segment): entering the same day again
replaces its figures, never adds to them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User as AuthUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    CampaignTarget,
    Metric,
    MetricKind,
    RoadSegment,
    Tally,
    TallyPhoto,
    TallyValue,
)
from campaigns.selectors import campaign_metrics, campaign_participant_ids, in_scope
from citymgmt.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotAllowed,
    NotFound,
    full_clean_or_refuse,
)
from citymgmt.photos import PreparedPhoto
from complaints.models import Category
from squads.models import Area, Member, Squad
from squads.roles import LEADERS, UNIT_ROLES, Role, User, role_of, squad_ids_in_scope

RUNS_CAMPAIGNS = frozenset({Role.SUPERVISOR})
KEEPS_SEGMENTS = LEADERS | {Role.SUPERVISOR}
RECORDS_TALLIES = UNIT_ROLES | {Role.SUPERVISOR}

Value = Decimal | int | float | str | None

# A day's notes: a few lines, not a report.
TALLY_NOTES_MAX = 2000
# Photos one tally keeps (each upload may add PHOTO_MAX_COUNT at most).
TALLY_PHOTOS_MAX = 12


def _user_row(by: User) -> AuthUser | None:
    return by if isinstance(by, AuthUser) else None


def _require_role(by: User, roles: Iterable[str], message: str) -> str:
    role = role_of(user=by)
    if role not in set(roles):
        raise Forbidden(message)
    assert role is not None  # noqa: S101
    return role


# --- campaigns -------------------------------------------------------------


@transaction.atomic
def campaign_save(
    *,
    by: User,
    campaign: Campaign | None = None,
    name: str,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    lead_squad: Squad,
    leader: Member | None = None,
    squads: Iterable[Squad] = (),
    categories: Iterable[Category] = (),
    road_segments: Iterable[RoadSegment] = (),
    targets: Mapping[str, Value] | None = None,
    parent: Campaign | None = None,
    description: str = "",
) -> Campaign:
    """Create a campaign (planned) or change one that is not closed.

    `targets` maps metric codes to the campaign's target (None: counted, no
    target); its order is the order of the grid's and the workbook's columns.
    """
    _require_role(by, RUNS_CAMPAIGNS, _("Only a supervisor may set up campaigns."))
    if campaign is not None:
        campaign = Campaign.objects.select_for_update(no_key=True).get(pk=campaign.pk)
        if campaign.status == CampaignStatus.CLOSED:
            raise NotAllowed(_("This campaign is closed; its figures are final."))
    else:
        campaign = Campaign(created_by=_user_row(by))
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the campaign a name."), field="name")
    if kind not in CampaignKind.values:
        raise InvalidInput(_("Choose the kind of campaign."), field="kind")
    if ends_on < starts_on:
        raise InvalidInput(
            _("The campaign must end on or after the day it starts."), field="ends_on"
        )
    if parent is not None:
        parent = Campaign.objects.get(pk=parent.pk)  # as it is now, not as read
    if parent is not None and (
        parent.pk == campaign.pk
        or parent.parent_id
        or (campaign.pk is not None and campaign.drives.exists())
    ):
        # Two levels only: a campaign and its drives.
        raise InvalidInput(
            _("A drive can only be part of a campaign that is not itself a drive."),
            field="parent",
        )
    if leader is not None and leader.squad_id != lead_squad.pk:
        raise InvalidInput(
            _("The leader must be a member of the lead unit."), field="leader"
        )
    squads = list(squads)
    road_segments = list(road_segments)
    if campaign.pk is not None:
        _refuse_dropping_tallied(campaign, lead_squad, squads, road_segments)
        outside = campaign.tallies.filter(~_in_period(starts_on, ends_on)).exists()
        if outside:
            raise InvalidInput(
                _("Some tallies fall outside this period; the period must cover them."),
                field="starts_on",
            )
    campaign.name = name
    campaign.kind = kind
    campaign.starts_on = starts_on
    campaign.ends_on = ends_on
    campaign.lead_squad = lead_squad
    campaign.leader = leader
    campaign.parent = parent
    campaign.description = description or ""
    full_clean_or_refuse(campaign, validate_constraints=False)
    campaign.save()
    campaign.squads.set(squads)
    campaign.categories.set(list(categories))
    campaign.road_segments.set(road_segments)
    if targets is not None:
        _set_targets(campaign, targets)
    return campaign


def _refuse_dropping_tallied(
    campaign: Campaign,
    lead_squad: Squad,
    squads: list[Squad],
    road_segments: list[RoadSegment],
) -> None:
    """A unit or road segment that has tallies stays in the campaign.

    Its figures would stay in the totals while nobody could correct them.
    """
    kept_units = {s.pk for s in squads} | {lead_squad.pk}
    gone = set(
        campaign.tallies.exclude(squad_id__in=kept_units)
        .order_by()
        .values_list("squad__name", flat=True)
        .distinct()
    )
    if gone:
        raise InvalidInput(
            _("%(units)s already recorded tallies; the unit cannot leave the campaign.")
            % {"units": "、".join(sorted(gone))},
            field="squads",
        )
    gone = set(
        campaign.tallies.filter(road_segment__isnull=False)
        .exclude(road_segment_id__in=[r.pk for r in road_segments])
        .order_by()
        .values_list("road_segment__name", flat=True)
        .distinct()
    )
    if gone:
        raise InvalidInput(
            _(
                "Tallies were recorded on %(segments)s; the road segment cannot "
                "leave the campaign."
            )
            % {"segments": "、".join(sorted(gone))},
            field="road_segments",
        )


def _in_period(starts_on: dt.date, ends_on: dt.date) -> Q:
    return Q(date__gte=starts_on, date__lte=ends_on)


def _set_targets(campaign: Campaign, targets: Mapping[str, Value]) -> None:
    metrics = {m.code: m for m in Metric.objects.filter(code__in=list(targets))}
    unknown = [code for code in targets if code not in metrics]
    if unknown:
        raise InvalidInput(
            _("Unknown metric: %(codes)s.") % {"codes": ", ".join(unknown)},
            field="targets",
        )
    kept = []
    for position, (code, raw) in enumerate(targets.items(), 1):
        metric = metrics[code]
        target = None if raw in (None, "") else _number(raw, metric, field="targets")
        CampaignTarget.objects.update_or_create(
            campaign=campaign,
            metric=metric,
            defaults={"target": target, "position": position},
        )
        kept.append(metric.pk)
    dropped = CampaignTarget.objects.filter(campaign=campaign).exclude(
        metric_id__in=kept
    )
    if (
        dropped.exists()
        and TallyValue.objects.filter(
            tally__campaign=campaign,
            metric_id__in=dropped.values("metric_id"),
        ).exists()
    ):
        raise InvalidInput(
            _("A metric that has figures cannot be taken out of the campaign."),
            field="targets",
        )
    dropped.delete()


def _move(campaign: Campaign, *, by: User, source: str, target: str) -> Campaign:
    _require_role(
        by, RUNS_CAMPAIGNS, _("Only a supervisor may start or close a campaign.")
    )
    campaign = Campaign.objects.select_for_update(no_key=True).get(pk=campaign.pk)
    if campaign.status != source:
        status = CampaignStatus(campaign.status).label
        raise NotAllowed(
            _("The campaign is %(status)s; it cannot be started.") % {"status": status}
            if target == CampaignStatus.RUNNING
            else _("The campaign is %(status)s; it cannot be closed.")
            % {"status": status}
        )
    campaign.status = target
    now = timezone.now()
    if target == CampaignStatus.RUNNING:
        campaign.started_at = now
    else:
        campaign.closed_at = now
    campaign.save(update_fields=["status", "started_at", "closed_at"])
    return campaign


@transaction.atomic
def campaign_start(*, campaign: Campaign, by: User) -> Campaign:
    """planned → running: units may tally from now on."""
    return _move(
        campaign, by=by, source=CampaignStatus.PLANNED, target=CampaignStatus.RUNNING
    )


@transaction.atomic
def campaign_close(*, campaign: Campaign, by: User) -> Campaign:
    """running → closed: the tallies are final and locked."""
    return _move(
        campaign, by=by, source=CampaignStatus.RUNNING, target=CampaignStatus.CLOSED
    )


# --- metrics ---------------------------------------------------------------


@transaction.atomic
def metric_save(
    *,
    by: User,
    metric: Metric | None = None,
    code: str,
    name_zh: str,
    name_en: str,
    unit: str,
    kind: str = MetricKind.COUNT,
    active: bool = True,
    position: int = 0,
) -> Metric:
    """Create a metric, or change one; what its figures mean stays as it was."""
    _require_role(by, RUNS_CAMPAIGNS, _("Only a supervisor may keep the metrics."))
    code = (code or "").strip()
    if metric is not None:
        metric = Metric.objects.select_for_update(no_key=True).get(pk=metric.pk)
        if code != metric.code:
            # Templates, imports and workbooks name the column by its code.
            raise InvalidInput(
                _("A metric's code cannot change once it is saved."), field="code"
            )
        if (unit != metric.unit or kind != metric.kind) and TallyValue.objects.filter(
            metric=metric
        ).exists():
            raise InvalidInput(
                _(
                    "Figures were recorded in this metric; its unit and kind "
                    "stay as they were."
                ),
                field="unit" if unit != metric.unit else "kind",
            )
    else:
        metric = Metric()
    metric.code = code
    metric.name_zh = (name_zh or "").strip()
    metric.name_en = (name_en or "").strip()
    metric.unit = unit
    metric.kind = kind
    metric.active = active
    metric.position = position
    full_clean_or_refuse(metric)
    metric.save()
    return metric


# --- road segments ---------------------------------------------------------


@transaction.atomic
def road_segment_save(
    *,
    by: User,
    segment: RoadSegment | None = None,
    name: str,
    street: Area,
    squad: Squad,
    leader: Member | None = None,
    description: str = "",
    active: bool = True,
) -> RoadSegment:
    """Create or change a road segment (包靠路段) of a unit in the user's scope."""
    _require_role(
        by, KEEPS_SEGMENTS, _("Only a unit's leaders may keep its road segments.")
    )
    if segment is not None:
        segment = RoadSegment.objects.select_for_update(no_key=True).get(pk=segment.pk)
    if not in_scope(user=by, squad_id=squad.pk) or (
        segment is not None and not in_scope(user=by, squad_id=segment.squad_id)
    ):
        raise NotFound(_("No such unit."))
    if street.level != Area.Level.STREET:
        raise InvalidInput(_("Choose a street or town."), field="street")
    if leader is not None and leader.squad_id != squad.pk:
        raise InvalidInput(
            _("The responsible leader must be a member of the unit."), field="leader"
        )
    if (
        segment is not None
        and segment.squad_id != squad.pk
        and segment.tallies.exists()
    ):
        raise InvalidInput(
            _("Tallies were recorded on this road segment; it stays with its unit."),
            field="squad",
        )
    segment = segment or RoadSegment()
    segment.name = (name or "").strip()
    segment.street = street
    segment.squad = squad
    segment.leader = leader
    segment.description = description or ""
    segment.active = active
    full_clean_or_refuse(segment)
    segment.save()
    return segment


# --- tallies ---------------------------------------------------------------


def _number(raw: Value, metric: Metric, *, field: str) -> Decimal:
    """A figure for a metric: a number, not negative, whole where it counts."""
    label = metric.name_zh
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            _("%(metric)s: “%(value)s” is not a number.")
            % {"metric": label, "value": raw},
            field=field,
        ) from None
    if not value.is_finite():
        raise InvalidInput(
            _("%(metric)s: “%(value)s” is not a number.")
            % {"metric": label, "value": raw},
            field=field,
        )
    if value < 0:
        raise InvalidInput(
            _("%(metric)s cannot be negative.") % {"metric": label}, field=field
        )
    if metric.kind == MetricKind.COUNT and value != value.to_integral_value():
        raise InvalidInput(
            _("%(metric)s is a count: give a whole number.") % {"metric": label},
            field=field,
        )
    # Before quantize: a huge figure ("1e100") has more digits than the
    # decimal context holds, and quantize would raise instead of refusing.
    if value >= Decimal("1e12"):
        raise InvalidInput(
            _("%(metric)s: the figure is too large.") % {"metric": label}, field=field
        )
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput(
            _("%(metric)s: at most two decimal places.") % {"metric": label},
            field=field,
        )
    return value.quantize(Decimal("0.01"))


def campaign_tally_refusal(*, campaign: Campaign) -> NotAllowed | None:
    """Why no tally of this campaign can be recorded now (None: they can)."""
    if campaign.status == CampaignStatus.CLOSED:
        return NotAllowed(_("The campaign is closed; its tallies are locked."))
    if campaign.status == CampaignStatus.PLANNED:
        return NotAllowed(_("The campaign has not started yet."))
    return None


def figure_refusal(*, metric: Metric, raw: Value) -> InvalidInput | None:
    """Why a figure cannot be recorded for a metric (None: it can, or it is
    blank). Lets a form or an import name every bad cell at once."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        _number(raw, metric, field=metric.code)
    except InvalidInput as refused:
        return refused
    return None


def tally_refusal(
    *,
    campaign: Campaign,
    squad: Squad,
    date: dt.date,
    road_segment: RoadSegment | None,
    participants: set[int] | None = None,
    segment_ids: set[int] | None = None,
    today: dt.date | None = None,
) -> InvalidInput | NotAllowed | None:
    """Why this tally cannot be recorded (None: it can). Shared with the import."""
    closed = campaign_tally_refusal(campaign=campaign)
    if closed is not None:
        return closed
    if not (campaign.starts_on <= date <= campaign.ends_on):
        return InvalidInput(
            _("%(date)s is outside the campaign's period (%(start)s to %(end)s).")
            % {"date": date, "start": campaign.starts_on, "end": campaign.ends_on},
            field="date",
        )
    if date > (today or timezone.localdate()):
        return InvalidInput(
            _("A tally cannot be for a day still to come."), field="date"
        )
    if participants is None:
        participants = campaign_participant_ids(campaign=campaign)
    if squad.pk not in participants:
        return InvalidInput(
            _("%(unit)s does not take part in this campaign.") % {"unit": squad.name},
            field="squad",
        )
    if road_segment is not None:
        if segment_ids is None:
            segment_ids = set(campaign.road_segments.values_list("pk", flat=True))
        if road_segment.pk not in segment_ids:
            return InvalidInput(
                _("The road segment %(name)s is not one of this campaign's.")
                % {"name": road_segment.name},
                field="road_segment",
            )
        if road_segment.squad_id != squad.pk:
            return InvalidInput(
                _("The road segment %(name)s belongs to another unit.")
                % {"name": road_segment.name},
                field="road_segment",
            )
    return None


def notes_refusal(notes: str | None) -> InvalidInput | None:
    """Why a tally's notes cannot be kept (None: they can)."""
    if notes is not None and len(notes) > TALLY_NOTES_MAX:
        return InvalidInput(
            _("The notes may be at most %(max)d characters.")
            % {"max": TALLY_NOTES_MAX},
            field="notes",
        )
    return None


def tally_figures(
    *, values: Mapping[str, Value], metrics: Mapping[str, Metric]
) -> tuple[dict[int, Decimal], list[InvalidInput]]:
    """A tally's figures by metric id, and why each figure that cannot be used.

    `metrics` are the campaign's, by code; a blank or None figure is left out
    (recording the tally clears that metric).
    """
    figures: dict[int, Decimal] = {}
    problems: list[InvalidInput] = []
    for code, raw in values.items():
        metric = metrics.get(code)
        if metric is None:
            problems.append(
                InvalidInput(
                    _("%(code)s is not a metric of this campaign.") % {"code": code},
                    field=code,
                )
            )
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        try:
            figures[metric.pk] = _number(raw, metric, field=code)
        except InvalidInput as problem:
            problems.append(problem)
    return figures, problems


@transaction.atomic
def tally_record(
    *,
    by: User,
    campaign: Campaign,
    squad: Squad,
    date: dt.date,
    values: Mapping[str, Value],
    road_segment: RoadSegment | None = None,
    notes: str | None = None,
) -> Tally:
    """Record a unit's figures for a day: an upsert on the natural key.

    `values` maps metric codes to figures; a blank or None figure clears that
    metric. Recording the same day again replaces its figures. `notes=None`
    keeps the notes the tally has.
    """
    _require_role(by, RECORDS_TALLIES, _("Your role may not record tallies."))
    if not in_scope(user=by, squad_id=squad.pk):
        raise NotFound(_("No such unit."))
    # The campaign row is locked for the moment of the write: closing it
    # waits for a tally being written, and a tally waits for a close.
    campaign = Campaign.objects.select_for_update(no_key=True).get(pk=campaign.pk)
    refusal = tally_refusal(
        campaign=campaign, squad=squad, date=date, road_segment=road_segment
    )
    if refusal is not None:
        raise refusal
    metrics = {m.code: m for m in campaign_metrics(campaign=campaign)}
    figures, problems = tally_figures(values=values, metrics=metrics)
    if problems:
        raise problems[0]
    notes_refused = notes_refusal(notes)
    if notes_refused is not None:
        raise notes_refused
    tally, created = _tally_row(
        campaign, squad, date, road_segment, notes=notes or "", by=_user_row(by)
    )
    if not created:
        if notes is not None:
            tally.notes = notes
        tally.recorded_by = _user_row(by)
        tally.save(update_fields=["notes", "recorded_by", "updated_at"])
    _replace_values(tally, figures, created=created)
    return tally


def _replace_values(
    tally: Tally, figures: Mapping[int, Decimal], *, created: bool = False
) -> None:
    """Make the tally's values exactly `figures` ({metric_id: value})."""
    existing = (
        {}
        if created
        else {v.metric_id: v for v in TallyValue.objects.filter(tally=tally)}
    )
    gone = [v.pk for metric_id, v in existing.items() if metric_id not in figures]
    if gone:
        TallyValue.objects.filter(pk__in=gone).delete()
    changed = [
        v
        for metric_id, v in existing.items()
        if metric_id in figures and v.value != figures[metric_id]
    ]
    for value in changed:
        value.value = figures[value.metric_id]
    if changed:
        TallyValue.objects.bulk_update(changed, ["value"])
    new = [
        TallyValue(tally=tally, metric_id=metric_id, value=value)
        for metric_id, value in figures.items()
        if metric_id not in existing
    ]
    if new:
        TallyValue.objects.bulk_create(new)


def _tally_row(
    campaign: Campaign,
    squad: Squad,
    date: dt.date,
    road_segment: RoadSegment | None,
    *,
    notes: str,
    by: AuthUser | None,
) -> tuple[Tally, bool]:
    """The tally of this natural key, locked; created (with the notes and
    who recorded it) if new. The flag says whether it was created."""
    key = {
        "campaign": campaign,
        "squad": squad,
        "date": date,
        "road_segment": road_segment,
    }
    tally = Tally.objects.select_for_update().filter(**key).first()
    if tally is not None:
        return tally, False
    try:
        with transaction.atomic():
            return Tally.objects.create(**key, notes=notes, recorded_by=by), True
    except IntegrityError:
        # Another request created it a moment ago: take that one.
        return Tally.objects.select_for_update().get(**key), False


# --- many tallies at once (the Excel import) --------------------------------


class TallyOutcome(models.TextChoices):
    """What recording an entry does to its tally."""

    NEW = "new", pgettext_lazy("tally outcome", "new")
    UPDATE = "update", pgettext_lazy("tally outcome", "update")
    UNCHANGED = "unchanged", pgettext_lazy("tally outcome", "unchanged")
    ERROR = "error", pgettext_lazy("tally outcome", "error")


@dataclass(frozen=True)
class TallyEntry:
    """One tally to record: what `tally_record` takes, as a value."""

    squad: Squad
    date: dt.date
    values: Mapping[str, Value]
    road_segment: RoadSegment | None = None
    notes: str | None = None


@dataclass
class TallyEntryResult:
    outcome: str = TallyOutcome.NEW
    errors: list[DomainError] = field(default_factory=list)
    # The entries (indices) with the same unit, day and road segment.
    duplicates: list[int] = field(default_factory=list)
    # The figures the tally holds now, by metric id (None: no tally yet).
    before: dict[int, Decimal] | None = None
    figures: dict[int, Decimal] = field(default_factory=dict)


@dataclass
class TallyBatch:
    results: list[TallyEntryResult]
    # What the outcomes were decided on: a confirmation names the one it saw.
    fingerprint: str

    @property
    def has_errors(self) -> bool:
        return any(result.errors for result in self.results)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(TallyOutcome.values, 0)
        for result in self.results:
            counts[result.outcome] += 1
        return counts


@dataclass
class _Existing:
    tally: Tally
    values: dict[int, tuple[int, Decimal]]  # metric id: (value id, value)


@transaction.atomic
def tallies_record_many(
    *,
    by: User,
    campaign: Campaign,
    entries: Sequence[TallyEntry],
    dry_run: bool = False,
    expected: str | None = None,
    today: dt.date | None = None,
) -> TallyBatch:
    """Record many tallies at once, each checked as `tally_record` checks one.

    Every entry is an upsert on the natural key with the same refusals and
    messages; entries that change nothing are not written. With `dry_run`
    nothing is written: the batch says what each entry would do. Otherwise
    nothing is written unless every entry can be recorded (`InvalidInput`,
    the batch in `extra["batch"]`) and, when `expected` is given, the
    outcomes are still those of that earlier dry run (`Conflict`, likewise).
    The lookups and writes are a fixed number of bulk statements, whatever
    the number of entries.
    """
    _require_role(by, RECORDS_TALLIES, _("Your role may not record tallies."))
    rows = Campaign.objects.all() if dry_run else Campaign.objects.select_for_update()
    campaign = rows.get(pk=campaign.pk)
    closed = campaign_tally_refusal(campaign=campaign)
    if closed is not None:
        raise closed
    today = today or timezone.localdate()
    participants = campaign_participant_ids(campaign=campaign)
    segment_ids = set(campaign.road_segments.values_list("pk", flat=True))
    metrics = {m.code: m for m in campaign_metrics(campaign=campaign)}
    scope = squad_ids_in_scope(user=by)

    results = [TallyEntryResult() for _entry in entries]
    by_key: dict[tuple[int, dt.date, int | None], list[int]] = {}
    for index, (entry, result) in enumerate(zip(entries, results, strict=True)):
        if scope is not None and entry.squad.pk not in scope:
            result.errors.append(NotFound(_("No such unit."), field="squad"))
            continue
        refusal = tally_refusal(
            campaign=campaign,
            squad=entry.squad,
            date=entry.date,
            road_segment=entry.road_segment,
            participants=participants,
            segment_ids=segment_ids,
            today=today,
        )
        if refusal is not None:
            result.errors.append(refusal)
        result.figures, problems = tally_figures(values=entry.values, metrics=metrics)
        result.errors.extend(problems)
        notes_refused = notes_refusal(entry.notes)
        if notes_refused is not None:
            result.errors.append(notes_refused)
        by_key.setdefault(_key(entry), []).append(index)
    for indices in by_key.values():
        if len(indices) > 1:
            for index in indices:
                results[index].duplicates = [i for i in indices if i != index]
                results[index].errors.append(
                    InvalidInput(
                        _("The same unit, day and road segment come more than once."),
                        field="date",
                        extra={"duplicate": True},
                    )
                )

    existing = _existing_tallies(campaign, entries, results)
    digest = hashlib.sha256()
    for index, (entry, result) in enumerate(zip(entries, results, strict=True)):
        found = existing.get(_key(entry))
        if found is not None:
            result.before = {m: value for m, (_pk, value) in found.values.items()}
        if result.errors:
            result.outcome = TallyOutcome.ERROR
        elif found is None:
            result.outcome = TallyOutcome.NEW
        elif result.figures == result.before and (
            entry.notes is None or entry.notes == found.tally.notes
        ):
            result.outcome = TallyOutcome.UNCHANGED
        else:
            result.outcome = TallyOutcome.UPDATE
        digest.update(
            repr(
                (
                    index,
                    result.outcome,
                    found.tally.pk if found else None,
                    found.tally.updated_at.isoformat() if found else None,
                    found.tally.notes if found else None,
                    sorted((result.before or {}).items()),
                    sorted(result.figures.items()),
                    entry.notes,
                )
            ).encode()
        )
    batch = TallyBatch(results=results, fingerprint=digest.hexdigest())
    if dry_run:
        return batch
    if batch.has_errors:
        raise InvalidInput(
            _("%(count)s rows cannot be recorded; nothing was recorded.")
            % {"count": sum(1 for r in results if r.errors)},
            extra={"batch": batch},
        )
    if expected is not None and expected != batch.fingerprint:
        raise Conflict(
            _(
                "The tallies changed since the preview (someone recorded some of "
                "these days); check the rows again and confirm."
            ),
            extra={"batch": batch},
        )
    _write_tallies(by, campaign, entries, results, existing)
    return batch


def _key(entry: TallyEntry) -> tuple[int, dt.date, int | None]:
    segment = entry.road_segment.pk if entry.road_segment is not None else None
    return (entry.squad.pk, entry.date, segment)


def _existing_tallies(
    campaign: Campaign,
    entries: Sequence[TallyEntry],
    results: Sequence[TallyEntryResult],
) -> dict[tuple[int, dt.date, int | None], _Existing]:
    """The tallies (and their figures) the entries would replace, in two queries."""
    keyed = [e for e, r in zip(entries, results, strict=True) if not r.errors]
    if not keyed:
        return {}
    squads = {e.squad.pk for e in keyed}
    first = min(e.date for e in keyed)
    last = max(e.date for e in keyed)
    near = Q(campaign=campaign, squad_id__in=squads, date__gte=first, date__lte=last)
    tallies = {
        t.pk: _Existing(t, {})
        for t in Tally.objects.filter(near).only(
            "pk", "squad_id", "date", "road_segment_id", "notes", "updated_at"
        )
    }
    values = TallyValue.objects.filter(
        tally__campaign=campaign,
        tally__squad_id__in=squads,
        tally__date__gte=first,
        tally__date__lte=last,
    ).values_list("pk", "tally_id", "metric_id", "value")
    for pk, tally_id, metric_id, value in values:
        if tally_id in tallies:
            tallies[tally_id].values[metric_id] = (pk, value)
    return {
        (e.tally.squad_id, e.tally.date, e.tally.road_segment_id): e
        for e in tallies.values()
    }


# Rows per INSERT or UPDATE statement.
_BATCH = 1000


def _write_tallies(
    by: User,
    campaign: Campaign,
    entries: Sequence[TallyEntry],
    results: Sequence[TallyEntryResult],
    existing: Mapping[tuple[int, dt.date, int | None], _Existing],
) -> None:
    """Insert the new tallies, update the changed ones, upsert their figures."""
    recorder = _user_row(by)
    now = timezone.now()
    created: list[tuple[Tally, dict[int, Decimal]]] = []
    changed: list[Tally] = []
    upserts: list[TallyValue] = []
    cleared: list[int] = []
    for entry, result in zip(entries, results, strict=True):
        if result.outcome == TallyOutcome.NEW:
            tally = Tally(
                campaign=campaign,
                squad_id=entry.squad.pk,
                date=entry.date,
                road_segment_id=_key(entry)[2],
                notes=entry.notes or "",
                recorded_by=recorder,
            )
            created.append((tally, result.figures))
        elif result.outcome == TallyOutcome.UPDATE:
            found = existing[_key(entry)]
            tally = found.tally
            if entry.notes is not None:
                tally.notes = entry.notes
            tally.recorded_by = recorder
            tally.updated_at = now
            changed.append(tally)
            for metric_id, value in result.figures.items():
                held = found.values.get(metric_id)
                if held is None or held[1] != value:
                    upserts.append(
                        TallyValue(tally_id=tally.pk, metric_id=metric_id, value=value)
                    )
            cleared.extend(
                pk for m, (pk, _v) in found.values.items() if m not in result.figures
            )
    try:
        with transaction.atomic():
            Tally.objects.bulk_create([t for t, _f in created], batch_size=_BATCH)
    except IntegrityError:
        # Every tally writer locks the campaign first, so only a writer that
        # does not would get here.
        raise Conflict(
            _("Someone recorded some of these days at the same moment; try again.")
        ) from None
    for tally, figures in created:
        upserts.extend(
            TallyValue(tally_id=tally.pk, metric_id=metric_id, value=value)
            for metric_id, value in figures.items()
        )
    if changed:
        Tally.objects.bulk_update(
            changed, ["notes", "recorded_by", "updated_at"], batch_size=_BATCH
        )
    for start in range(0, len(cleared), _BATCH):
        TallyValue.objects.filter(pk__in=cleared[start : start + _BATCH]).delete()
    if upserts:
        TallyValue.objects.bulk_create(
            upserts,
            batch_size=_BATCH,
            update_conflicts=True,
            unique_fields=["tally", "metric"],
            update_fields=["value"],
        )


@transaction.atomic
def tally_photos_add(
    *, by: User, tally: Tally, photos: Iterable[PreparedPhoto]
) -> list[TallyPhoto]:
    """Add photos of the day's work to a tally of a unit in the user's scope."""
    _require_role(by, RECORDS_TALLIES, _("Your role may not record tallies."))
    if not in_scope(user=by, squad_id=tally.squad_id):
        raise NotFound(_("No such tally."))
    campaign = Campaign.objects.select_for_update(no_key=True).get(pk=tally.campaign_id)
    closed = campaign_tally_refusal(campaign=campaign)
    if closed is not None:
        raise closed
    photos = list(photos)
    if not photos:
        return []
    kept = TallyPhoto.objects.filter(tally_id=tally.pk).count()
    if kept + len(photos) > TALLY_PHOTOS_MAX:
        raise InvalidInput(
            _(
                "A day's tally keeps at most %(max)d photos; it has %(kept)d, "
                "and %(count)d were chosen."
            )
            % {"max": TALLY_PHOTOS_MAX, "kept": kept, "count": len(photos)},
            field="photos",
        )
    rows = []
    for photo in photos:
        row = TallyPhoto(tally_id=tally.pk)
        stem = uuid.uuid4().hex
        row.image.save(f"{stem}.jpg", ContentFile(photo.data), save=False)
        row.thumbnail.save(
            f"{stem}-thumb.jpg", ContentFile(photo.thumbnail), save=False
        )
        row.save()
        rows.append(row)
    return rows
