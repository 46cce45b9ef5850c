"""The working time each case took to be accepted and disposed of, stored.

The services write both numbers when the step happens; this migration gives
the cases that are already there theirs, from their stage times and, for the
cases reworked or reopened, from their events (complaints.deadlines.durations),
on the calendar as it is now.
"""

from django.db import migrations, models


def backfill(apps, schema_editor):
    from complaints.deadlines.durations import backfill as store_durations

    store_durations(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0010_relocation_linked_action'),
        ('workdays', '0002_role_permissions'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='accept_working_seconds',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='working seconds to accept'),
        ),
        migrations.AddField(
            model_name='complaint',
            name='dispose_working_seconds',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='working seconds to dispose'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
