"""Kept for the migration history; the squads app grants the calendar's
permissions to the roles (squads 0003), so the core imports no app."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations: list = []
