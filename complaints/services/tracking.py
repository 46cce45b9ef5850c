"""The citizen's proof of knowing a case: a reference and its phone's last 4 digits.

Four digits are guessable, so wrong ones are counted per reference, whatever
address they come from: after COMPLAINT_TRACK_FAILURES (5 an hour) the
reference is locked until the window ends, and the right digits are refused
too meanwhile. A reference that does not exist is counted and locked the same
way, with the same messages and the same queries, so the lock tells nothing
about which references exist.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import ngettext

from citymgmt import ratelimit
from citymgmt.errors import TooManyAttempts
from complaints import selectors
from complaints.models import Complaint

logger = logging.getLogger(__name__)

FAILURE_SCOPE = "complaint-track-failures"


def reference_locked(retry_after: int) -> TooManyAttempts:
    """The refusal while a reference is locked after wrong last-4 digits (the
    complaint's and the stall request's tracking say the same)."""
    minutes = max(1, math.ceil(retry_after / 60))
    at = timezone.localtime() + timedelta(seconds=retry_after)
    return TooManyAttempts(
        ngettext(
            "Too many wrong digits were typed for this reference. For your "
            "safety it is locked: try again in %(minutes)d minute (after "
            "%(time)s).",
            "Too many wrong digits were typed for this reference. For your "
            "safety it is locked: try again in %(minutes)d minutes (after "
            "%(time)s).",
            minutes,
        )
        % {"minutes": minutes, "time": at.strftime("%H:%M")},
        retry_after=retry_after,
    )


@transaction.atomic
def complaint_track(
    *, reference: str, phone_last4: str, client: str
) -> Complaint | None:
    """Find the case for a reference and last 4 digits; count a miss against it.

    Raises TooManyAttempts while the reference is locked; None is a miss.
    """
    rate = settings.COMPLAINT_TRACK_FAILURES
    verdict = ratelimit.failures(FAILURE_SCOPE, reference, rate)
    if not verdict.allowed:
        logger.warning(
            "Tracking refused: reference %s is locked after wrong last-4 digits "
            "(client %s, %d s left)",
            reference,
            client,
            verdict.retry_after,
        )
        raise reference_locked(verdict.retry_after)
    complaint = selectors.complaint_for_tracking(
        reference=reference, phone_last4=phone_last4
    )
    if complaint is not None:
        return complaint
    # Also run when no case has the reference: the same work either way.
    Complaint.objects.filter(reference=reference).update(
        tracking_failures=F("tracking_failures") + 1
    )
    after = ratelimit.fail(FAILURE_SCOPE, reference, rate)
    if not after.allowed:
        logger.warning(
            "Tracking locked: reference %s had %d wrong last-4 digits within %d s "
            "(last from client %s)",
            reference,
            rate[0],
            rate[1],
            client,
        )
    return None
