"""Bring the dashboard's daily rollup up to date now, or rebuild it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from dashboard import rollup


class Command(BaseCommand):
    help = (
        "Recount the dashboard's daily KPI counts: the days of the cases changed "
        "since the last run, or with --rebuild every day (after a bulk load or "
        "a data migration that changed cases without events)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Recount every day.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            report = rollup.rollup_rebuild()
        else:
            report = rollup.rollup_refresh()
        self.stdout.write(
            f"Recounted {report.days} days into {report.rows} rows; the counts are "
            f"as of {timezone.localtime(report.as_of):%Y-%m-%d %H:%M:%S %Z}."
        )
