"""The staff roles as Django groups, and the permissions each one holds.

Each migration that adds models whose permissions a role needs calls
`sync_role_groups` again; permissions that do not exist yet are skipped.
"""

from __future__ import annotations

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
