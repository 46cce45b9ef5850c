"""Builders for complaints tests: Pillow photos, cases moved by the services."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from citymgmt.photos import PreparedPhoto, prepare_photo
from complaints.models import Category, Complaint, Status
from complaints.services import complaint_act, complaint_submit
from complaints.workflow import TRANSITIONS
from tests.complaints.clock import frozen

GPS_IFD = 0x8825


def jpeg_bytes(*, size=(640, 480), color="orange", gps: bool = False) -> bytes:
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (36.0, 41.0, 12.5), 3: "E"})
        image.save(buffer, "JPEG", exif=exif.tobytes())
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def photo(color: str = "orange") -> PreparedPhoto:
    return prepare_photo(upload(jpeg_bytes(color=color)))


# The phone a submitted case gives, unless told otherwise.
PHONE = "13912345678"
DEFAULT = object()


def submit(tree, *, code: str = "09006", community=DEFAULT, **extra) -> Complaint:
    fields = {
        "category": Category.objects.get(code=code),
        "description": "放学时间校门口有流动摊贩占道经营，影响学生通行。",
        "address": "西苑小学东门",
        "phone": PHONE,
        "community": tree.community_a if community is DEFAULT else community,
        "citizen_name": "张女士",
    }
    fields.update(extra)
    return complaint_submit(**fields)


def fresh(complaint: Complaint) -> Complaint:
    """The complaint as the database has it now."""
    return Complaint.objects.get(pk=complaint.pk)


def move(complaint, action, by, when, **inputs) -> Complaint:
    """One workflow action by a user, taken with the clock stopped at when."""
    with frozen(when):
        return complaint_act(complaint=complaint, action=action, by=by, **inputs)


# The users who walk a case to each status, and the inputs each step needs.
WALK = [
    ("accept", "dispatcher", {}),
    ("dispatch", "dispatcher", {}),
    ("sign", "squad_leader", {}),
    (
        "dispose",
        "squad_leader",
        {"method": "service", "result": "已引导摊贩进入便民市场经营。"},
    ),
    ("verify", "dispatcher", {}),
]
STATUS_AFTER = {
    "accept": "registered",
    "dispatch": "dispatched",
    "sign": "processing",
    "dispose": "disposed",
    "verify": "closed",
}


def walk_to(complaint: Complaint, status: str, users: dict) -> Complaint:
    """Move a submitted complaint through the loop until it reaches status."""
    for action, who, inputs in WALK:
        if complaint.status == status:
            break
        if complaint.status not in TRANSITIONS[action].sources:
            continue
        if action == "dispose":
            inputs = {
                **inputs,
                "photos_before": [photo("gray")],
                "photos_after": [photo("green")],
            }
        complaint = complaint_act(
            complaint=complaint, action=action, by=users[who], **inputs
        )
    assert complaint.status == status
    return complaint


def walk_to_by_one(complaint: Complaint, status: str, *, by, officer=None) -> Complaint:
    """Move a submitted case along the main line until it reaches status.

    One user (by) takes every step; when an officer is given, the case is
    assigned to them right after dispatch, so they see it from then on.
    Disposal goes without photos, so the category must not ask for them.
    """
    steps = [
        ("accept", {}),
        ("dispatch", {}),
        ("assign", {"assignee": officer}),
        ("sign", {}),
        ("dispose", {"method": "service", "result": "已引导摊贩入市经营。"}),
        ("verify", {}),
    ]
    for action, inputs in steps:
        if action == "assign":
            if officer is None or complaint.status != Status.DISPATCHED:
                continue
        elif complaint.status == status:
            break
        if action == "dispose" and complaint.category.requires_disposal_photos:
            raise AssertionError("walk_to_by_one disposes without photos")
        complaint = complaint_act(complaint=complaint, action=action, by=by, **inputs)
    assert complaint.status == status
    return complaint


FORM_DESCRIPTION = "每天放学时西苑小学东门有流动摊贩占道，孩子们只能走到机动车道上。"


def form_data(tree, **overrides) -> dict[str, str]:
    """What a citizen posts to the form; an override of None leaves a field out."""
    data = {
        "request_type": "complaint",
        "category": str(Category.objects.get(code="09006").pk),
        "description": FORM_DESCRIPTION,
        "address": "西苑小学东门",
        "street": str(tree.street.pk),
        "community": str(tree.community_a.pk),
        "latitude": "",
        "longitude": "",
        "citizen_name": "张女士",
        "phone": "139 1234 5678",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
