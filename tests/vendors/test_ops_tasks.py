"""The vendors' periodic tasks: their limits, their beat entries, and the
suggestion job run twice by a real worker process."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tests.complaints.clock import frozen
from tests.complaints.factories import submit
from tests.conftest import project_app, wait_for
from tests.notifications.conftest import worker_process  # noqa: F401 (fixture)
from vendors import tasks
from vendors.models import HotspotSuggestion

STARTS = 90  # seconds a worker process may take to start on a busy machine
TASKS = [tasks.suggest_hotspots, tasks.create_duty_posts, tasks.duty_digest]


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t.name)
def test_each_task_is_acknowledged_late_with_time_limits_and_no_blind_retry(task):
    assert task.acks_late is True
    assert task.soft_time_limit and task.time_limit > task.soft_time_limit
    assert not getattr(task, "autoretry_for", ())


@pytest.mark.django_db
def test_the_schedules_are_in_the_beat_table():
    from django_celery_beat.models import PeriodicTask

    entries = {
        t.task: t.crontab
        for t in PeriodicTask.objects.filter(
            task__startswith="vendors."
        ).select_related("crontab")
    }
    assert {
        name: (c.hour, c.minute, str(c.timezone)) for name, c in entries.items()
    } == {
        "vendors.create_duty_posts": ("6", "0", "Asia/Shanghai"),
        "vendors.suggest_hotspots": ("6", "30", "Asia/Shanghai"),
        "vendors.duty_digest": ("8", "5", "Asia/Shanghai"),
    }


@pytest.mark.django_db(transaction=True)
def test_a_worker_suggests_the_hotspot_once_when_the_job_runs_twice(
    tree,
    squad_leader,
    redis_url,
    worker_process,  # noqa: F811
):
    # Three complaints at about 16:00 on the last three days.
    today = timezone.localtime().replace(hour=16, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        for n in range(1, 4):
            with frozen(today - timedelta(days=n, minutes=10 * n)):
                submit(tree, phone=f"1391234{n:04d}")
    worker = worker_process(redis_url)
    assert wait_for(worker.ready, STARTS), worker.output()
    app = project_app(broker_url=redis_url)

    app.send_task("vendors.suggest_hotspots")
    assert wait_for(HotspotSuggestion.objects.exists, 60), worker.output()
    app.send_task("vendors.suggest_hotspots")
    assert wait_for(lambda: worker.output().count("succeeded") >= 2, 60), (
        worker.output()
    )

    suggestion = HotspotSuggestion.objects.get()
    assert suggestion.complaints.count() == 3
    assert suggestion.squad == tree.unit_a
