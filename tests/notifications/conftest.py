"""The notification tests deliver eagerly unless they ask for a broker."""

from __future__ import annotations

import pytest

import citymgmt.notifications.tasks  # noqa: F401 - registers the shared tasks
from tests.conftest import project_app


@pytest.fixture(autouse=True)
def _eager_delivery(settings) -> None:
    """Run each delivery in the publishing process, unless a test says otherwise."""
    settings.NOTIFY_CELERY_APP = project_app(task_always_eager=True)
    settings.SMS_BACKEND = "log"


@pytest.fixture
def own_broker(monkeypatch) -> None:
    """Let each test app use the broker it is given: Celery prefers this variable."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)


@pytest.fixture
def no_worker(settings, own_broker) -> None:
    """Tasks are published to an in-memory queue nobody reads."""
    settings.NOTIFY_CELERY_APP = project_app(broker_url="memory://")
