"""The relocation ledger's moves, their refusals, and bad input left unsaved."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone, translation

from citymgmt.errors import Conflict, Forbidden, InvalidInput, NotAllowed, NotFound
from tests.vendors.factories import (
    days_ago,
    fresh,
    make_hotspot,
    make_market,
    make_vendor,
    moved,
    stall,
)
from vendors import services
from vendors.models import (
    CheckIn,
    FollowUp,
    Hotspot,
    HotspotWindow,
    Relocation,
    RelocationEvent,
    Stall,
    StallStatus,
    Vendor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def market(tree, squad_leader):
    return make_market(tree, squad_leader)


def test_a_vendor_walks_from_offer_to_stable_and_each_move_is_an_event(
    market, officer, squad_leader, settings
):
    vendor = make_vendor(officer, is_elderly=True)
    relocation = services.relocation_offer(
        vendor=vendor, market=market, by=officer, stall=stall(market)
    )
    assert stall(market).status == StallStatus.VACANT  # an offer holds nothing
    services.relocation_accept(relocation=relocation, by=officer)
    assert stall(market).status == StallStatus.RESERVED
    services.relocation_move_in(
        relocation=relocation, by=officer, moved_on=days_ago(45)
    )
    assert stall(market).status == StallStatus.OCCUPIED
    for days in (40, 25, 10):
        services.followup_record(
            relocation=relocation, by=officer, visited_on=days_ago(days), present=True
        )
    services.relocation_mark_stable(relocation=relocation, by=squad_leader)

    relocation = fresh(relocation)
    assert relocation.status == "stable"
    assert relocation.stable_at is not None
    events = list(relocation.events.values_list("action", "from_status", "to_status"))
    assert events == [
        ("offer", "", "offered"),
        ("accept", "offered", "accepted"),
        ("move_in", "accepted", "moved"),
        ("follow_up", "moved", "moved"),
        ("follow_up", "moved", "moved"),
        ("follow_up", "moved", "moved"),
        ("mark_stable", "moved", "stable"),
    ]
    assert relocation.events.last().role == "squad_leader"


def test_returned_to_the_street_frees_the_stall(market, officer):
    relocation = moved(officer, market)
    services.relocation_mark_returned(
        relocation=relocation, by=officer, note="回到校门口摆摊"
    )
    assert fresh(relocation).status == "returned"
    assert stall(market).status == StallStatus.VACANT


def test_declining_after_accepting_gives_the_reserved_stall_back(market, officer):
    vendor = make_vendor(officer)
    relocation = services.relocation_offer(
        vendor=vendor, market=market, by=officer, stall=stall(market)
    )
    services.relocation_accept(relocation=relocation, by=officer)
    services.relocation_decline(relocation=relocation, by=officer, note="嫌远")
    assert fresh(relocation).status == "declined"
    assert stall(market).status == StallStatus.VACANT


# --- the status machine's refusals -------------------------------------------


def test_moving_in_before_the_vendor_accepts_is_refused(market, officer):
    relocation = services.relocation_offer(
        vendor=make_vendor(officer), market=market, by=officer
    )
    with pytest.raises(
        NotAllowed, match="not possible while the relocation is offered"
    ):
        services.relocation_move_in(
            relocation=relocation, by=officer, stall=stall(market)
        )
    assert stall(market).status == StallStatus.VACANT
    assert relocation.events.count() == 1


def test_accepting_twice_is_refused(market, officer):
    relocation = services.relocation_offer(
        vendor=make_vendor(officer), market=market, by=officer
    )
    services.relocation_accept(relocation=relocation, by=officer)
    with pytest.raises(NotAllowed, match="while the relocation is accepted"):
        services.relocation_accept(relocation=relocation, by=officer)


def test_declining_after_moving_in_is_refused(market, officer):
    relocation = moved(officer, market)
    with pytest.raises(NotAllowed, match="while the relocation is moved in"):
        services.relocation_decline(relocation=relocation, by=officer, note="不去了")


def test_returning_before_moving_in_is_refused(market, officer):
    relocation = services.relocation_offer(
        vendor=make_vendor(officer), market=market, by=officer
    )
    with pytest.raises(NotAllowed, match="while the relocation is offered"):
        services.relocation_mark_returned(relocation=relocation, by=officer, note="x")


def test_a_followup_before_moving_in_is_refused(market, officer):
    relocation = services.relocation_offer(
        vendor=make_vendor(officer), market=market, by=officer
    )
    with pytest.raises(NotAllowed):
        services.followup_record(
            relocation=relocation, by=officer, visited_on=days_ago(0), present=True
        )
    assert not FollowUp.objects.exists()


def test_nothing_moves_once_returned(market, officer, squad_leader):
    relocation = moved(officer, market)
    services.relocation_mark_returned(relocation=relocation, by=officer, note="走了")
    for action, service in services.RELOCATION_SERVICES.items():
        with pytest.raises(NotAllowed, match="while the relocation is returned"):
            service(relocation=relocation, by=squad_leader, note="x")
        assert fresh(relocation).status == "returned", action


def test_declining_and_returning_need_a_reason(market, officer):
    relocation = services.relocation_offer(
        vendor=make_vendor(officer), market=market, by=officer
    )
    with pytest.raises(InvalidInput, match="Give a reason") as caught:
        services.relocation_decline(relocation=relocation, by=officer, note="  ")
    assert caught.value.field == "note"
    assert fresh(relocation).status == "offered"


def test_an_officer_may_not_mark_stable(market, officer):
    relocation = moved(officer, market)
    with pytest.raises(Forbidden):
        services.relocation_mark_stable(relocation=relocation, by=officer)


def test_the_dispatcher_reads_the_ledger_but_moves_nothing(market, officer, dispatcher):
    relocation = services.relocation_offer(
        vendor=make_vendor(officer), market=market, by=officer
    )
    with pytest.raises(Forbidden):
        services.relocation_accept(relocation=relocation, by=dispatcher)


def test_stable_needs_enough_visits(market, officer, squad_leader):
    relocation = moved(officer, market)
    services.followup_record(
        relocation=relocation, by=officer, visited_on=days_ago(50), present=True
    )
    services.followup_record(
        relocation=relocation, by=officer, visited_on=days_ago(5), present=True
    )
    with pytest.raises(NotAllowed, match="needs 3 visits .* 2 so far"):
        services.relocation_mark_stable(relocation=relocation, by=squad_leader)
    assert fresh(relocation).status == "moved"


def test_stable_needs_the_visits_to_span_thirty_days(market, officer, squad_leader):
    relocation = moved(officer, market)
    for days in (20, 10, 1):
        services.followup_record(
            relocation=relocation, by=officer, visited_on=days_ago(days), present=True
        )
    with pytest.raises(NotAllowed, match="span 19 days"):
        services.relocation_mark_stable(relocation=relocation, by=squad_leader)


def test_stable_is_refused_when_the_last_visit_found_nobody(
    market, officer, squad_leader
):
    relocation = moved(officer, market)
    for days, present in ((55, True), (40, True), (20, True), (5, False)):
        services.followup_record(
            relocation=relocation,
            by=officer,
            visited_on=days_ago(days),
            present=present,
        )
    with pytest.raises(NotAllowed, match="last visit did not find"):
        services.relocation_mark_stable(relocation=relocation, by=squad_leader)


def test_the_number_of_visits_for_stable_is_a_setting(
    market, officer, squad_leader, settings
):
    settings.VENDOR_STABLE_FOLLOWUPS = 2
    relocation = moved(officer, market)
    for days in (40, 5):
        services.followup_record(
            relocation=relocation, by=officer, visited_on=days_ago(days), present=True
        )
    services.relocation_mark_stable(relocation=relocation, by=squad_leader)
    assert fresh(relocation).status == "stable"


def test_a_stale_page_gets_a_conflict(market, officer):
    relocation = services.relocation_offer(
        vendor=make_vendor(officer), market=market, by=officer
    )
    services.relocation_accept(relocation=relocation, by=officer)
    with pytest.raises(Conflict, match="Someone else has just changed"):
        services.relocation_decline(
            relocation=relocation, by=officer, note="x", expected_status="offered"
        )


def test_a_vendor_has_one_relocation_under_way(market, officer):
    vendor = make_vendor(officer)
    services.relocation_offer(vendor=vendor, market=market, by=officer)
    with pytest.raises(NotAllowed, match="already has a relocation under way"):
        services.relocation_offer(vendor=vendor, market=market, by=officer)
    assert Relocation.objects.count() == 1


# --- scope --------------------------------------------------------------------


def test_another_units_leader_cannot_touch_the_relocation(
    market, officer, other_squad_leader
):
    relocation = services.relocation_offer(
        vendor=make_vendor(officer), market=market, by=officer
    )
    with pytest.raises(NotFound):
        services.relocation_accept(relocation=relocation, by=other_squad_leader)
    with pytest.raises(NotFound):
        services.vendor_save(
            by=other_squad_leader,
            vendor=relocation.vendor,
            name="改名",
            goods="水果",
        )
    with pytest.raises(NotFound):
        services.stall_save(by=other_squad_leader, market=market, number="Z99")
    assert fresh(relocation).status == "offered"


# --- bad input (item 10): a clear message, nothing saved ----------------------


def test_a_stall_number_taken_is_refused_by_name(market, squad_leader):
    with pytest.raises(InvalidInput) as caught:
        services.stall_save(by=squad_leader, market=market, number="A01")
    assert caught.value.field == "number"
    assert "Stall number A01 is already used in “西苑便民市场”" in caught.value.message
    assert Stall.objects.filter(market=market).count() == 3


def test_a_stall_in_a_closed_market_is_refused(tree, market, officer, squad_leader):
    relocation = services.relocation_offer(
        vendor=make_vendor(officer), market=market, by=officer
    )
    services.relocation_accept(relocation=relocation, by=officer)
    services.market_save(
        market=market,
        by=squad_leader,
        name=market.name,
        kind=market.kind,
        address=market.address,
        community=market.community,
        is_active=False,
    )
    with pytest.raises(InvalidInput, match="is closed; choose a stall in an open") as c:
        services.relocation_move_in(
            relocation=relocation, by=officer, stall=stall(market)
        )
    assert c.value.field == "stall"
    assert fresh(relocation).status == "accepted"
    assert stall(market).status == StallStatus.VACANT
    assert relocation.events.count() == 2


def test_a_closed_stall_is_refused(market, officer, squad_leader):
    services.stall_save(
        by=squad_leader,
        market=market,
        stall=stall(market),
        number="A01",
        status="closed",
    )
    relocation = services.relocation_offer(
        vendor=make_vendor(officer), market=market, by=officer
    )
    services.relocation_accept(relocation=relocation, by=officer)
    with pytest.raises(InvalidInput, match="Stall A01 is closed"):
        services.relocation_move_in(
            relocation=relocation, by=officer, stall=stall(market)
        )


def test_an_occupied_stall_is_refused(market, officer):
    moved(officer, market)
    other = make_vendor(officer, name="王大姐", phone="13912340002")
    relocation = services.relocation_offer(vendor=other, market=market, by=officer)
    services.relocation_accept(relocation=relocation, by=officer)
    with pytest.raises(InvalidInput, match="Stall A01 is already occupied"):
        services.relocation_move_in(
            relocation=relocation, by=officer, stall=stall(market)
        )
    assert fresh(relocation).stall_id is None


def test_the_database_refuses_a_second_holder_of_a_stall(market, officer):
    first = moved(officer, market)
    other = make_vendor(officer, name="王大姐", phone="13912340002")
    second = services.relocation_offer(vendor=other, market=market, by=officer)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Relocation.objects.filter(pk=second.pk).update(
            stall=first.stall, status="accepted"
        )


def test_a_followup_before_the_move_date_is_refused(market, officer):
    relocation = moved(officer, market, days_ago=10)
    with pytest.raises(InvalidInput, match="cannot be before the move-in date") as c:
        services.followup_record(
            relocation=relocation, by=officer, visited_on=days_ago(11), present=True
        )
    assert c.value.field == "visited_on"
    assert not FollowUp.objects.exists()
    assert relocation.events.filter(action="follow_up").count() == 0


def test_a_followup_in_the_future_is_refused(market, officer):
    relocation = moved(officer, market, days_ago=10)
    with pytest.raises(InvalidInput, match="cannot be in the future"):
        services.followup_record(
            relocation=relocation,
            by=officer,
            visited_on=timezone.localdate() + timedelta(days=1),
            present=True,
        )
    assert not FollowUp.objects.exists()


def test_a_time_window_ending_before_it_starts_is_refused(tree, squad_leader):
    with pytest.raises(InvalidInput, match="must end after it starts") as caught:
        make_hotspot(
            tree,
            squad_leader,
            windows=[
                services.Window(start=time(17, 0), end=time(15, 30), working_days=True)
            ],
        )
    assert caught.value.field == "end"
    assert not Hotspot.objects.exists()
    assert not HotspotWindow.objects.exists()


def test_a_vendor_phone_in_a_wrong_format_is_refused(officer):
    with pytest.raises(InvalidInput, match="11-digit mobile number") as caught:
        make_vendor(officer, phone="1391234")
    assert caught.value.field == "phone"
    assert not Vendor.objects.exists()


def test_a_vendor_phone_is_kept_normalised(officer):
    vendor = make_vendor(officer, phone="+86 139 1234 0001")
    assert vendor.phone == "13912340001"


# --- privacy ------------------------------------------------------------------


def test_an_identity_number_without_consent_is_refused(officer):
    with pytest.raises(InvalidInput, match="only with the vendor's consent") as caught:
        make_vendor(officer, identity_number="370781195501011234")
    assert caught.value.field == "identity_number"
    assert not Vendor.objects.exists()


def test_an_identity_number_with_consent_is_kept_and_shown_masked(officer):
    vendor = make_vendor(
        officer, identity_number="370781195501011234", identity_consent=True
    )
    assert vendor.identity_consent_at is not None
    assert vendor.identity_masked == "370781********1234"


def test_withdrawn_consent_removes_the_identity_number(officer):
    vendor = make_vendor(
        officer, identity_number="370781195501011234", identity_consent=True
    )
    vendor = services.vendor_save(
        by=officer,
        vendor=vendor,
        name=vendor.name,
        goods=vendor.goods,
        identity_consent=False,
    )
    assert vendor.identity_number == ""
    assert vendor.identity_consent_at is None


# --- hotspots and check-ins ---------------------------------------------------


def _checkins(hotspot, officer, counts):
    post = services.duty_post_save(
        hotspot=hotspot,
        by=officer if False else hotspot_keeper(hotspot),
        date=days_ago(1),
        start=time(15, 30),
        end=time(17, 0),
    )
    start = timezone.now() - timedelta(hours=len(counts) + 1)
    for i, count in enumerate(counts):
        services.checkin_record(
            post=post, by=officer, vendors_present=count, at=start + timedelta(hours=i)
        )


def hotspot_keeper(hotspot):
    from squads.models import Member

    return Member.objects.get(role="squad_leader", squad=hotspot.squad).user


def test_a_hotspot_clears_only_after_enough_clean_checkins(tree, squad_leader, officer):
    hotspot = make_hotspot(tree, squad_leader)
    services.hotspot_activate(hotspot=hotspot, by=squad_leader)
    _checkins(hotspot, officer, [4, 0, 2, 0, 0])
    with pytest.raises(NotAllowed, match="needs 3 check-ins in a row .* latest 2"):
        services.hotspot_clear(hotspot=hotspot, by=squad_leader)
    assert Hotspot.objects.get().status == "active"
    services.checkin_record(
        post=CheckIn.objects.first().post, by=officer, vendors_present=0
    )
    services.hotspot_clear(hotspot=hotspot, by=squad_leader)
    assert Hotspot.objects.get().status == "cleared"


def test_a_negative_vendor_count_is_refused(tree, squad_leader, officer):
    hotspot = make_hotspot(tree, squad_leader)
    post = services.duty_post_save(
        hotspot=hotspot,
        by=squad_leader,
        date=days_ago(0),
        start=time(15, 30),
        end=time(17, 0),
    )
    with pytest.raises(InvalidInput) as caught:
        services.checkin_record(post=post, by=officer, vendors_present=-1)
    assert caught.value.field == "vendors_present"
    assert not CheckIn.objects.exists()


def test_a_hotspot_is_covered_by_its_communitys_unit(tree, squad_leader):
    hotspot = make_hotspot(tree, squad_leader)
    assert hotspot.squad == tree.unit_a
    assert hotspot.windows.get().working_days


def test_opening_a_hotspot_in_another_units_community_is_refused(
    tree, other_squad_leader
):
    with pytest.raises(NotFound):
        make_hotspot(tree, other_squad_leader)


def test_every_move_is_recorded_once(market, officer):
    moved(officer, market)
    assert RelocationEvent.objects.count() == 3


def test_the_unique_occupancy_refusal_reads_as_a_clear_message(market, officer):
    first = moved(officer, market)
    # A stall row that says vacant while a relocation holds it: only the
    # database's constraint stands in the way now.
    Stall.objects.filter(pk=first.stall_id).update(status="vacant")
    other = make_vendor(officer, name="王大姐", phone="13912340002")
    second = services.relocation_offer(vendor=other, market=market, by=officer)
    services.relocation_accept(relocation=second, by=officer)
    with pytest.raises(Conflict, match="just been given to another vendor") as caught:
        services.relocation_move_in(relocation=second, by=officer, stall=first.stall)
    assert caught.value.field == "stall"
    assert fresh(second).status == "accepted"
