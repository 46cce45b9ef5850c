"""The rollup's periodic tasks in django-celery-beat, editable in the admin.

Every minute the days of the cases that changed are recounted; every night at
03:30 Asia/Shanghai every day is (dashboard.rollup).
"""

from django.db import migrations
from django.utils import timezone

REFRESH = "Dashboard counts · 统计汇总刷新 (every minute)"
REBUILD = "Dashboard counts rebuilt · 统计汇总重建 (03:30 daily)"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    at_0330, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="3",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name=REFRESH,
        defaults={
            "task": "dashboard.refresh_rollup",
            "interval": every_minute,
            "expire_seconds": 60,
            "description": "Recounts the days of the cases with an event since the "
            "last run (dashboard.rollup.rollup_refresh).",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=REBUILD,
        defaults={
            "task": "dashboard.rebuild_rollup",
            "crontab": at_0330,
            "expire_seconds": 3 * 3600,
            "description": "Recounts every day from the cases "
            "(dashboard.rollup.rollup_rebuild).",
        },
    )
    # Tell a running beat to reload its schedule.
    PeriodicTasks.objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[REFRESH, REBUILD]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("dashboard", "0001_rollup"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
