"""Dispatchers may change a unit: the admin lets them set its supervision
phone (监督电话) and nothing else."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from squads.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("squads", "0003_core_role_permissions")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
