"""Seed the default deadline rules (docs/deadlines.md) and the roles' new permissions."""

from django.db import migrations


def seed(apps, schema_editor):
    from complaints.deadline_rules_data import seed_deadline_rules

    seed_deadline_rules(apps)


def sync_roles(apps, schema_editor):
    from squads.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_deadlines")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
