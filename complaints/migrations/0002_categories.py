"""Seed the 城管 categories of GB/T 47678.5-2026 and the local referral categories."""

from django.db import migrations

def seed(apps, schema_editor):
    from complaints.category_data import seed_categories

    seed_categories(apps)


def sync_roles(apps, schema_editor):
    from squads.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("squads", "0002_role_groups")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
