"""The staff's workflow moves by name, for the admin's action pages and the
staff API; each name leads to its own service (`desk`, `unit`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from citymgmt.errors import NotAllowed
from complaints.models import Action, Complaint
from complaints.services.desk import (
    complaint_accept,
    complaint_cancel,
    complaint_dispatch,
    complaint_merge,
    complaint_reject,
    complaint_rework,
    complaint_verify,
)
from complaints.services.unit import (
    complaint_assign,
    complaint_dispose,
    complaint_return,
    complaint_sign,
)

# The staff's moves by name, for the admin's action pages and the staff API.
ACTION_SERVICES: dict[str, Callable[..., Complaint]] = {
    Action.ACCEPT: complaint_accept,
    Action.REJECT: complaint_reject,
    Action.MERGE: complaint_merge,
    Action.DISPATCH: complaint_dispatch,
    Action.SIGN: complaint_sign,
    Action.ASSIGN: complaint_assign,
    Action.DISPOSE: complaint_dispose,
    Action.RETURN: complaint_return,
    Action.VERIFY: complaint_verify,
    Action.REWORK: complaint_rework,
    Action.CANCEL: complaint_cancel,
}


def action_inputs(action: str) -> frozenset[str]:
    """The inputs an action's service takes besides the case, the user and the
    status seen."""
    service = ACTION_SERVICES.get(action)
    if service is None:
        return frozenset()
    names = inspect.signature(service).parameters
    return frozenset(names) - {"complaint", "by", "expected_status"}


def complaint_act(
    *,
    action: str,
    complaint: Complaint,
    by: User,
    expected_status: str | None = None,
    **inputs: Any,
) -> Complaint:
    """Take a staff action by name (the admin's action pages, the staff API)."""
    service = ACTION_SERVICES.get(action)
    if service is None:
        raise NotAllowed(
            _("There is no action called “%(action)s”.") % {"action": action}
        )
    wanted = action_inputs(action)
    given = {name: value for name, value in inputs.items() if name in wanted}
    return service(complaint=complaint, by=by, expected_status=expected_status, **given)
