"""Two people publishing the same unit's card at the same moment, on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from squads.models import ContactCard, Member
from squads.services import contact_card_publish, member_save

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_publishing_yields_one_new_version(
    require_postgres, tree, squad_leader, instructor
):
    contact_card_publish(squad=tree.unit_a)
    leader = Member.objects.get(user=squad_leader)
    leader.work_phone = "13905369999"
    member_save(member=leader)

    start = threading.Barrier(4)
    outcomes: list[object] = []

    def publish() -> None:
        try:
            start.wait()
            outcomes.append(contact_card_publish(squad=tree.unit_a).version)
        except Exception as exc:  # the test reports any failure below
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == [2, 2, 2, 2]
    versions = list(
        ContactCard.objects.filter(squad=tree.unit_a).values_list("version", flat=True)
    )
    assert sorted(versions) == [1, 2]
    latest = ContactCard.objects.get(squad=tree.unit_a, version=2)
    assert latest.content["leader"]["phone"] == "13905369999"
