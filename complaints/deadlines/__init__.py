"""Working-time deadlines of complaints.

- `clock`: the due moment of each clocked stage on the working-day calendar,
  and the writes that set it (`schedule` after an action, `extend` after an
  approved extension, `replay`/`backfill` from the event history).
- `sweep`: the periodic sweep that sends each reminder, overdue notice and
  escalation that is due, once, and who hears of it.
- `digests`: the morning digest of each unit leader and the supervisors'
  overdue summary.
- `display`: how much time a case has left, as people read it (the admin's
  deadline badge); reads the stored moments only.

The names the services, tasks, commands and tests call are re-exported here.
"""

from complaints.deadlines.clock import (
    SCHEDULE_FIELDS,
    STAGE_OF_STATUS,
    backfill,
    current_stage,
    extend,
    replay,
    schedule,
)
from complaints.deadlines.digests import morning_digest, overdue_summary
from complaints.deadlines.sweep import SweepReport, sweep

__all__ = [
    "SCHEDULE_FIELDS",
    "STAGE_OF_STATUS",
    "SweepReport",
    "backfill",
    "current_stage",
    "extend",
    "morning_digest",
    "overdue_summary",
    "replay",
    "schedule",
    "sweep",
]
