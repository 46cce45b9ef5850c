"""Settings come from the environment, and a bad environment stops start-up clearly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'lang': s.LANGUAGE_CODE, 'langs': [c for c, _ in s.LANGUAGES], "
    "'tz': s.TIME_ZONE, 'engine': s.DATABASES['default']['ENGINE'], "
    "'db': str(s.DATABASES['default']['NAME']), 'broker': s.CELERY_BROKER_URL, "
    "'debug': s.DEBUG}))"
)
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "citymgmt.settings.production",
    "DJANGO_SECRET_KEY": "k3J9-vQ2!x8Lm#4Tz7@Rb1^Wp6&Hs0*Yd5%Nf3(Gc8)Ue2_Ai9+Oj4=Kl7~",
    "DJANGO_ALLOWED_HOSTS": "cg.example.gov.cn",
}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_"))
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def probe(env: dict[str, str]) -> dict:
    result = run(env, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_are_chinese_shanghai_sqlite_and_a_filesystem_broker():
    values = probe({"DJANGO_SETTINGS_MODULE": "citymgmt.settings.local"})
    assert values["lang"] == "zh-hans"
    assert values["langs"] == ["zh-hans", "en"]
    assert values["tz"] == "Asia/Shanghai"
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db"].endswith("var/citydesk.sqlite3")
    assert values["broker"] == "filesystem://"
    assert values["debug"] is True


def test_postgres_and_redis_come_from_the_environment():
    values = probe(
        {
            "DJANGO_SETTINGS_MODULE": "citymgmt.settings.local",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/citydesk",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db"] == "citydesk"
    assert values["broker"] == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    ("value", "expected"), [("", None), ("auto", None), ("on", True), ("off", False)]
)
def test_prepared_queries_follow_the_environment(value, expected):
    probe_prepared = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.PREPARED_QUERIES))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "citymgmt.settings.local"}
    result = run({**env, "PREPARED_QUERIES": value}, "-c", probe_prepared)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": ""}
    result = run(env, "manage.py", "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_values_pass_check_deploy_without_warnings():
    result = run(
        PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "postgres//missing-colon"),
        ("DATABASE_URL", "mysql://root@localhost/citydesk"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:notaport/citydesk"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
        ("CELERY_BROKER_URL", "amqp//nope"),
        ("DJANGO_DEBUG", "maybe"),
        ("HEALTH_BROKER_TIMEOUT", "soon"),
        ("TRUSTED_PROXY_COUNT", "one"),
        ("TRUSTED_PROXY_COUNT", "-1"),
        ("PREPARED_QUERIES", "sometimes"),
    ],
)
def test_a_malformed_variable_stops_start_up_naming_it(name, value):
    result = run(
        {"DJANGO_SETTINGS_MODULE": "citymgmt.settings.local", name: value},
        "manage.py",
        "check",
    )
    assert result.returncode != 0
    assert f"Environment variable {name} is malformed" in result.stderr
    assert "Traceback" not in result.stderr.split("ImproperlyConfigured")[-1]


@pytest.mark.parametrize("value", ["true", "false"])
def test_the_replaced_forwarded_for_switch_stops_start_up_naming_its_successor(value):
    result = run(
        {
            "DJANGO_SETTINGS_MODULE": "citymgmt.settings.local",
            "USE_X_FORWARDED_FOR": value,
        },
        "manage.py",
        "check",
    )
    assert result.returncode != 0
    assert "USE_X_FORWARDED_FOR is no longer read" in result.stderr
    assert "TRUSTED_PROXY_COUNT" in result.stderr


def test_an_unreachable_database_stops_migrate_naming_database_url():
    result = run(
        {
            "DJANGO_SETTINGS_MODULE": "citymgmt.settings.local",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/citydesk",
        },
        "manage.py",
        "migrate",
        "--check",
    )
    assert result.returncode != 0
    assert "DATABASE_URL cannot be reached" in result.stderr
