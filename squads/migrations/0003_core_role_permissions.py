"""Give the roles their permissions on the core's models: the working-day
calendar (supervisors keep it, the desk reads it) and the outbox (the desk
and supervisors watch deliveries and retry failed ones)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from squads.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("squads", "0002_role_groups"),
        ("complaints", "0002_categories"),
        ("workdays", "0002_role_permissions"),
        ("notifications", "0003_role_permissions"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
