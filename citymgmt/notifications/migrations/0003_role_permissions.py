"""Dispatchers and supervisors see the outbox and may retry failed messages."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from squads.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_sweep_schedule"),
        ("squads", "0002_role_groups"),
        ("complaints", "0002_categories"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
