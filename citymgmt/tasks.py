"""Tasks of the core: a probe that shows a worker can reach the database."""

from celery import shared_task

from citymgmt.health import database_status


@shared_task(
    name="citymgmt.probe", ignore_result=False, soft_time_limit=20, time_limit=30
)
def probe() -> dict[str, str]:
    """Report what a worker sees: the database's status."""
    return {"database": database_status()}
