"""Give the roles their permissions on the vendors app (squads.roles.ROLE_PERMISSIONS)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from squads.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0001_initial"),
        ("squads", "0004_desk_sets_supervision_phone"),
        ("complaints", "0008_indexes_an_insert_needs"),
        ("notifications", "0004_dedupe_key_unique_constraint"),
        ("workdays", "0002_role_permissions"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
