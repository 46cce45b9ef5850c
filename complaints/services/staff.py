"""Staff writes beside the workflow: phone reveals and the reference tables."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from citymgmt.errors import Forbidden, full_clean_or_refuse
from complaints.models import Action, Category, Complaint, DeadlineRule
from complaints.services.events import event_record


@transaction.atomic
def complaint_reveal_phone(*, complaint: Complaint, by: User) -> str:
    """Show a citizen's full phone number to a permitted user, and log it."""
    if not by.has_perm("complaints.reveal_phone"):
        raise Forbidden(_("Your role may not see citizens' phone numbers."))
    event_record(complaint, action=Action.REVEAL_PHONE, by=by)
    return complaint.phone


@transaction.atomic
def category_save(*, category: Category) -> Category:
    """Validate and store a category edited by a supervisor."""
    full_clean_or_refuse(category)
    category.save()
    return category


@transaction.atomic
def deadline_rule_save(*, rule: DeadlineRule) -> DeadlineRule:
    """Validate and store a deadline rule edited by a supervisor."""
    full_clean_or_refuse(rule)
    rule.save()
    return rule
