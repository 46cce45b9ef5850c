"""Markets, stalls, hotspots, vendors, relocations and duty posts.

- `choices`: kinds, statuses and the actions a relocation's events record.
- `places`: markets, stalls, hotspots and their time windows.
- `people`: vendors (identity only with consent, always masked).
- `relocations`: the ledger, its events and the follow-up visits.
- `duty`: duty posts at hotspots and check-ins.
- `suggestions`: hotspots suggested by the complaints, for a leader to decide.
"""

from vendors.models.choices import (
    HOLDS_STALL,
    OPEN_RELOCATION,
    HotspotStatus,
    MarketKind,
    RelocationAction,
    RelocationStatus,
    StallStatus,
)
from vendors.models.duty import CheckIn, DutyPost
from vendors.models.people import Vendor, mask_identity
from vendors.models.places import Hotspot, HotspotWindow, Market, Stall
from vendors.models.relocations import FollowUp, Relocation, RelocationEvent
from vendors.models.suggestions import HotspotSuggestion, SuggestionStatus

__all__ = [
    "HOLDS_STALL",
    "OPEN_RELOCATION",
    "CheckIn",
    "DutyPost",
    "FollowUp",
    "Hotspot",
    "HotspotStatus",
    "HotspotSuggestion",
    "HotspotWindow",
    "Market",
    "MarketKind",
    "Relocation",
    "RelocationAction",
    "RelocationEvent",
    "RelocationStatus",
    "Stall",
    "StallStatus",
    "SuggestionStatus",
    "Vendor",
    "mask_identity",
]

# The public finder's stall requests (a module of their own).
from vendors.models.requests import (  # noqa: E402
    StallRequest,
    StallRequestSequence,
    StallRequestStatus,
)

__all__ += ["StallRequest", "StallRequestSequence", "StallRequestStatus"]
