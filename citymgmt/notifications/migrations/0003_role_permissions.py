"""Kept for the migration history; the squads app grants the outbox's
permissions to the roles (squads 0003), so the core imports no app."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_sweep_schedule")]

    operations: list = []
