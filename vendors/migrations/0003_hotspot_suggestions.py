"""Hotspot suggestions, and the vendors app's periodic tasks in django-celery-beat.

Duty posts are laid out at 06:00, hotspots suggested at 06:30 and the duty
digest sent at 08:05 Asia/Shanghai every day; the posts and the digest skip
the days the working calendar says are off (make-up Saturdays are covered).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


SUGGEST = "Hotspot suggestions · 聚集点建议 (06:30 daily)"
POSTS = "Duty posts of the day · 定时定点值守 (06:00 on working days)"
DIGEST = "Duty posts without a check-in · 值守未签到 (08:05 on working days)"


def _crontab(CrontabSchedule, hour: str, minute: str):
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone="Asia/Shanghai",
    )
    return schedule


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, hour, minute, description in [
        (
            POSTS,
            "vendors.create_duty_posts",
            "6",
            "0",
            "Today's duty post at each active hotspot, in its windows; does "
            "nothing on days off.",
        ),
        (
            SUGGEST,
            "vendors.suggest_hotspots",
            "6",
            "30",
            "Suggests hotspots from street-order complaints to the covering "
            "unit's leaders (vendors.suggestions).",
        ),
        (
            DIGEST,
            "vendors.duty_digest",
            "8",
            "5",
            "Each unit leader's duty posts of yesterday and today without a "
            "check-in; does nothing on days off.",
        ),
    ]:
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": _crontab(CrontabSchedule, hour, minute),
                "expire_seconds": 3 * 3600,
                "description": description,
            },
        )
    # Tell a running beat to reload its schedule.
    PeriodicTasks.objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def sync_roles(apps, schema_editor):
    from squads.roles import sync_role_groups

    sync_role_groups(apps)


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[SUGGEST, POSTS, DIGEST]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0008_indexes_an_insert_needs'),
        ('squads', '0004_desk_sets_supervision_phone'),
        ('vendors', '0002_role_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name='HotspotSuggestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('start', models.TimeField(verbose_name='from')),
                ('end', models.TimeField(verbose_name='until')),
                ('weekdays', models.PositiveSmallIntegerField(verbose_name='weekdays seen')),
                ('on_working_days', models.BooleanField(default=False, verbose_name='all on working days')),
                ('place', models.CharField(blank=True, max_length=256, verbose_name='place')),
                ('status', models.CharField(choices=[('suggested', 'suggested'), ('confirmed', 'confirmed'), ('dismissed', 'dismissed')], default='suggested', max_length=16, verbose_name='status')),
                ('created_at', models.DateTimeField(verbose_name='suggested at')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='complaints.category', verbose_name='category')),
                ('community', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='hotspot_suggestions', to='squads.area', verbose_name='community')),
                ('complaints', models.ManyToManyField(related_name='hotspot_suggestions', to='complaints.complaint', verbose_name='complaints')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('hotspot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='suggestions', to='vendors.hotspot', verbose_name='hotspot')),
                ('squad', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='hotspot_suggestions', to='squads.squad', verbose_name='covering unit')),
            ],
            options={
                'verbose_name': 'hotspot suggestion',
                'verbose_name_plural': 'hotspot suggestions',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['squad', 'status'], name='vendors_hot_squad_i_1b483c_idx'), models.Index(fields=['community', 'status'], name='vendors_hot_communi_5846b1_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['suggested', 'confirmed', 'dismissed'])), name='hotspotsuggestion_status_valid'), models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='hotspotsuggestion_ends_after_start'), models.CheckConstraint(condition=models.Q(('weekdays__gte', 1), ('weekdays__lte', 127)), name='hotspotsuggestion_weekdays_valid'), models.UniqueConstraint(condition=models.Q(('status', 'suggested')), fields=('community', 'start', 'end'), name='hotspotsuggestion_one_open_per_window')],
            },
        ),
        migrations.RunPython(create_schedules, remove_schedules),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
