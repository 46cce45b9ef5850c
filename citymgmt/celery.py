"""The Celery application: configured from Django settings (CELERY_*).

A worker keeps its database connection from task to task: Celery's Django
fix-up would otherwise close it after every task (CELERY_DB_REUSE_MAX unset),
and each delivery would open a new PostgreSQL connection. Under `celery
worker` connections live settings.WORKER_DB_CONN_MAX_AGE seconds, are checked
before each task, and are dropped after one when they broke or grew too old
(Django's close_old_connections, as after a web request). Elsewhere, as in a
worker a test starts in its own process, CONN_MAX_AGE is the settings' (0:
closed after each task, as before).
"""

import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citymgmt.settings.local")

app = Celery("citymgmt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.celeryd_init.connect
def keep_database_connections(**_kwargs: Any) -> None:
    """In `celery worker` (and the processes it forks): keep connections."""
    from django.conf import settings

    age = settings.WORKER_DB_CONN_MAX_AGE
    if not age:
        return
    for config in settings.DATABASES.values():
        config["CONN_MAX_AGE"] = age
        config["CONN_HEALTH_CHECKS"] = True


def close_old_connections(sender: Any = None, **_kwargs: Any) -> None:
    """Before and after a task: drop a connection that broke or outlived its age.

    Not for a task run eagerly, inside its caller's request or transaction.
    """
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections as close

    close()


signals.task_prerun.connect(close_old_connections, weak=False)
signals.task_postrun.connect(close_old_connections, weak=False)
