"""Validators the squads models name in their migrations.

Phone numbers live in `citymgmt.phones`. The migrations of squads and
complaints refer to `squads.validators.validate_mobile` by its dotted path,
and a migration must keep importing as it was written, so the name stays
here as a re-export; new code imports from `citymgmt.phones`.
"""

from __future__ import annotations

from citymgmt.phones import validate_mobile

__all__ = ["validate_mobile"]
