"""OFFICE_HOURS: parsed at start-up, and a malformed value stops it by name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from citymgmt.env import read_periods

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = "08:30-12:00,13:30-17:30"


def test_the_default_is_the_morning_and_the_afternoon(monkeypatch):
    monkeypatch.delenv("OFFICE_HOURS", raising=False)
    assert read_periods("OFFICE_HOURS", DEFAULT) == [
        ("08:30", "12:00"),
        ("13:30", "17:30"),
    ]


def test_office_hours_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OFFICE_HOURS", " 09:00-12:00 , 14:00-18:00 ,19:00-24:00")
    assert read_periods("OFFICE_HOURS", DEFAULT) == [
        ("09:00", "12:00"),
        ("14:00", "18:00"),
        ("19:00", "24:00"),
    ]


@pytest.mark.parametrize(
    "value",
    [
        "8.30-12",
        "08:30-12:00;13:30-17:30",
        "12:00-08:30",
        "08:30-12:00,11:00-17:30",
        "13:30-17:30,08:30-12:00",
        "08:30-12:60",
        "24:00-24:00",
        "08:30-",
    ],
)
def test_a_malformed_value_is_refused_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("OFFICE_HOURS", value)
    with pytest.raises(ImproperlyConfigured, match="OFFICE_HOURS is malformed"):
        read_periods("OFFICE_HOURS", DEFAULT)


def test_a_malformed_value_stops_start_up():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "citymgmt.settings.local",
        "OFFICE_HOURS": "nine to five",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Environment variable OFFICE_HOURS is malformed" in result.stderr
