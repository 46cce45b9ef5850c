"""The complaints REST API: public intake and tracking, the staff list and actions.

Each operation is one class with nested input and output serializers; the
reads come from `complaints.selectors`, the writes from `complaints.services`,
and refusals of the workflow become HTTP answers in `citymgmt.exceptions`.
"""

from complaints.apis.actions import ComplaintActionApi
from complaints.apis.public import CategoryApi, ComplaintRateApi, ComplaintTrackApi
from complaints.apis.staff import ComplaintDetailApi, ComplaintListApi

__all__ = [
    "CategoryApi",
    "ComplaintActionApi",
    "ComplaintDetailApi",
    "ComplaintListApi",
    "ComplaintRateApi",
    "ComplaintTrackApi",
]
