"""The periodic task that deletes export files whose time is up (EXPORT_TTL_HOURS)."""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "Export files sweep · 导出文件清理 (every 30 minutes)"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_30, _ = IntervalSchedule.objects.get_or_create(every=30, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "citymgmt.exports.sweep",
            "interval": every_30,
            # A sweep that waited longer than its period is replaced by the next.
            "expire_seconds": 25 * 60,
            "description": "Deletes the files of exports past their expiry; the "
            "export log keeps its rows (citymgmt.exports.services.exports_sweep).",
        },
    )
    # Tell a running beat to reload its schedule.
    PeriodicTasks.objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_export_log"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
