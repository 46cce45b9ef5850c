"""The Celery app runs tasks on a real worker over a real broker."""

from __future__ import annotations

from celery import Celery
from celery.contrib.testing.worker import start_worker

import citymgmt.tasks  # noqa: F401 - registers the shared tasks
from citymgmt.celery import app
from tests.conftest import project_app


def run_probe(celery_app: Celery) -> dict:
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"
    ):
        return celery_app.tasks["citymgmt.probe"].delay().get(timeout=30)


def test_a_real_worker_on_redis_runs_a_task_that_reaches_the_database(
    redis_url, transactional_db
):
    celery_app = project_app(
        broker_url=redis_url, result_backend=redis_url.rsplit("/", 1)[0] + "/15"
    )
    assert run_probe(celery_app) == {"database": "ok"}


def test_a_real_worker_on_the_filesystem_broker_runs_a_task(
    tmp_path, monkeypatch, transactional_db
):
    # Celery prefers this variable over its configuration.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    folders = {n: tmp_path / n for n in ("queue", "control", "processed", "results")}
    for folder in folders.values():
        folder.mkdir()
    celery_app = project_app(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "control_folder": str(folders["control"]),
            "processed_folder": str(folders["processed"]),
        },
        result_backend=f"file://{folders['results']}",
    )
    assert run_probe(celery_app) == {"database": "ok"}


def test_the_app_is_configured_for_safe_delivery():
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    assert app.conf.timezone == "Asia/Shanghai"
    assert "citymgmt.probe" in app.tasks
