"""Roles in one place: who someone is in the workflow and which units they see.

The role sets (`Role`, `LEADERS`, `DESK`, `BUREAU_WIDE`, `UNIT_ROLES`),
`role_of` and the unit scope (`squad_ids_in_scope`) live here and nowhere
else. A superuser acts as a supervisor: `role_of` says so once, and every
rule that follows (the scope, the workflow, the reminders) reads the role.

The staff roles are also Django groups with the permissions listed in
`ROLE_PERMISSIONS`. Each migration that adds models whose permissions a role
needs calls `sync_role_groups` again; permissions that do not exist yet are
skipped.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AbstractUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

User = AbstractBaseUser | AnonymousUser


class Role(models.TextChoices):
    DISPATCHER = "dispatcher", _("dispatcher")
    SQUAD_LEADER = "squad_leader", _("squad leader")
    INSTRUCTOR = "instructor", _("instructor")
    OFFICER = "officer", _("officer")
    SUPERVISOR = "supervisor", _("supervisor")


# Who acts on a case besides staff: the citizen (a rating) and the system.
CITIZEN = "citizen"
SYSTEM = "system"
# A unit's leaders: the squad leader and the instructor (指导员) who co-leads.
LEADERS: frozenset[str] = frozenset({Role.SQUAD_LEADER, Role.INSTRUCTOR})
# The desk: dispatchers accept and dispatch, supervisors oversee everything.
DESK: frozenset[str] = frozenset({Role.DISPATCHER, Role.SUPERVISOR})
# Roles that see every unit's rows; the others see their own unit and below.
BUREAU_WIDE: frozenset[str] = DESK
# Roles bound to one unit.
UNIT_ROLES: frozenset[str] = LEADERS | {Role.OFFICER}
ROLE_LABELS = {**dict(Role.choices), CITIZEN: _("citizen"), SYSTEM: _("system")}

# squads.models takes Role and UNIT_ROLES from above, so the models are
# imported once those exist, whichever module is imported first.
from squads import models as squad_models  # noqa: E402

_MEMBER = "_citydesk_member"


def remember_member(user: User, member: squad_models.Member | None) -> None:
    """Keep a user's active member record (or None) on the user object, for
    `member_for`: the login backend reads it with the user."""
    setattr(user, _MEMBER, member)


def member_for(*, user: User) -> squad_models.Member | None:
    """The active member record of a user, cached on the user object."""
    if not user.is_authenticated:
        return None
    cached: squad_models.Member | None
    if hasattr(user, _MEMBER):
        cached = getattr(user, _MEMBER)
    else:
        cached = (
            squad_models.Member.objects.select_related("squad")
            .filter(user_id=user.pk, is_active=True)
            .first()
        )
        remember_member(user, cached)
    return cached


def role_of(*, user: User | None) -> str | None:
    """The workflow role of a user; superusers act as supervisors."""
    if user is None:
        return None
    if getattr(user, "is_superuser", False) and user.is_active:
        return Role.SUPERVISOR
    member = member_for(user=user)
    return member.role if member else None


def may_reveal_phones(*, user: AbstractUser | AnonymousUser) -> bool:
    """Whether the user may see a citizen's full mobile number, or find cases by it.

    A reveal, a search by phone and a list filter on it all tell the number,
    so all three ask this one question.
    """
    # Django's backend answers no for an inactive user.
    return user.has_perm("complaints.reveal_phone")


def sets_supervision_phone(*, user: User | None) -> bool:
    """Whether the user may set a unit's supervision phone (监督电话).

    Citizens call that number to complain about the unit, so the desk sets
    it, never the unit's own leaders.
    """
    return role_of(user=user) in DESK


def squad_subtree_ids(*, squad_id: int) -> set[int]:
    """A unit and every unit below it (units nest 大队 > 中队 > 分队)."""
    ids = {squad_id}
    frontier = {squad_id}
    while frontier:
        below = squad_models.Squad.objects.filter(parent_id__in=frontier)
        frontier = set(below.values_list("id", flat=True)) - ids
        ids |= frontier
    return ids


def squad_ids_in_scope(*, user: User) -> set[int] | None:
    """The ids of the units a user may see; None means every unit.

    Cached on the user object, so for the request that loaded it.
    """
    role = role_of(user=user)
    if role is None:
        return set()
    if role in BUREAU_WIDE:
        return None
    member = member_for(user=user)
    if member is None or member.squad_id is None:
        return set()
    # A page asks several times (the scope, the filters, each action's
    # check): the unit tree is walked once per request, like member_for.
    if not hasattr(user, "_citydesk_scope"):
        setattr(  # noqa: B010
            user, "_citydesk_scope", squad_subtree_ids(squad_id=member.squad_id)
        )
    return set(getattr(user, "_citydesk_scope"))  # noqa: B009


ROLE_PERMISSIONS: dict[str, list[str]] = {
    "dispatcher": [
        "squads.view_area",
        "squads.view_squad",
        "squads.view_serviceitem",
        "squads.view_member",
        "squads.view_workstation",
        "squads.view_contactcard",
    ],
    "squad_leader": [
        "squads.view_area",
        "squads.view_squad",
        "squads.change_squad",
        "squads.view_serviceitem",
        "squads.add_serviceitem",
        "squads.change_serviceitem",
        "squads.delete_serviceitem",
        "squads.view_member",
        "squads.change_member",
        "squads.view_workstation",
        "squads.add_workstation",
        "squads.change_workstation",
        "squads.view_contactcard",
        "squads.add_contactcard",
    ],
    "officer": [
        "squads.view_area",
        "squads.view_squad",
        "squads.view_serviceitem",
        "squads.view_member",
        "squads.view_workstation",
        "squads.view_contactcard",
    ],
    "supervisor": [
        f"squads.{action}_{model}"
        for model in (
            "area",
            "squad",
            "serviceitem",
            "member",
            "workstation",
            "contactcard",
        )
        for action in ("view", "add", "change")
    ]
    + ["squads.delete_serviceitem"],
}
# An instructor (指导员) co-leads the unit with its leader.

# Complaints: everyone on staff reads the cases in their scope; the desk files
# on a caller's behalf and may reveal phones. Moves go through the workflow.
_CASE_READ = [
    "complaints.view_complaint",
    "complaints.view_complaintevent",
    "complaints.view_attachment",
    "complaints.view_category",
]
_DESK = [
    "complaints.add_complaint",
    "complaints.change_complaint",
    "complaints.file_on_behalf",
    "complaints.reveal_phone",
]
ROLE_PERMISSIONS["dispatcher"] += _CASE_READ + _DESK
ROLE_PERMISSIONS["supervisor"] += (
    _CASE_READ + _DESK + ["complaints.add_category", "complaints.change_category"]
)
ROLE_PERMISSIONS["squad_leader"] += _CASE_READ + ["complaints.change_complaint"]
ROLE_PERMISSIONS["officer"] += _CASE_READ + ["complaints.change_complaint"]
# Deadline rules: supervisors set them, dispatchers read them.
ROLE_PERMISSIONS["supervisor"] += [
    "complaints.add_deadlinerule",
    "complaints.change_deadlinerule",
    "complaints.view_deadlinerule",
]
ROLE_PERMISSIONS["dispatcher"] += ["complaints.view_deadlinerule"]
ROLE_PERMISSIONS["instructor"] = list(ROLE_PERMISSIONS["squad_leader"])

# The working-day calendar (citymgmt.workdays): supervisors keep it, the desk
# reads it.
ROLE_PERMISSIONS["supervisor"] += [
    "workdays.view_calendarday",
    "workdays.add_calendarday",
    "workdays.change_calendarday",
    "workdays.delete_calendarday",
]
ROLE_PERMISSIONS["dispatcher"] += ["workdays.view_calendarday"]

# The notification outbox (citymgmt.notifications): the desk and supervisors
# watch deliveries and retry failed ones (change = the "Retry now" action).
_OUTBOX = ["notifications.view_notification", "notifications.change_notification"]
ROLE_PERMISSIONS["dispatcher"] += _OUTBOX
ROLE_PERMISSIONS["supervisor"] += _OUTBOX

# The desk sets each unit's supervision phone (sets_supervision_phone): a
# dispatcher may change a unit, and the admin lets them change that field only.
ROLE_PERMISSIONS["dispatcher"] += ["squads.change_squad"]


# Vendors and markets (vendors): every member of staff reads the ledger in
# their scope; officers register vendors, offer stalls and record visits and
# check-ins; leaders also keep markets, stalls, hotspots and duty posts.
# Status moves go through the services, which check the role again.
_VENDOR_MODELS = (
    "market",
    "stall",
    "hotspot",
    "hotspotwindow",
    "vendor",
    "relocation",
    "relocationevent",
    "followup",
    "dutypost",
    "checkin",
)
_VENDORS_READ = [f"vendors.view_{model}" for model in _VENDOR_MODELS]
_VENDORS_OFFICER = [
    "vendors.add_vendor",
    "vendors.change_vendor",
    "vendors.add_relocation",
    "vendors.change_relocation",
    "vendors.add_followup",
    "vendors.add_checkin",
]
_VENDORS_LEADER = (
    _VENDORS_OFFICER
    + [
        f"vendors.{action}_{model}"
        for model in ("market", "stall", "hotspot", "hotspotwindow", "dutypost")
        for action in ("add", "change")
    ]
    + ["vendors.delete_hotspotwindow"]
)
ROLE_PERMISSIONS["dispatcher"] += _VENDORS_READ
ROLE_PERMISSIONS["officer"] += _VENDORS_READ + _VENDORS_OFFICER
ROLE_PERMISSIONS["squad_leader"] += _VENDORS_READ + _VENDORS_LEADER
ROLE_PERMISSIONS["instructor"] += _VENDORS_READ + _VENDORS_LEADER
ROLE_PERMISSIONS["supervisor"] += _VENDORS_READ + _VENDORS_LEADER

# Hotspot suggestions (vendors.suggestions): the desk and officers read them in
# their scope; leaders confirm or dismiss them (the change permission: the
# admin's actions; the services check the role again).
_SUGGESTIONS_READ = ["vendors.view_hotspotsuggestion"]
ROLE_PERMISSIONS["dispatcher"] += _SUGGESTIONS_READ
ROLE_PERMISSIONS["officer"] += _SUGGESTIONS_READ
for _leader in ("squad_leader", "instructor", "supervisor"):
    ROLE_PERMISSIONS[_leader] += _SUGGESTIONS_READ + [
        "vendors.change_hotspotsuggestion"
    ]


# Stall requests from the public finder: staff read those of their scope;
# leaders (and the desk, for requests without a unit) record what was done.
_STALL_REQUESTS_READ = ["vendors.view_stallrequest"]
_STALL_REQUESTS_HANDLE = ["vendors.change_stallrequest"]
ROLE_PERMISSIONS["officer"] += _STALL_REQUESTS_READ
for _role in ("dispatcher", "squad_leader", "instructor", "supervisor"):
    ROLE_PERMISSIONS[_role] += _STALL_REQUESTS_READ + _STALL_REQUESTS_HANDLE


# Campaigns (campaigns/): every member of staff reads the campaigns, their
# metrics and road segments; a unit's members record its tallies (the services
# check the unit); leaders keep their unit's road segments; supervisors run
# campaigns and keep the metrics.
_CAMPAIGNS_READ = [
    f"campaigns.view_{model}"
    for model in ("metric", "campaign", "campaigntarget", "roadsegment", "tally")
]
_CAMPAIGNS_TALLY = ["campaigns.add_tally", "campaigns.change_tally"]
_CAMPAIGNS_SEGMENTS = ["campaigns.add_roadsegment", "campaigns.change_roadsegment"]
_CAMPAIGNS_RUN = [
    f"campaigns.{action}_{model}"
    for model in ("campaign", "campaigntarget", "metric")
    for action in ("add", "change")
]
ROLE_PERMISSIONS["dispatcher"] += _CAMPAIGNS_READ
ROLE_PERMISSIONS["officer"] += _CAMPAIGNS_READ + _CAMPAIGNS_TALLY
for _role in ("squad_leader", "instructor"):
    ROLE_PERMISSIONS[_role] += _CAMPAIGNS_READ + _CAMPAIGNS_TALLY + _CAMPAIGNS_SEGMENTS
ROLE_PERMISSIONS["supervisor"] += (
    _CAMPAIGNS_READ + _CAMPAIGNS_TALLY + _CAMPAIGNS_SEGMENTS + _CAMPAIGNS_RUN
)


# The export log (citymgmt.exports): supervisors read who exported what, and
# whether the file held full phone numbers. Everyone opens only their own
# exports' pages and files, without a permission.
ROLE_PERMISSIONS["supervisor"] += ["exports.view_exportjob"]


def sync_role_groups(apps) -> None:
    """Create one group per role and give it exactly the permissions listed above."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            wanted.extend(
                Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)
