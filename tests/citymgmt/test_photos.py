"""Photos are checked by their content, re-encoded and stored without metadata."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override
from PIL import Image

from citymgmt.photos import prepare_photo, prepare_photos
from tests.complaints.factories import GPS_IFD, jpeg_bytes, submit, upload


def test_gps_and_all_other_exif_are_gone_from_the_stored_photo(tree):
    original = jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    complaint = submit(tree, photos=[prepare_photo(upload(original))])
    stored = complaint.attachments.get()
    with stored.file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert "exif" not in image.info
    assert (stored.width, stored.height) == (640, 480)
    with stored.thumbnail.open("rb") as handle:
        assert max(Image.open(handle).size) == 320


def test_a_php_script_renamed_jpg_is_refused():
    with override("en"), pytest.raises(ValidationError) as refused:
        prepare_photo(upload(b"<?php system($_GET['c']); ?>", "shell.jpg"))
    assert refused.value.messages == ["“shell.jpg” is not a JPEG, PNG or WebP photo."]


def test_a_30_mb_file_is_refused_before_it_is_decoded():
    with override("en"), pytest.raises(ValidationError) as refused:
        prepare_photo(upload(b"\xff\xd8\xff" + b"0" * (30 * 1024 * 1024), "big.jpg"))
    assert refused.value.messages == [
        "“big.jpg” is 30.0 MB; a photo may be at most 10 MB."
    ]


def test_a_20000_by_20000_pixel_image_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
    assert buffer.tell() < 10 * 1024 * 1024  # small on disk, huge in memory
    with override("en"), pytest.raises(ValidationError) as refused:
        prepare_photo(upload(buffer.getvalue(), "bomb.png", "image/png"))
    assert refused.value.messages == [
        "“bomb.png” has 400 megapixels; a photo may have at most 40 megapixels."
    ]


def test_png_with_transparency_and_webp_are_accepted_as_jpeg():
    for fmt, mode in (("PNG", "RGBA"), ("WEBP", "RGB")):
        buffer = io.BytesIO()
        Image.new(mode, (100, 80), (10, 20, 30, 0) if mode == "RGBA" else "blue").save(
            buffer, fmt
        )
        prepared = prepare_photo(upload(buffer.getvalue(), f"x.{fmt.lower()}"))
        assert Image.open(io.BytesIO(prepared.data)).format == "JPEG"
        assert (prepared.width, prepared.height) == (100, 80)


def test_gif_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    with pytest.raises(ValidationError):
        prepare_photo(upload(buffer.getvalue(), "a.gif", "image/gif"))


def test_at_most_six_photos_and_every_bad_file_is_named():
    with override("en"), pytest.raises(ValidationError) as refused:
        prepare_photos([upload(jpeg_bytes()) for _ in range(7)])
    assert refused.value.messages == ["At most 6 photos; you chose 7."]
    with override("en"), pytest.raises(ValidationError) as refused:
        prepare_photos([upload(b"nope", "a.jpg"), upload(b"nada", "b.jpg")])
    assert len(refused.value.messages) == 2
    assert "a.jpg" in refused.value.messages[0]
