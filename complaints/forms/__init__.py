"""Public forms: file a complaint (`intake`), track and rate it (`tracking`).

Forms read what the citizen typed and turn it into the arguments of a
service; the rules stay in `complaints.services`.
"""

from complaints.forms.intake import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    HONEYPOT,
    ComplaintForm,
    DescriptionField,
    initial_from,
    photo_limits,
    preset_area,
)
from complaints.forms.tracking import COMMENT_MAX, RateForm, TrackForm

__all__ = [
    "COMMENT_MAX",
    "DESCRIPTION_MAX",
    "DESCRIPTION_MIN",
    "HONEYPOT",
    "ComplaintForm",
    "DescriptionField",
    "RateForm",
    "TrackForm",
    "initial_from",
    "photo_limits",
    "preset_area",
]
