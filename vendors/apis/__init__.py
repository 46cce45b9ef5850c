"""The vendors API: the public market finder and the anonymous stall request."""

from vendors.apis.public import MarketDetailApi, MarketListApi, StallRequestApi

__all__ = ["MarketDetailApi", "MarketListApi", "StallRequestApi"]
