"""The periodic deadline tasks in django-celery-beat, editable in the admin.

The sweep runs every 5 minutes; the morning digest at 08:00 and the overdue
summary at 17:45 Asia/Shanghai every day (the tasks themselves skip the days
the working calendar says are off, so make-up Saturdays are covered).
"""

from django.db import migrations
from django.utils import timezone

SWEEP = "Deadline sweep · 期限巡检 (every 5 minutes)"
DIGEST = "Morning digest to unit leaders · 晨报 (08:00 on working days)"
SUMMARY = "Overdue summary to supervisors · 超期汇总 (17:45 on working days)"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    every_5, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    at_0800, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="8",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone="Asia/Shanghai",
    )
    at_1745, _ = CrontabSchedule.objects.get_or_create(
        minute="45",
        hour="17",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name=SWEEP,
        defaults={
            "task": "complaints.sweep_deadlines",
            "interval": every_5,
            # A sweep that waited longer than its period is replaced by the next.
            "expire_seconds": 240,
            "description": "Sends deadline reminders, overdue notices and "
            "escalations (complaints.deadlines.sweep).",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=DIGEST,
        defaults={
            "task": "complaints.morning_digest",
            "crontab": at_0800,
            "expire_seconds": 3 * 3600,
            "description": "Each unit leader's open cases by due time; does "
            "nothing on days off.",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=SUMMARY,
        defaults={
            "task": "complaints.overdue_summary",
            "crontab": at_1745,
            "expire_seconds": 3 * 3600,
            "description": "Overdue cases per unit to the supervisors; does "
            "nothing on days off.",
        },
    )
    # Tell a running beat to reload its schedule.
    PeriodicTasks.objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[SWEEP, DIGEST, SUMMARY]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_deadline_rules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
