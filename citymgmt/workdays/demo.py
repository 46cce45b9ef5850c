"""Demo rows for seed_demo: the holiday calendar from chinese-calendar."""

from __future__ import annotations

from citymgmt.workdays.services import calendar_load_year, package_years


def seed() -> str:
    """Load every year chinese-calendar knows; return a one-line summary."""
    loads = [calendar_load_year(year) for year in package_years()]
    changed = sum(load.created + load.updated for load in loads)
    return (
        f"Working-day calendar: {loads[0].year}–{loads[-1].year} from "
        f"chinese-calendar, {changed} days created or updated."
    )
