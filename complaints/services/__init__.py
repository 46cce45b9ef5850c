"""Every write to complaints; views, the admin, the API, tasks and the demo call
these and nothing else.

- `intake`: filing a complaint (`complaint_submit`), references, photos.
- `step`: the one locked step every workflow move goes through.
- `desk`, `unit`: one service per workflow action (the desk's, the unit's).
- `actions`: the staff's moves by name, for the admin and the staff API.
- `ratings`: the citizen's rating, which may reopen the case (`complaint_reopen`).
- `extensions`: 延期 requests and decisions.
- `staff`: phone reveals, categories and deadline rules.
- `tracking`: the citizen's reference and last 4 digits, locked after wrong ones.
- `outcomes`: what another app records on a case (a vendor guided into a market).
"""

from complaints.services.actions import ACTION_SERVICES, action_inputs, complaint_act
from complaints.services.desk import (
    complaint_accept,
    complaint_cancel,
    complaint_dispatch,
    complaint_merge,
    complaint_reject,
    complaint_rework,
    complaint_verify,
)
from complaints.services.extensions import extension_decide, extension_request
from complaints.services.intake import (
    attachment_add,
    complaint_submit,
    complaint_submit_refusal,
    reference_number,
)
from complaints.services.outcomes import complaint_relocation_record
from complaints.services.ratings import complaint_rate, complaint_reopen
from complaints.services.staff import (
    category_save,
    complaint_reveal_phone,
    complaint_reveal_phones_exported,
    complaint_search,
    deadline_rule_save,
)
from complaints.services.tracking import complaint_track
from complaints.services.unit import (
    complaint_assign,
    complaint_dispose,
    complaint_return,
    complaint_sign,
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
    "complaint_relocation_record",
    "complaint_reopen",
    "complaint_return",
    "complaint_reveal_phone",
    "complaint_reveal_phones_exported",
    "complaint_rework",
    "complaint_search",
    "complaint_track",
    "complaint_sign",
    "complaint_submit",
    "complaint_submit_refusal",
    "complaint_verify",
    "deadline_rule_save",
    "extension_decide",
    "extension_request",
    "reference_number",
]
