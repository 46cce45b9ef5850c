"""Staff writes beside the workflow: phone reveals and the reference tables."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt import phones, refdata
from citymgmt.errors import Forbidden, full_clean_or_refuse
from complaints import selectors
from complaints.models import (
    Action,
    Category,
    Complaint,
    ComplaintEvent,
    DeadlineRule,
)
from complaints.services.events import actor_role, event_record
from complaints.workflow import ACTIONS
from squads.roles import may_reveal_phones

logger = logging.getLogger(__name__)


@transaction.atomic
def complaint_reveal_phone(*, complaint: Complaint, by: User) -> str:
    """Show a citizen's full phone number to a permitted user, and log it."""
    if not may_reveal_phones(user=by):
        raise Forbidden(_("Your role may not see citizens' phone numbers."))
    event_record(complaint, action=Action.REVEAL_PHONE, by=by)
    return complaint.phone


# Cases per INSERT of export reveals.
REVEAL_BATCH = 2000


@transaction.atomic
def complaint_reveal_phones_exported(
    *, cases: Sequence[tuple[int, str]], by: User, export_id: int
) -> int:
    """Log full phone numbers written to an export: one reveal event per case.

    `cases` are the (id, status) pairs of the rows written; their events go
    in with one INSERT per REVEAL_BATCH. Returns how many were written.
    """
    if not may_reveal_phones(user=by):
        raise Forbidden(_("Your role may not see citizens' phone numbers."))
    event = {
        "action": Action.REVEAL_PHONE.value,
        "actor_id": by.pk,
        "role": actor_role(by),
        "is_public": ACTIONS[Action.REVEAL_PHONE].public,
        "payload": {"via": "export", "export": export_id},
        "created_at": timezone.now(),
    }
    for start in range(0, len(cases), REVEAL_BATCH):
        _insert_reveals(cases[start : start + REVEAL_BATCH], event)
    return len(cases)


def _insert_reveals(cases: Sequence[tuple[int, str]], event: dict) -> None:
    if connection.vendor != "postgresql":
        ComplaintEvent.objects.bulk_create(
            [
                ComplaintEvent(
                    complaint_id=pk, from_status=status, to_status=status, **event
                )
                for pk, status in cases
            ]
        )
        return
    # One statement from two arrays: building 2,000 events as model
    # instances cost more than writing the file (docs/benchmarks.md).
    table = connection.ops.quote_name(ComplaintEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (complaint_id, action, from_status, "  # noqa: S608
            "to_status, actor_id, role, opinion, is_public, payload, created_at) "
            "SELECT c.id, %s, c.status, c.status, %s, %s, '', %s, %s::jsonb, %s "
            "FROM unnest(%s::bigint[], %s::varchar[]) AS c(id, status)",
            [
                event["action"],
                event["actor_id"],
                event["role"],
                event["is_public"],
                json.dumps(event["payload"]),
                event["created_at"],
                [pk for pk, _status in cases],
                [status for _pk, status in cases],
            ],
        )


@transaction.atomic
def complaint_search(
    *, complaints: QuerySet[Complaint], term: str, by: User
) -> QuerySet[Complaint]:
    """Narrow a staff list to what was typed; a search by phone is logged as a reveal.

    Finding a case by its full number confirms the number, so only those who
    may reveal phones search by it, and each case found gets the same
    timeline entry a reveal writes.
    """
    by_phone = may_reveal_phones(user=by)
    found = complaints.filter(selectors.search_filter(term, by_phone=by_phone))
    phone = selectors.searched_phone(term)
    if phone is None or not by_phone:
        return found
    matched = list(found.order_by("pk"))
    for complaint in matched:
        event_record(
            complaint, action=Action.REVEAL_PHONE, by=by, payload={"via": "search"}
        )
    logger.info(
        "Phone search for %s by %s found %d case(s)",
        phones.mask(phone),
        by.get_username(),
        len(matched),
    )
    return found


@transaction.atomic
def category_save(*, category: Category) -> Category:
    """Validate and store a category edited by a supervisor."""
    full_clean_or_refuse(category)
    category.save()
    refdata.changed()
    return category


@transaction.atomic
def deadline_rule_save(*, rule: DeadlineRule) -> DeadlineRule:
    """Validate and store a deadline rule edited by a supervisor."""
    full_clean_or_refuse(rule)
    rule.save()
    refdata.changed()
    return rule
