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


@pytest.fixture
def mail_server(settings):
    """A local SMTP server, and the settings that send mail through it."""
    from tests.notifications.mailserver import MailServer

    stand_in = MailServer()
    server = stand_in.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = stand_in.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "CityDesk <citydesk@example.org>"
    yield stand_in
    stand_in.release.set()
    server.shutdown()
    server.server_close()
