"""Demo step of `manage.py seed_demo`, after every other app's: the daily
rollup of the KPI counts, rebuilt from the demo's back-dated cases.

The demo's cases are moved back in time after their steps, so their events
carry past times the minute's refresh would not look at; a rebuild counts
them all. Run again, it counts them again.
"""

from __future__ import annotations

from dashboard import rollup


def seed() -> str:
    report = rollup.rollup_rebuild()
    return (
        f"dashboard: the daily KPI counts rebuilt ({report.rows} rows over "
        f"{report.days} days)"
    )
