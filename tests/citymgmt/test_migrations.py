"""The models and the migrations agree, and the role groups exist after migrating."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from squads.roles import ROLE_PERMISSIONS


def test_no_model_change_lacks_a_migration(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_every_role_group_holds_exactly_its_permissions():
    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert held == set(names), role
