"""Every write of the vendors app: one service per action.

- `places`: `market_save`, `stall_save`.
- `people`: `vendor_save`.
- `relocations`: the ledger's moves through `step` (lock, check, apply, record).
- `hotspots`: hotspots, their windows, duty posts and check-ins.
- `requests`: the public stall request (filing, tracking, staff status moves).
"""

from vendors.services.hotspots import (
    Window,
    checkin_record,
    duty_post_save,
    hotspot_activate,
    hotspot_clear,
    hotspot_link_complaints,
    hotspot_open,
    hotspot_save,
    hotspot_window_delete,
    hotspot_window_save,
)
from vendors.services.people import vendor_save
from vendors.services.places import market_save, stall_save
from vendors.services.relocations import (
    followup_record,
    relocation_accept,
    relocation_decline,
    relocation_link_complaint,
    relocation_mark_returned,
    relocation_mark_stable,
    relocation_move_in,
    relocation_offer,
)

# The admin's action pages take a relocation move by name.
RELOCATION_SERVICES = {
    "accept": relocation_accept,
    "move_in": relocation_move_in,
    "mark_stable": relocation_mark_stable,
    "mark_returned": relocation_mark_returned,
    "decline": relocation_decline,
}

__all__ = [
    "RELOCATION_SERVICES",
    "Window",
    "checkin_record",
    "duty_post_save",
    "followup_record",
    "hotspot_activate",
    "hotspot_clear",
    "hotspot_link_complaints",
    "hotspot_open",
    "hotspot_save",
    "hotspot_window_delete",
    "hotspot_window_save",
    "market_save",
    "relocation_accept",
    "relocation_decline",
    "relocation_link_complaint",
    "relocation_mark_returned",
    "relocation_mark_stable",
    "relocation_move_in",
    "relocation_offer",
    "stall_save",
    "vendor_save",
]
