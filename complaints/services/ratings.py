"""The citizen's rating of a closed case (回访), which may reopen it (重办)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt.errors import InvalidInput, NotAllowed
from complaints import selectors
from complaints.models import Action, Complaint, Satisfaction
from complaints.services.events import event_record
from complaints.services.step import Change, step


@transaction.atomic
def complaint_rate(
    *, complaint: Complaint, satisfaction: str, comment: str = ""
) -> Complaint:
    """Record the citizen's rating; dissatisfied reopens the case once (重办)."""
    locked = Complaint.objects.select_for_update(no_key=True, of=("self",)).get(
        pk=complaint.pk
    )
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("Choose how satisfied you are."), field="satisfaction")
    if not selectors.rating_open(complaint=locked):
        raise NotAllowed(
            _(
                "This case can no longer be rated: it was rated already or "
                "closed too long ago."
            )
        )
    now = timezone.now()
    locked.satisfaction = satisfaction
    locked.rated_at = now
    locked.save(update_fields=["satisfaction", "rated_at", "updated_at"])
    event_record(
        locked,
        action=Action.RATE,
        by=None,
        opinion=comment.strip()[:500],
        payload={"satisfaction": satisfaction},
        at=now,
    )
    if satisfaction == Satisfaction.DISSATISFIED and locked.reopen_count == 0:
        locked = complaint_reopen(complaint=locked)
        locked.satisfaction = ""
        locked.save(update_fields=["satisfaction", "updated_at"])
    return locked


@transaction.atomic
def complaint_reopen(*, complaint: Complaint) -> Complaint:
    """Reopen a closed case for a dissatisfied citizen (重办), once."""
    return step(
        Action.REOPEN,
        complaint=complaint,
        by=None,
        apply=lambda locked, now: Change(
            fields={
                "reopen_count": locked.reopen_count + 1,
                "closed_at": None,
                "disposed_at": None,
            }
        ),
    )
