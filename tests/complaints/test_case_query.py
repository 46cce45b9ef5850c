"""The case page's query compiled once (selectors.complaint_case_for) finds the
case the ORM finds, in the user's scope, with the same rows attached."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from complaints import selectors
from complaints.models import Complaint
from squads.models import Squad
from squads.services import squad_save
from tests.complaints.factories import submit, walk_to
from tests.complaints.test_case_frame import _cases
from tests.squads.factories import SquadFactory

pytestmark = pytest.mark.usefixtures("media_root")

ROLES = ["dispatcher", "squad_leader", "officer", "supervisor", "other_squad_leader"]
JOINED = ("category", "squad", "assignee", "deadline_rule")
LABELS = (
    "duplicate_of_label",
    "created_by_label",
    "guided_into_market",
    "street_label",
    "community_label",
)


def _fields(instance) -> dict | None:
    if instance is None:
        return None
    return {
        name: value
        for name, value in vars(instance).items()
        if name not in ("_state", "_prefetched_objects_cache")
    }


def _seen(complaint: Complaint | None) -> tuple:
    """Every value the page can read of the case: its columns, the joined
    rows, the names read with it, and what Django knows of its state."""
    if complaint is None:
        return (None,)
    joined = {
        name: _fields(getattr(complaint, name))
        for name in JOINED
        if Complaint._meta.get_field(name).is_cached(complaint)
    }
    return (
        _fields(complaint),
        joined,
        complaint._state.db,
        complaint._state.adding,
        {name: getattr(complaint, name) for name in LABELS},
    )


def _both(user, pk: int, settings) -> tuple[tuple, tuple]:
    settings.CASE_QUERY_COMPILED = True
    compiled = selectors.complaint_case_for(user=_reloaded(user), pk=pk)
    settings.CASE_QUERY_COMPILED = False
    by_orm = selectors.complaint_case_for(user=_reloaded(user), pk=pk)
    return _seen(compiled), _seen(by_orm)


def _reloaded(user):
    """The user as a new request loads it: no unit tree cached on it."""
    return get_user_model().objects.get(pk=user.pk)


def test_the_compiled_query_finds_what_the_orm_finds(tree, users, settings):
    cases = _cases(tree, users)
    found = 0
    for role in ROLES:
        for name, case in cases.items():
            compiled, by_orm = _both(users[role], case.pk, settings)
            assert compiled == by_orm, (role, name)
            found += compiled != (None,)
    # Every role saw some cases and was refused others.
    assert 0 < found < len(ROLES) * len(cases)
    joined = _seen(
        selectors.complaint_case_for(user=users["dispatcher"], pk=cases["assigned"].pk)
    )[1]
    assert set(joined) == set(JOINED)


def test_another_units_case_is_not_found_by_the_compiled_query(tree, users, settings):
    case = walk_to(submit(tree), "dispatched", users)
    settings.CASE_QUERY_COMPILED = True
    other = selectors.complaint_case_for(user=users["other_squad_leader"], pk=case.pk)
    own = selectors.complaint_case_for(user=users["squad_leader"], pk=case.pk)
    assert other is None
    assert own is not None and own.pk == case.pk


def test_a_leader_sees_the_unit_tree_as_it_is_now(tree, users, settings):
    """The unit ids are the query's values, not part of its compiled SQL:
    a unit moved away, or a new one with as many units in the tree, counts
    on the next request."""
    settings.CASE_QUERY_COMPILED = True
    leader, dispatcher = users["squad_leader"], users["dispatcher"]
    in_team = walk_to(submit(tree, community=tree.community_a1), "dispatched", users)
    assert in_team.squad_id == tree.team_a1.pk

    def sees(case: Complaint) -> bool:
        found = selectors.complaint_case_for(user=_reloaded(leader), pk=case.pk)
        return found is not None

    assert sees(in_team)
    # The team moves to squadron B; a new team joins squadron A: the leader's
    # tree has two units, as before, but not the same two.
    tree.team_a1.parent = tree.unit_b
    squad_save(squad=tree.team_a1, by=dispatcher)
    new_team = SquadFactory(
        code="ZD1-2", kind=Squad.Kind.TEAM, parent=tree.unit_a, area=tree.street
    )
    in_new_team = walk_to(submit(tree), "dispatched", users)
    Complaint.objects.filter(pk=in_new_team.pk).update(squad=new_team)
    assert not sees(in_team)
    assert sees(in_new_team)
    assert selectors.scope_of(user=_reloaded(leader)).ids == tuple(
        sorted([tree.unit_a.pk, new_team.pk])
    )


def test_the_query_is_compiled_once_for_each_kind_of_scope(tree, users, settings):
    settings.CASE_QUERY_COMPILED = True
    selectors._CASE_QUERIES.clear()
    first = walk_to(submit(tree), "dispatched", users)
    second = walk_to(submit(tree), "processing", users)
    for role in ("dispatcher", "supervisor", "squad_leader", "officer"):
        for case in (first, second):
            selectors.complaint_case_for(user=_reloaded(users[role]), pk=case.pk)
    # The desk shares one; the leader's two units one; the officer one.
    assert len(selectors._CASE_QUERIES) == 3


def test_the_compiled_timeline_is_the_orms(tree, users, settings):
    cases = _cases(tree, users)
    for name, case in cases.items():
        settings.CASE_QUERY_COMPILED = True
        compiled = selectors.timeline_for_staff(complaint=case)
        settings.CASE_QUERY_COMPILED = False
        assert compiled == selectors.timeline_for_staff(complaint=case), name
    # Actors, payloads and opinions all came through.
    rows = selectors.timeline_for_staff(complaint=cases["rejected"])
    assert len(rows) >= 2
    assert any(row.payload for row in rows) and any(row.opinion for row in rows)
    assert any(row.actor_name for row in rows)
