"""Reads of complaints: the staff scope, the queues, hints and the public timeline."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt import phones, refdata
from citymgmt.compiled import CompiledQueries, CompiledQuery, stand_ins
from citymgmt.errors import DomainError, Forbidden, NotAllowed
from complaints import references
from complaints.models import (
    OPEN_STATUSES,
    Action,
    Attachment,
    Category,
    Complaint,
    ComplaintEvent,
    DeadlineRule,
    ExtensionRequest,
    Status,
)
from complaints.workflow import TRANSITIONS, ActionSpec
from squads.models import SQUAD_CODE_RE, Area, Member, Squad
from squads.roles import (
    CITIZEN,
    DESK,
    LEADERS,
    UNIT_ROLES,
    Role,
    member_for,
    role_of,
    squad_ids_in_scope,
    squad_subtree_ids,
)

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Scope:
    """Which complaints a user sees, as a kind and the values it needs.

    `ALL` (the desk), `UNITS` (leaders: the ids of their unit tree),
    `ASSIGNEE` (officers: their user id), `NONE` (anyone else).
    """

    kind: str
    ids: tuple[int, ...] = ()

    ALL: ClassVar[str] = "all"
    UNITS: ClassVar[str] = "units"
    ASSIGNEE: ClassVar[str] = "assignee"
    NONE: ClassVar[str] = "none"


def scope_of(*, user: User) -> Scope:
    """The user's scope: dispatchers and supervisors see all; leaders and
    instructors the cases dispatched to their unit or below; officers the
    cases assigned to them."""
    role = role_of(user=user)
    if role in DESK:
        return Scope(Scope.ALL)
    if role in LEADERS:
        units = squad_ids_in_scope(user=user) or set()
        return Scope(Scope.UNITS, tuple(sorted(units)))
    if role == Role.OFFICER and user.pk is not None:
        return Scope(Scope.ASSIGNEE, (int(user.pk),))
    return Scope(Scope.NONE)


def complaints_in(scope: Scope) -> QuerySet[Complaint]:
    """The complaints a scope (`scope_of`) lets its user see."""
    qs = Complaint.objects.all()
    if scope.kind == Scope.ALL:
        return qs
    if scope.kind == Scope.UNITS:
        return qs.filter(squad_id__in=scope.ids, dispatched_at__isnull=False)
    if scope.kind == Scope.ASSIGNEE:
        return qs.filter(assignee__user_id=scope.ids[0])
    return qs.none()


def complaints_visible_to(*, user: User) -> QuerySet[Complaint]:
    """The complaints a member of staff may see (`scope_of`)."""
    return complaints_in(scope_of(user=user))


def complaint_list_for(*, user: User) -> QuerySet[Complaint]:
    """The scoped list with what a list row shows, in one query."""
    return complaints_visible_to(user=user).select_related(
        "category", "community", "squad"
    )


def _hindrance(
    *, user: User | None, complaint: Complaint, transition: ActionSpec
) -> str | None:
    """What stands between the user and the action now, as a word ("role",
    "unit", "officer", "status"), or None: the rule `refusal` words and
    `actions_for` asks without wording it."""
    role = CITIZEN if user is None else role_of(user=user)
    if role not in transition.roles:
        return "role"
    if user is not None and role in LEADERS:
        scope = squad_ids_in_scope(user=user) or set()
        if complaint.squad_id not in scope:
            return "unit"
    if user is not None and role == Role.OFFICER:
        member = member_for(user=user)
        if member is None or complaint.assignee_id != member.pk:
            return "officer"
    if complaint.status not in transition.sources:
        return "status"
    return None


def refusal(
    *, user: User | None, complaint: Complaint, action: str
) -> DomainError | None:
    """Why the user may not take the action now (an error to raise), or None."""
    transition: ActionSpec | None = TRANSITIONS.get(action)
    if transition is None:
        return NotAllowed(
            _("There is no action called “%(action)s”.") % {"action": action}
        )
    hindrance = _hindrance(user=user, complaint=complaint, transition=transition)
    if hindrance is None:
        return None
    label = str(transition.label)
    if hindrance == "role":
        return Forbidden(
            _("Your role may not take the action “%(action)s”.") % {"action": label}
        )
    if hindrance == "unit":
        return Forbidden(_("This case belongs to another unit."))
    if hindrance == "officer":
        return Forbidden(_("Only the officer assigned to this case may report on it."))
    return NotAllowed(
        _("“%(action)s” is not possible while the case is %(status)s.")
        % {"action": label, "status": complaint.get_status_display()}
    )


def actions_for(*, user: User, complaint: Complaint) -> list[str]:
    """The staff actions this user may take on this complaint now, in table order."""
    return [
        name
        for name, transition in TRANSITIONS.items()
        if CITIZEN not in transition.roles
        and _hindrance(user=user, complaint=complaint, transition=transition) is None
    ]


def duplicate_candidates(*, complaint: Complaint) -> QuerySet[Complaint]:
    """Open cases of the same category in the same community from the last 72 hours."""
    if complaint.community_id is None:
        return Complaint.objects.none()
    since = complaint.submitted_at - timedelta(hours=settings.COMPLAINT_DUPLICATE_HOURS)
    return (
        Complaint.objects.filter(
            community_id=complaint.community_id,
            category_id=complaint.category_id,
            status__in=OPEN_STATUSES,
            submitted_at__gte=since,
            submitted_at__lte=complaint.submitted_at + timedelta(hours=72),
        )
        .exclude(pk=complaint.pk)
        .order_by("submitted_at")
    )


def proposed_squad(*, complaint: Complaint, unit: Squad | None = None) -> Squad | None:
    """The unit the routing table proposes: the one covering the community.

    Without a community, the unit whose contact card the citizen came from
    takes the case when it covers a community in the street given (or no
    street was given); otherwise the command centre routes it.
    """
    community = complaint.community  # None without a query when not set
    if community is not None:
        return community.covering_squad
    if unit is None:
        return None
    if complaint.street_id is None:
        return unit
    covers = Area.objects.filter(covering_squad=unit, parent_id=complaint.street_id)
    return unit if covers.exists() else None


def card_unit(*, code: str) -> Squad | None:
    """The active unit a contact card's `?unit=` names, if it covers communities."""
    code = (code or "").strip().upper()
    if not re.fullmatch(SQUAD_CODE_RE, code):
        return None
    return (
        Squad.objects.filter(code=code, is_active=True, covered_areas__isnull=False)
        .distinct()
        .first()
    )


def categories_public() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("major_class", "code")


@dataclass(frozen=True)
class IntakeChoices:
    """What filing chooses from: categories, streets, communities and their units.

    Kept in each process (`citymgmt.refdata`) until an admin saves one of
    them; shared by every request, so never changed by the reader.
    """

    categories: list[Category]
    streets: list[Area]
    communities: list[Area]
    categories_by_code: dict[str, Category] = field(init=False)
    streets_by_code: dict[str, Area] = field(init=False)
    communities_by_code: dict[str, Area] = field(init=False)
    area_names: dict[int, str] = field(init=False)  # streets and communities by id

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "area_names",
            {area.pk: str(area) for area in (*self.streets, *self.communities)},
        )
        for name, rows in (
            ("categories_by_code", self.categories),
            ("streets_by_code", self.streets),
            ("communities_by_code", self.communities),
        ):
            object.__setattr__(self, name, {row.code: row for row in rows})


def _load_intake_choices() -> IntakeChoices:
    return IntakeChoices(
        categories=list(Category.objects.order_by("major_class", "code")),
        streets=list(Area.objects.filter(level=Area.Level.STREET).order_by("code")),
        communities=list(
            Area.objects.filter(level=Area.Level.COMMUNITY)
            .select_related("parent", "covering_squad")
            .order_by("parent__code", "code")
        ),
    )


def intake_choices() -> IntakeChoices:
    """Every category (the form offers the active ones), street and community."""
    return refdata.cached("complaints.intake_choices", _load_intake_choices)


def categories_for_intake() -> list[Category]:
    """Every category in table order; the intake form offers the active ones."""
    return intake_choices().categories


def complaint_for_tracking(*, reference: str, phone_last4: str) -> Complaint | None:
    """The complaint with this reference whose phone ends in these 4 digits."""
    reference = reference.strip()[:16]
    digits = phone_last4.strip()
    if len(digits) != 4 or not digits.isdigit():
        return None
    return (
        Complaint.objects.select_related("category", "squad", "community")
        .filter(reference=reference, phone__endswith=digits)
        .first()
    )


def public_timeline(*, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.filter(is_public=True).order_by("created_at", "id")


def rating_open(*, complaint: Complaint) -> bool:
    """Whether the citizen may still rate the closed case."""
    if complaint.status != Status.CLOSED or complaint.satisfaction:
        return False
    if complaint.closed_at is None:
        return False
    deadline = complaint.closed_at + timedelta(days=settings.COMPLAINT_RATING_DAYS)
    return timezone.now() <= deadline


def intake_areas() -> tuple[list, list]:
    """The streets and the communities (with their street and unit) for the picker."""
    choices = intake_choices()
    return choices.streets, choices.communities


def area_for_preset(*, code: str) -> Area | None:
    """The street, community or grid a QR-code link names, or None when unknown."""
    code = (code or "").strip()[:15]
    if not code.isdigit():
        return None
    return (
        Area.objects.filter(
            code=code,
            level__in=[Area.Level.STREET, Area.Level.COMMUNITY, Area.Level.GRID],
        )
        .select_related("parent")
        .first()
    )


def complaint_for_receipt(*, reference: str) -> Complaint | None:
    """The just-filed complaint with what the success page shows."""
    return (
        Complaint.objects.select_related("category", "squad", "community")
        .filter(reference=reference)
        .first()
    )


def searched_phone(term: str) -> str | None:
    """The mobile number a search term is, normalised, or None."""
    term = "".join(term.split())[:64]
    return phones.normalize(term) if phones.is_mobile(term) else None


def search_filter(term: str, *, by_phone: bool) -> Q:
    """Search that uses an index: a reference or a mobile number matches exactly.

    A mobile number matches the citizen's phone only when by_phone (the user
    may reveal phones); otherwise it is searched like any other words, so it
    confirms no one's number. Anything else searches the address (a scan, but
    only for free text).
    """
    term = "".join(term.split())[:64]
    reference = references.parse(term)
    if reference is not None:
        return Q(reference=reference)
    phone = searched_phone(term)
    if phone is not None and by_phone:
        return Q(phone=phone)
    return Q(address__icontains=term)


def assignable_members(*, complaint: Complaint) -> QuerySet[Member]:
    """Active members of the case's unit and the units below it."""
    if complaint.squad_id is None:
        return Member.objects.none()
    return (
        Member.objects.filter(
            is_active=True,
            role__in=list(UNIT_ROLES),
            squad_id__in=squad_subtree_ids(squad_id=complaint.squad_id),
        )
        .select_related("squad")
        .order_by("squad__position", "squad__code", "role", "full_name")
    )


def duplicate_candidates_for(
    *, user: User, complaint: Complaint
) -> QuerySet[Complaint]:
    """The duplicate hint, limited to the cases this user may see."""
    return duplicate_candidates(complaint=complaint).filter(
        pk__in=complaints_visible_to(user=user).values("pk")
    )


def attachment_visible_to(*, user: User, attachment_id: int) -> Attachment | None:
    """An attachment whose complaint is in the user's scope, or None."""
    return (
        Attachment.objects.filter(
            pk=attachment_id,
            complaint__in=complaints_visible_to(user=user).values("pk"),
        )
        .select_related("complaint")
        .first()
    )


class StaffEvent(NamedTuple):
    """What the staff timeline shows of an event."""

    created_at: datetime
    action: str
    from_status: str
    to_status: str
    actor_id: int | None
    actor_name: str | None  # the actor's member full name; None: no member
    actor_username: str | None
    role: str
    opinion: str
    payload: dict[str, Any]
    is_public: bool


def timeline_for_staff(*, complaint: Complaint) -> list[StaffEvent]:
    """Every event of a case with its actor's names, oldest first.

    Its SQL compiled once per process, as the case's (`complaint_case_for`).
    """
    return [StaffEvent(*row) for row in _of_case(_timeline, complaint)]


def case_photos(*, complaint: Complaint) -> list[Attachment]:
    """The case's photos, oldest first; compiled once per process, as the
    timeline's."""
    return _of_case(_photos, complaint)


def _of_case(build: Callable[[int], QuerySet[Any, Any]], complaint: Complaint) -> list:
    """What `build(case id)` yields for this case, its SQL compiled once per
    process and database (`CASE_QUERY_COMPILED = False`: the ORM's each time)."""
    if not getattr(settings, "CASE_QUERY_COMPILED", True):
        return list(build(complaint.pk))
    stand_in = stand_ins(1)
    compiled = _CASE_QUERIES.get(
        (build.__name__, Complaint.objects.db),
        lambda: CompiledQuery.of(build(stand_in[0]), stand_in),
    )
    return compiled.rows([complaint.pk])


def _photos(complaint_id: int) -> QuerySet[Attachment]:
    return Attachment.objects.filter(complaint_id=complaint_id).order_by(
        "created_at", "id"
    )


def _timeline(complaint_id: int) -> QuerySet[ComplaintEvent, tuple[Any, ...]]:
    username = f"actor__{get_user_model().USERNAME_FIELD}"
    return (
        ComplaintEvent.objects.filter(complaint_id=complaint_id)
        .order_by("created_at", "id")
        .values_list(
            "created_at",
            "action",
            "from_status",
            "to_status",
            "actor_id",
            "actor__member__full_name",
            username,
            "role",
            "opinion",
            "payload",
            "is_public",
        )
    )


def _with_detail(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """The joins, events and attachments the staff detail shows."""
    return queryset.select_related(
        "category", "community", "street", "squad", "assignee", "duplicate_of"
    ).prefetch_related(
        Prefetch(
            "events",
            queryset=ComplaintEvent.objects.select_related("actor__member").order_by(
                "created_at", "id"
            ),
        ),
        "attachments",
    )


def complaint_detail_for(*, user: User, reference: str) -> Complaint | None:
    """One complaint in the user's scope with what the staff API detail shows."""
    return (
        _with_detail(complaints_visible_to(user=user))
        .filter(reference=reference.strip()[:16])
        .first()
    )


def _label_of(model: type[Model], key: str, column: str) -> Subquery:
    return Subquery(model._default_manager.filter(pk=OuterRef(key)).values(column)[:1])


def _area_name(names: dict[int, str], area_id: int | None) -> str | None:
    if area_id is None:
        return None
    name = names.get(area_id)
    if name is None:  # not a street or community of the reference data
        name = str(Area.objects.get(pk=area_id))
    return name


def _guided_events(complaint: Any) -> QuerySet[ComplaintEvent]:
    """The events saying a vendor of the case was guided into a market: a
    disposal with that outcome, or a relocation another app recorded."""
    return ComplaintEvent.objects.filter(complaint=complaint).filter(
        Q(action=Action.RELOCATION_LINKED)
        | Q(action=Action.DISPOSE, payload__guided_into_market=True)
    )


def guided_into_market(*, complaint: Complaint) -> bool:
    """Whether a vendor of this case was guided into a market (引导入市).

    The case page's lookup (`complaint_case_for`) reads it in its own query.
    """
    known = getattr(complaint, "guided_into_market", None)
    if known is not None:
        return bool(known)
    return _guided_events(complaint.pk).exists()


def complaint_case_for(*, user: User, pk: int) -> Complaint | None:
    """One case in the user's scope with every row its admin page shows.

    The rows the page uses as objects are joined; of the others it shows
    only a name (`street_label`, `community_label`, `duplicate_of_label`,
    `created_by_label`: each row's str()): the original case's and the filing
    staff's by a subquery, the street's and the community's from the
    reference data this process keeps (`intake_choices`). PostgreSQL plans a
    join of eight tables, two of them the case table with its two dozen
    indexes, in about 5 ms; four joins and two subqueries in 0.5 ms.

    Building and compiling that query took longer than PostgreSQL took to
    answer it, so its SQL is compiled once per kind of scope and length of
    unit list (`_CASE_QUERIES`) and run with this request's case id and unit
    ids; `CASE_QUERY_COMPILED = False` builds it through the ORM each time.
    """
    scope = scope_of(user=user)
    if scope.kind == Scope.NONE or (scope.kind == Scope.UNITS and not scope.ids):
        return None  # as the ORM: an empty scope asks the database nothing
    complaint: Complaint | None
    if getattr(settings, "CASE_QUERY_COMPILED", True):
        compiled = _CASE_QUERIES.get(
            (Complaint.objects.db, scope.kind, len(scope.ids)),
            lambda: _compiled_case_query(scope),
        )
        complaint = compiled.first([pk, *scope.ids])
    else:
        complaint = _case_query(scope, pk).first()
    if complaint is not None:
        names = intake_choices().area_names
        complaint.street_label = _area_name(names, complaint.street_id)  # type: ignore[attr-defined]
        complaint.community_label = _area_name(names, complaint.community_id)  # type: ignore[attr-defined]
    return complaint


# The case page's query, compiled, by database, kind of scope and unit count.
_CASE_QUERIES = CompiledQueries()


def _case_query(scope: Scope, pk: int) -> QuerySet[Complaint]:
    return (
        complaints_in(scope)
        .select_related("category", "squad", "assignee", "deadline_rule")
        .annotate(
            duplicate_of_label=_label_of(Complaint, "duplicate_of_id", "reference"),
            created_by_label=_label_of(
                get_user_model(), "created_by_id", get_user_model().USERNAME_FIELD
            ),
            guided_into_market=Exists(_guided_events(OuterRef("pk"))),
        )
        .filter(pk=pk)
    )


def _compiled_case_query(scope: Scope) -> CompiledQuery:
    """`_case_query` as `.first()` runs it, compiled with stand-ins for the
    case id and the scope's ids (in that order)."""
    pk, *ids = stand_ins(1 + len(scope.ids))
    queryset = _case_query(Scope(scope.kind, tuple(ids)), pk)
    if not queryset.ordered:
        queryset = queryset.order_by("pk")
    return CompiledQuery.of(queryset[:1], [pk, *ids])


def complaint_detail_after(*, complaint: Complaint) -> Complaint:
    """The detail of a case the user has just acted on, found through their scope.

    A return takes the case out of a leader's scope; the answer to the move
    still shows its result.
    """
    return _with_detail(Complaint.objects.filter(pk=complaint.pk)).get()


def extension_pending(*, complaint: Complaint) -> ExtensionRequest | None:
    """The case's extension request that waits for a decision, if any."""
    return (
        ExtensionRequest.objects.filter(
            complaint=complaint, status=ExtensionRequest.Status.PENDING
        )
        .select_related("requested_by__member")
        .first()
    )


def extension_refusal(*, user: User, complaint: Complaint) -> DomainError | None:
    """Why the user may not ask for an extension on this case now, or None."""
    role = role_of(user=user)
    if role not in LEADERS:
        return Forbidden(
            _("Only the handling unit's leader or instructor may ask for an extension.")
        )
    scope = squad_ids_in_scope(user=user) or set()
    if complaint.squad_id not in scope:
        return Forbidden(_("This case belongs to another unit."))
    if complaint.status != Status.PROCESSING:
        return NotAllowed(
            _(
                "An extension can be asked for only while the case is being "
                "handled; it is %(status)s."
            )
            % {"status": complaint.get_status_display()}
        )
    if ExtensionRequest.objects.filter(
        complaint=complaint, status=ExtensionRequest.Status.PENDING
    ).exists():
        return NotAllowed(
            _("An extension request for this case is already waiting for a decision.")
        )
    if (
        complaint.dispose_due_at is not None
        and timezone.now() > complaint.dispose_due_at
    ):
        return NotAllowed(
            _(
                "The disposal deadline has passed: an extension must be asked "
                "for before it."
            )
        )
    return None


def extension_decision_refusal(
    *, user: User, extension: ExtensionRequest
) -> DomainError | None:
    """Why the user may not decide on this extension request now, or None."""
    if role_of(user=user) not in DESK:
        return Forbidden(
            _("Only a dispatcher or a supervisor may decide on an extension.")
        )
    if extension.status != ExtensionRequest.Status.PENDING:
        return NotAllowed(
            _("This extension request has already been decided (%(status)s).")
            % {"status": extension.get_status_display()}
        )
    return None


def deadline_rules() -> QuerySet[DeadlineRule]:
    """Every deadline rule with its category, defaults first."""
    return DeadlineRule.objects.select_related("category")
