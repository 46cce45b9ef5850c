"""Two officers giving the same stall away at once, on PostgreSQL.

Each thread has its own database connection and a barrier releases them
together, so the stall's row lock (and, behind it, the unique constraint on
the active occupancy) decides: one moves in, the other is told the stall is
taken.
"""

from __future__ import annotations

import pytest

from citymgmt.errors import DomainError
from tests.complaints.test_race import run_together
from tests.vendors.factories import fresh, make_market, make_vendor, stall
from vendors import services
from vendors.models import Relocation, RelocationEvent, StallStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_officers_moving_vendors_into_one_stall_one_wins(
    require_postgres, tree, squad_leader, officer
):
    market = make_market(tree, squad_leader, stalls=1)
    relocations = []
    for i, name in enumerate(["刘大爷", "王大姐"]):
        vendor = make_vendor(officer, name=name, phone=f"1391234000{i + 1}")
        relocation = services.relocation_offer(vendor=vendor, market=market, by=officer)
        services.relocation_accept(relocation=relocation, by=officer)
        relocations.append(relocation)
    users = [officer, squad_leader]
    target = stall(market)

    def move_in(i: int) -> Relocation:
        return services.relocation_move_in(
            relocation=fresh(relocations[i]), by=users[i], stall=target
        )

    outcomes = run_together(2, move_in)

    won = [o for o in outcomes if isinstance(o, Relocation)]
    lost = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].field == "stall"
    assert "Stall A01 is already occupied; choose a vacant stall." in lost[0].message
    assert stall(market).status == StallStatus.OCCUPIED
    holders = Relocation.objects.filter(stall=target, status="moved")
    assert list(holders) == [won[0]]
    loser = next(r for r in relocations if r.pk != won[0].pk)
    assert fresh(loser).status == "accepted"
    assert fresh(loser).stall_id is None
    assert RelocationEvent.objects.filter(action="move_in").count() == 1
