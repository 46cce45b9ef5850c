"""Celery apps for the notification tests, configured like the project's."""

from __future__ import annotations

import pytest
from celery import Celery

import citymgmt.notifications.tasks  # noqa: F401 - registers the shared tasks


def project_app(**overrides) -> Celery:
    """A fresh Celery app configured like the project's, with some values changed."""
    fresh = Celery("citymgmt", set_as_current=False)
    fresh.config_from_object("django.conf:settings", namespace="CELERY")
    fresh.conf.update(overrides)
    return fresh


@pytest.fixture(autouse=True)
def _eager_delivery(settings) -> None:
    """Run each delivery in the publishing process, unless a test says otherwise."""
    settings.NOTIFY_CELERY_APP = project_app(task_always_eager=True)
    settings.SMS_BACKEND = "log"


@pytest.fixture
def gateway(settings):
    """A local SMS gateway, and the settings that send through it."""
    from tests.notifications.gateway import Gateway

    stand_in = Gateway()
    server = stand_in.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = stand_in.url
    settings.SMS_GATEWAY_KEY = "test-key-123"
    settings.SMS_GATEWAY_TIMEOUT = 1
    yield stand_in
    server.shutdown()
    server.server_close()


@pytest.fixture
def own_broker(monkeypatch) -> None:
    """Let each test app use the broker it is given: Celery prefers this variable."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)


@pytest.fixture
def no_worker(settings, own_broker) -> None:
    """Tasks are published to an in-memory queue nobody reads."""
    settings.NOTIFY_CELERY_APP = project_app(broker_url="memory://")


@pytest.fixture
def redis_broker(redis_url, monkeypatch) -> str:
    """The test Redis, with each test app using the broker it is given."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    return redis_url
