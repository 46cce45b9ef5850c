"""The desk's moves (受理派遣 and 核查): accept, reject, merge, dispatch, verify,
rework, cancel. Each says what it changes; `step` does the rest."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from citymgmt.errors import InvalidInput
from complaints.deadlines import durations
from complaints.models import Action, Category, Complaint
from complaints.services.step import Change, step
from squads.models import Squad


@transaction.atomic
def complaint_accept(
    *,
    complaint: Complaint,
    by: User,
    category: Category | None = None,
    priority: str = "",
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Accept and register a submitted case (受理立案), reclassifying it if needed."""

    def apply(locked: Complaint, now: datetime) -> Change:
        change = Change(
            fields={
                "accepted_at": now,
                "accept_working_seconds": durations.accept_seconds(
                    submitted_at=locked.submitted_at, at=now
                ),
            }
        )
        if category is not None and category.pk != locked.category_id:
            if not category.is_active:
                raise InvalidInput(
                    _("That category is no longer in use; choose another."),
                    field="category",
                )
            change.payload["category"] = {
                "from": locked.category.code,
                "to": category.code,
            }
            change.fields["category"] = category
        if priority:
            change.fields["priority"] = priority
        return change

    return step(
        Action.ACCEPT,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=apply,
    )


@transaction.atomic
def complaint_reject(
    *,
    complaint: Complaint,
    by: User,
    opinion: str = "",
    referral_to: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Refuse a submitted case, naming the department that handles it if any."""

    def apply(locked: Complaint, now: datetime) -> Change:
        department = (referral_to or locked.category.referral_to).strip()
        return Change(
            fields={"referral_to": department, "closed_at": now},
            payload={"referral_to": department},
        )

    return step(
        Action.REJECT,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=apply,
    )


@transaction.atomic
def complaint_merge(
    *,
    complaint: Complaint,
    by: User,
    duplicate_of: Complaint | None = None,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Close a case as a duplicate of an earlier one (the chain's first case)."""

    def apply(locked: Complaint, now: datetime) -> Change:
        if duplicate_of is None:
            raise InvalidInput(
                _("Choose the case this one duplicates."), field="duplicate_of"
            )
        # Read the other case afresh: it may have been merged meanwhile.
        other = Complaint.objects.get(pk=duplicate_of.pk)
        original = other.duplicate_of or other
        if original.pk == locked.pk:
            raise InvalidInput(
                _("A case cannot duplicate itself."), field="duplicate_of"
            )
        return Change(
            fields={"duplicate_of": original, "closed_at": now},
            payload={"duplicate_of": original.reference},
        )

    return step(
        Action.MERGE,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=apply,
    )


@transaction.atomic
def complaint_dispatch(
    *,
    complaint: Complaint,
    by: User,
    squad: Squad | None = None,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Send a registered case to a unit: the one proposed, or the one chosen."""

    def apply(locked: Complaint, now: datetime) -> Change:
        target = squad or locked.squad
        if target is None:
            raise InvalidInput(_("Choose the unit to dispatch to."), field="squad")
        if not target.is_active:
            raise InvalidInput(_("That unit is not in service."), field="squad")
        change = Change(payload={"squad": {"code": target.code, "name": target.name}})
        if locked.squad_id != target.pk:
            change.fields["assignee"] = None
        change.fields.update(squad=target, dispatched_at=now)
        return change

    return step(
        Action.DISPATCH,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=apply,
    )


@transaction.atomic
def complaint_verify(
    *,
    complaint: Complaint,
    by: User,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Check the handling and close the case (核查结案)."""
    return step(
        Action.VERIFY,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=lambda locked, now: Change(fields={"closed_at": now}),
    )


@transaction.atomic
def complaint_rework(
    *,
    complaint: Complaint,
    by: User,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Send a handled case back to the unit for more work (返工)."""
    return step(
        Action.REWORK,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=lambda locked, now: Change(
            fields={"rework_count": locked.rework_count + 1, "disposed_at": None}
        ),
    )


@transaction.atomic
def complaint_cancel(
    *,
    complaint: Complaint,
    by: User,
    opinion: str = "",
    expected_status: str | None = None,
) -> Complaint:
    """Cancel an open case (a supervisor's decision, with the reason)."""
    return step(
        Action.CANCEL,
        complaint=complaint,
        by=by,
        expected_status=expected_status,
        opinion=opinion,
        apply=lambda locked, now: Change(fields={"closed_at": now}),
    )
