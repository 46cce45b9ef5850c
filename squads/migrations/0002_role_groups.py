from django.db import migrations


def create_role_groups(apps, schema_editor):
    from squads.roles import sync_role_groups

    sync_role_groups(apps)


def remove_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(
        name__in=["dispatcher", "squad_leader", "instructor", "officer", "supervisor"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("squads", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
