"""Hostile or broken photos, text and bodies on the complaint form and API (issue 8).

A photo with malformed EXIF is filed without rotation; a polyglot's comment
never reaches the stored files; photos are bounded per request; invisible
text, booleans as coordinates and foreign charsets are refused; truncated or
unreadable bodies file nothing and answer in Chinese (page or API format).
"""

from __future__ import annotations

import functools
import io
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Attachment, Category, Complaint
from tests.complaints.test_api import payload

LIST = "/api/v1/complaints/"
NEW = "/complaints/new/"
DESCRIPTION = "每天放学时西苑小学东门有流动摊贩占道，孩子们只能走到机动车道上。"
pytestmark = pytest.mark.usefixtures("empty_cache", "media_root")


def form_data(tree, **overrides) -> dict:
    data = {
        "request_type": "complaint",
        "category": str(Category.objects.get(code="09006").pk),
        "description": DESCRIPTION,
        "address": "西苑小学东门",
        "street": str(tree.street.pk),
        "community": str(tree.community_a.pk),
        "citizen_name": "张女士",
        "phone": "139 1234 5678",
        "consent": "on",
    }
    data.update(overrides)
    return data


def api_data(**overrides) -> dict:
    data = payload(**overrides)
    data.pop("latitude")
    data.pop("longitude")
    return data


def stored_bytes(attachment: Attachment) -> tuple[bytes, bytes]:
    with attachment.file.open("rb") as photo, attachment.thumbnail.open("rb") as thumb:
        return photo.read(), thumb.read()


# A photo whose EXIF Pillow trips over (issue 8, item 7)


def _tiff(entries: list[tuple[int, int, int, bytes]]) -> bytes:
    """A little-endian TIFF header and one IFD, written by hand."""
    out = b"II*\x00" + struct.pack("<IH", 8, len(entries))
    for tag, kind, count, value in entries:
        out += struct.pack("<HHI", tag, kind, count) + value
    return out + struct.pack("<I", 0)


def _with_app1_exif(jpeg: bytes, tiff: bytes) -> bytes:
    segment = b"Exif\x00\x00" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(segment) + 2) + segment
    return jpeg[:2] + app1 + jpeg[2:]


def malformed_exif_jpeg(name: str = "bad-exif.jpg") -> SimpleUploadedFile:
    """A 64 × 48 red JPEG saying "rotate 90°", with XResolution given as text.

    Turning it makes Pillow rewrite the EXIF, and the text where a number
    belongs raises TypeError inside `ImageOps.exif_transpose`.
    """
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 10, 10)).save(buffer, "JPEG")
    tiff = _tiff(
        [
            (0x0112, 3, 1, struct.pack("<HH", 6, 0)),  # Orientation: rotate 90°
            (0x011A, 2, 4, b"ab\x00\x00"),  # XResolution as ASCII
        ]
    )
    return SimpleUploadedFile(
        name, _with_app1_exif(buffer.getvalue(), tiff), content_type="image/jpeg"
    )


def test_the_form_files_a_photo_with_malformed_exif_unrotated(citizen, tree):
    response = citizen.post(NEW, {**form_data(tree), "photos": [malformed_exif_jpeg()]})

    assert response.status_code == 302
    attachment = Complaint.objects.get().attachments.get()
    data, _thumb = stored_bytes(attachment)
    image = Image.open(io.BytesIO(data))
    assert image.size == (64, 48)  # as stored, the orientation ignored
    red, green, blue = image.convert("RGB").getpixel((32, 24))
    assert red > 150 and green < 60 and blue < 60


def test_the_api_files_a_photo_with_malformed_exif_unrotated(citizen, tree):
    response = citizen.post(LIST, api_data(photos=[malformed_exif_jpeg()]))

    assert response.status_code == 201, response.content
    attachment = Complaint.objects.get().attachments.get()
    assert (attachment.width, attachment.height) == (64, 48)


# Pixels only in the stored files (issue 8, item 9)

PAYLOADS = [b"<?php system($_GET[1]); ?>", b"<script>alert(1)</script>"]


def _segments(jpeg: bytes) -> list[int]:
    """The markers of a JPEG's segments before the image data."""
    markers, at = [], 2
    while at < len(jpeg) and jpeg[at] == 0xFF:
        marker = jpeg[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the pixels follow
            break
        (length,) = struct.unpack(">H", jpeg[at + 2 : at + 4])
        at += 2 + length
    return markers


def polyglot_jpeg() -> SimpleUploadedFile:
    """A real JPEG carrying a script in a comment, an ICC profile and XMP."""
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), "navy").save(
        buffer,
        "JPEG",
        comment=b" ".join(PAYLOADS),
        icc_profile=b"\0" * 128 + b"<script>icc</script>",
        xmp=b"<x:xmpmeta><script>xmp</script></x:xmpmeta>",
    )
    data = buffer.getvalue()
    assert all(p in data for p in PAYLOADS)
    return SimpleUploadedFile("polyglot.jpg", data, content_type="image/jpeg")


@pytest.mark.parametrize("way", ["form", "api"])
def test_a_comment_payload_reaches_neither_the_photo_nor_the_thumbnail(
    citizen, tree, way
):
    if way == "form":
        response = citizen.post(NEW, {**form_data(tree), "photos": [polyglot_jpeg()]})
        assert response.status_code == 302
    else:
        response = citizen.post(LIST, api_data(photos=[polyglot_jpeg()]))
        assert response.status_code == 201

    attachment = Complaint.objects.get().attachments.get()
    for stored in stored_bytes(attachment):
        assert b"<?php" not in stored
        assert b"<script" not in stored
        assert b"xmpmeta" not in stored
        # SOI aside: the encoder's own JFIF header, tables, frame and scan.
        assert 0xFE not in _segments(stored)  # no comment
        assert [m for m in _segments(stored) if 0xE1 <= m <= 0xEF] == []
        assert Image.open(io.BytesIO(stored)).info.get("comment") is None


# Pixels per request (issue 8, item 12)


@functools.cache
def _thirty_six_megapixels() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (7360, 4912), "gray").save(buffer, "JPEG", quality=10)
    return buffer.getvalue()


def six_big_photos() -> list[SimpleUploadedFile]:
    data = _thirty_six_megapixels()
    return [
        SimpleUploadedFile(f"big{i}.jpg", data, content_type="image/jpeg")
        for i in range(6)
    ]


def test_six_36_megapixel_photos_are_refused_on_the_form_with_the_text_kept(
    citizen, tree
):
    response = citizen.post(NEW, {**form_data(tree), "photos": six_big_photos()})

    html = response.content.decode()
    assert response.status_code == 200
    assert "这些照片合计 216 百万像素" in html
    assert "最多 100 百万像素" in html
    assert DESCRIPTION in html
    assert 'value="西苑小学东门"' in html
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()


def test_six_36_megapixel_photos_are_refused_by_the_api(citizen, tree):
    response = citizen.post(LIST, api_data(photos=six_big_photos()))

    assert response.status_code == 400
    assert "最多 100 百万像素" in response.json()["photos"][0]
    assert not Complaint.objects.exists()


def test_photos_within_the_total_are_filed(citizen, tree, settings):
    settings.PHOTO_MAX_TOTAL_PIXELS = 36_200_000
    photos = six_big_photos()[:1]

    response = citizen.post(NEW, {**form_data(tree), "photos": photos})

    assert response.status_code == 302
    assert Complaint.objects.get().attachments.count() == 1
