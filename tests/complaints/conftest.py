"""Fixtures of the complaints tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def deadline_rules(db):
    """The seeded rules; a transactional test starts after a flush without them."""
    from django.apps import apps

    from complaints.deadline_rules_data import seed_deadline_rules

    seed_deadline_rules(apps)
