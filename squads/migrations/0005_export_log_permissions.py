"""Supervisors read the export log (citymgmt.exports); the core imports no app,
so the squads app grants its permission, as for the outbox (0003)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from squads.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("squads", "0004_desk_sets_supervision_phone"),
        ("exports", "0001_export_log"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
