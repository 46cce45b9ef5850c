"""The SMS gateway settings: a bad environment stops start-up and names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SMS_BACKEND, s.SMS_GATEWAY_URL or '-', s.NOTIFY_MAX_ATTEMPTS)"
)


def start(**env: str) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SMS_", "NOTIFY_"))
    }
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "citymgmt.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_by_default_sms_go_to_the_log():
    result = start()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["log", "-", "6"]


def test_the_http_gateway_starts_with_its_address():
    result = start(SMS_BACKEND="http", SMS_GATEWAY_URL="https://sms.example.cn/send")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["http", "https://sms.example.cn/send", "6"]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SMS_BACKEND": "carrier-pigeon"}, "SMS_BACKEND"),
        ({"SMS_BACKEND": "http"}, "SMS_GATEWAY_URL"),
        (
            {"SMS_BACKEND": "http", "SMS_GATEWAY_URL": "sms.example.cn"},
            "SMS_GATEWAY_URL",
        ),
        (
            {"SMS_BACKEND": "http", "SMS_GATEWAY_URL": "http://sms.example.cn:port/"},
            "SMS_GATEWAY_URL",
        ),
        ({"NOTIFY_MAX_ATTEMPTS": "0"}, "NOTIFY_MAX_ATTEMPTS"),
        ({"NOTIFY_LEASE_SECONDS": "5"}, "NOTIFY_LEASE_SECONDS"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(env, named):
    result = start(**env)
    assert result.returncode != 0
    assert f"Environment variable {named} is malformed" in result.stderr
