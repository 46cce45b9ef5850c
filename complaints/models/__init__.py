"""Categories, complaints, their audit trail and their photos.

- `choices`: statuses, stages, channels, request types, the 721 methods,
  ratings and the event actions.
- `categories`: categories and deadline rules.
- `complaint`: the complaint and its daily reference counter.
- `records`: events, attachments, extension requests and reminders.
"""

from complaints.models.categories import (
    DEFAULT_REMINDER_THRESHOLDS,
    MAX_RULE_DAYS,
    MAX_RULE_HOURS,
    Category,
    DeadlineRule,
    parse_thresholds,
)
from complaints.models.choices import (
    OPEN_STATUSES,
    Action,
    Channel,
    Method,
    RequestType,
    Satisfaction,
    Stage,
    Status,
)
from complaints.models.complaint import Complaint, DailySequence
from complaints.models.records import (
    Attachment,
    ComplaintEvent,
    ExtensionRequest,
    Reminder,
    attachment_path,
)

__all__ = [
    "DEFAULT_REMINDER_THRESHOLDS",
    "MAX_RULE_DAYS",
    "MAX_RULE_HOURS",
    "OPEN_STATUSES",
    "Action",
    "Attachment",
    "Category",
    "Channel",
    "Complaint",
    "ComplaintEvent",
    "DailySequence",
    "DeadlineRule",
    "ExtensionRequest",
    "Method",
    "Reminder",
    "RequestType",
    "Satisfaction",
    "Stage",
    "Status",
    "attachment_path",
    "parse_thresholds",
]
