"""The vendors API: the public market finder, the anonymous stall request, and
the staff's relocation ledger."""

from vendors.apis.public import MarketDetailApi, MarketListApi, StallRequestApi
from vendors.apis.staff import (
    RelocationDetailApi,
    RelocationFollowUpApi,
    RelocationListApi,
)

__all__ = [
    "MarketDetailApi",
    "MarketListApi",
    "RelocationDetailApi",
    "RelocationFollowUpApi",
    "RelocationListApi",
    "StallRequestApi",
]
