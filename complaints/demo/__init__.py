"""Demo complaints for `manage.py seed_demo`: about 200 cases over the last 90 days.

Runs after the squads demo data (青州市, 370781). Every case is filed and moved
through the workflow by complaints.services with the demo users, then its
timestamps are moved back to a plausible past (each stage minutes, hours or
days after the previous one) and its reference rewritten to the day it was
filed, keeping DailySequence ahead of the demo numbers. Deterministic: the
same random seed gives the same cases. A second run leaves complaints alone.
"""

from complaints.demo.builder import DemoComplaints, seed

__all__ = ["DemoComplaints", "seed"]
