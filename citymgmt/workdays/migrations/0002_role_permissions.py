from django.db import migrations


def sync_roles(apps, schema_editor):
    from squads.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("workdays", "0001_initial"),
        ("squads", "0002_role_groups"),
        ("complaints", "0002_categories"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
