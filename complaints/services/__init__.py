"""Every write to complaints; views, the admin, the API, tasks and the demo call
these and nothing else.

- `intake`: filing a complaint (`complaint_submit`), references, photos.
- `actions`: one service per workflow action, through one locked step.
- `ratings`: the citizen's rating, which may reopen the case.
- `extensions`: 延期 requests and decisions.
- `staff`: phone reveals, categories and deadline rules.
"""

from complaints.services.actions import (
    ACTION_SERVICES,
    action_inputs,
    complaint_accept,
    complaint_act,
    complaint_assign,
    complaint_cancel,
    complaint_dispatch,
    complaint_dispose,
    complaint_merge,
    complaint_reject,
    complaint_reopen,
    complaint_return,
    complaint_rework,
    complaint_sign,
    complaint_verify,
)
from complaints.services.extensions import extension_decide, extension_request
from complaints.services.intake import (
    attachment_add,
    complaint_submit,
    complaint_submit_refusal,
    reference_next,
)
from complaints.services.ratings import complaint_rate
from complaints.services.staff import (
    category_save,
    complaint_reveal_phone,
    deadline_rule_save,
)

__all__ = [
    "ACTION_SERVICES",
    "action_inputs",
    "attachment_add",
    "category_save",
    "complaint_accept",
    "complaint_act",
    "complaint_assign",
    "complaint_cancel",
    "complaint_dispatch",
    "complaint_dispose",
    "complaint_merge",
    "complaint_rate",
    "complaint_reject",
    "complaint_reopen",
    "complaint_return",
    "complaint_reveal_phone",
    "complaint_rework",
    "complaint_sign",
    "complaint_submit",
    "complaint_submit_refusal",
    "complaint_verify",
    "deadline_rule_save",
    "extension_decide",
    "extension_request",
    "reference_next",
]
