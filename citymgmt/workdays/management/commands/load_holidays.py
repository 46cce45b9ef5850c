"""Load public holidays and make-up working days from chinese-calendar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from citymgmt.workdays.services import (
    UnknownYear,
    calendar_load_year,
    package_years,
)


class Command(BaseCommand):
    help = (
        "Load public holidays and make-up working days (调休) into the calendar "
        "table from the chinese-calendar package: every year it knows, or the "
        "years given with --year. Running it again changes nothing; days an "
        "administrator entered or edited are left alone. A year the package does "
        "not know is refused and nothing is changed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            metavar="YEAR",
            help="Load only this year (repeat for several).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        known = package_years()
        years = sorted(set(options["years"] or known))
        unknown = [year for year in years if year not in known]
        if unknown:
            # Refuse before writing anything, even for the known years given.
            raise CommandError(str(UnknownYear(unknown[0], known)))
        with transaction.atomic():
            loads = [calendar_load_year(year) for year in years]
        if options["verbosity"] < 1:
            return
        for load in loads:
            line = (
                f"{load.year}: {load.holidays} holidays and {load.makeup_workdays} "
                f"make-up working days ({load.created} created, {load.updated} "
                "updated"
            )
            if load.kept_admin:
                line += f", {load.kept_admin} edited in the admin left alone"
            self.stdout.write(line + ").")
        created = sum(load.created + load.updated for load in loads)
        if not created:
            self.stdout.write("Nothing changed: the calendar was already up to date.")
