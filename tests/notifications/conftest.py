"""The notification tests deliver eagerly unless they ask for a broker."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

import citymgmt.notifications.tasks  # noqa: F401 - registers the shared tasks
from tests.conftest import need, project_app, wait_for

ROOT = Path(__file__).resolve().parents[2]


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RedisServer:
    """A redis-server of the test's own, which it may stop and start again."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(  # noqa: S603 - a fixed command
            [
                shutil.which("redis-server") or "redis-server",
                *("--bind", "127.0.0.1", "--port", str(self.port)),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.exceptions.ConnectionError:
                return False

        assert wait_for(answers, 30), f"redis-server on {self.port} did not start"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def redis_server(tmp_path, own_broker):
    """A Redis on a free port, for tests that take the broker away."""
    need(shutil.which("redis-server") is not None, "needs redis-server")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@dataclass
class WorkerProcess:
    """`celery worker` in a process of its own, its log in a file."""

    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def ready(self) -> bool:
        return " ready." in self.output()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def _database_url() -> str:
    """The test database, as the worker process's DATABASE_URL."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{quote(db['NAME'])}"


@pytest.fixture
def worker_process(tmp_path, require_postgres):
    """Start real worker processes on a broker; kill what is left at the end."""
    started: list[WorkerProcess] = []

    def start(broker_url: str, **env: str) -> WorkerProcess:
        base = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "SMS_", "NOTIFY_", "CELERY_", "CACHE"))
            and key not in ("DATABASE_URL", "EMAIL_URL")
        }
        log = tmp_path / f"worker-{len(started) + 1}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter
                [
                    sys.executable,
                    *("-m", "celery", "-A", "tests.notifications.worker_app"),
                    *("worker", "--pool=solo", "--loglevel=INFO"),
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    f"--hostname=outbox-test-{len(started) + 1}@%h",
                ],
                cwd=ROOT,
                env={
                    **base,
                    "DJANGO_SETTINGS_MODULE": "citymgmt.settings.test",
                    "DATABASE_URL": _database_url(),
                    "CELERY_BROKER_URL": broker_url,
                    "PYTHONUNBUFFERED": "1",
                    **env,
                },
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        worker = WorkerProcess(process, log)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()
