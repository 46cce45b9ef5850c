"""Hostile or broken photos, text and bodies on the complaint form and API (issue 8).

A photo with malformed EXIF is filed without rotation; a polyglot's comment
never reaches the stored files; photos are bounded per request; invisible
text, booleans as coordinates and foreign charsets are refused; truncated or
unreadable bodies file nothing and answer in Chinese (page or API format).
"""

from __future__ import annotations

import functools
import io
import json
import re
import socket
import struct
from http.cookies import SimpleCookie
from urllib.parse import quote, urlsplit
from urllib.request import urlopen

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Attachment, Complaint
from tests.complaints.factories import FORM_DESCRIPTION, form_data
from tests.complaints.test_api import payload

LIST = "/api/v1/complaints/"
NEW = "/complaints/new/"
DESCRIPTION = FORM_DESCRIPTION
pytestmark = pytest.mark.usefixtures("empty_cache", "media_root")


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


# Invisible text, booleans as coordinates, foreign charsets (issue 8, item 11)

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", " \u3000\t"]


@pytest.mark.parametrize(
    "char", INVISIBLE, ids=[f"U+{ord(c[0]):04X}" for c in INVISIBLE]
)
def test_a_description_of_invisible_characters_is_refused_on_the_form(
    citizen, tree, char
):
    response = citizen.post(NEW, form_data(tree, description=char * 20))

    html = response.content.decode()
    assert response.status_code == 200
    assert "请用至少 10 个字描述问题。" in html
    assert 'value="西苑小学东门"' in html
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "char", INVISIBLE, ids=[f"U+{ord(c[0]):04X}" for c in INVISIBLE]
)
def test_a_description_of_invisible_characters_is_refused_by_the_api(
    citizen, tree, char
):
    response = citizen.post(
        LIST, payload(description=char * 20), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["description"] == ["请用至少 10 个字描述问题。"]
    assert not Complaint.objects.exists()


def test_an_address_of_zero_width_spaces_is_refused(citizen, tree):
    response = citizen.post(
        LIST, payload(address="\u200b" * 5), content_type="application/json"
    )

    assert response.status_code == 400
    assert "address" in response.json()
    assert not Complaint.objects.exists()


def test_visible_text_around_invisible_characters_is_filed_without_them(citizen, tree):
    response = citizen.post(
        LIST,
        payload(description="\ufeff\u200b" + DESCRIPTION + "\u200b"),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert Complaint.objects.get().description == DESCRIPTION


@pytest.mark.parametrize("value", [True, False])
def test_booleans_as_coordinates_are_refused_not_stored_as_numbers(
    citizen, tree, value
):
    response = citizen.post(
        LIST,
        payload(latitude=value, longitude=value),
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["latitude"] == ["无法识别定位信息，请重新获取定位，或不提供定位。"]
    assert "longitude" in body
    assert not Complaint.objects.exists()


def test_a_form_body_declared_latin_1_is_refused_not_stored_garbled(citizen, tree):
    body = "&".join(f"{key}={quote(value)}" for key, value in form_data(tree).items())

    response = citizen.post(
        NEW, body, content_type="application/x-www-form-urlencoded; charset=latin-1"
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "“latin-1”字符集，本站只接受 UTF-8" in html
    assert "此次未受理任何内容" in html
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("charset", ["latin-1", "gb2312", "no-such-charset"])
def test_a_json_body_in_another_charset_is_refused_by_the_api(citizen, tree, charset):
    # generic() sends the bytes as they are (post() would re-encode them).
    response = citizen.generic(
        "POST",
        LIST,
        json.dumps(payload(), ensure_ascii=False).encode(),
        content_type=f"application/json; charset={charset}",
    )

    assert response.status_code == 400
    assert "本站只接受 UTF-8" in response.json()["detail"]
    assert not Complaint.objects.exists()


def test_a_json_body_declared_utf_8_is_filed(citizen, tree):
    response = citizen.post(
        LIST,
        json.dumps(payload(), ensure_ascii=False).encode(),
        content_type="application/json; charset=UTF-8",
    )

    assert response.status_code == 201
    assert Complaint.objects.get().description == payload()["description"]


# Bodies cut short (issue 8, item 10)

BOUNDARY = "----citydesk-test-boundary"


def multipart(fields: dict, photo: bytes | None = None) -> bytes:
    """A multipart body as a browser sends it: the text first, then the photo."""
    out = b""
    for name, value in fields.items():
        out += (
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
            f'name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    if photo is not None:
        out += (
            (
                f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
                'name="photos"; filename="gate.jpg"\r\n'
                "Content-Type: image/jpeg\r\n\r\n"
            ).encode()
            + photo
            + b"\r\n"
        )
    return out + f"--{BOUNDARY}--\r\n".encode()


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def cut_mid_photo(fields: dict) -> bytes:
    whole = multipart(fields, photo_bytes())
    return whole[: len(whole) - 2000]


MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def test_a_form_body_cut_mid_photo_files_nothing_and_keeps_the_text(citizen, tree):
    response = citizen.post(NEW, cut_mid_photo(form_data(tree)), content_type=MULTIPART)

    html = response.content.decode()
    assert response.status_code == 400
    assert "提交的内容没有完整送达" in html
    assert "此次未受理任何内容" in html
    assert DESCRIPTION in html  # what could be read is shown again
    assert 'value="西苑小学东门"' in html
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()


def test_an_api_body_cut_mid_photo_files_nothing(citizen, tree):
    response = citizen.post(LIST, cut_mid_photo(api_data()), content_type=MULTIPART)

    assert response.status_code == 400
    assert "提交的内容没有完整送达" in response.json()["detail"]
    assert not Complaint.objects.exists()


def test_a_whole_multipart_body_is_still_filed_with_its_photo(citizen, tree):
    body = multipart(form_data(tree), photo_bytes())

    response = citizen.post(NEW, body, content_type=MULTIPART)

    assert response.status_code == 302
    assert Complaint.objects.get().attachments.count() == 1


def _csrf(server_url: str) -> tuple[str, str]:
    """The form's CSRF cookie and token, as a browser gets them with the page."""
    with urlopen(server_url + NEW) as page:  # noqa: S310 - the test's own server
        cookie = SimpleCookie(page.headers["Set-Cookie"])["csrftoken"].value
        html = page.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    return cookie, token.group(1)


def _raw_post(
    server_url: str, path: str, head_length: int, body: bytes, cookie: str = ""
) -> bytes:
    """POST over a socket, send part of the body, close the sending side."""
    host, port = urlsplit(server_url).hostname, urlsplit(server_url).port
    with socket.create_connection((host, port), timeout=30) as conn:
        conn.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                f"Content-Type: {MULTIPART}\r\nContent-Length: {head_length}\r\n"
                f"Cookie: csrftoken={cookie}\r\n"
                "Accept-Language: zh-hans\r\nConnection: close\r\n\r\n"
            ).encode()
            + body
        )
        conn.shutdown(socket.SHUT_WR)  # the client goes away mid-upload
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("path", [NEW, LIST])
def test_a_client_that_stops_mid_upload_gets_a_refusal_and_nothing_is_filed(
    transactional_db, live_server, tree, path
):
    cookie, token = _csrf(live_server.url)
    if path == NEW:
        fields = {"csrfmiddlewaretoken": token, **form_data(tree)}
    else:
        fields = api_data()
    whole = multipart(fields, photo_bytes())
    sent = whole[: len(whole) - 3000]  # the text and half the photo

    answer = _raw_post(live_server.url, path, len(whole), sent, cookie)

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    text = body.decode()
    if path == LIST:
        text = json.loads(text)["detail"]
    else:
        assert DESCRIPTION in text  # what was read is shown again
    assert "提交的内容没有完整送达" in text
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()


# Bodies that cannot be read, in Chinese (issue 8, item 18)


def test_a_body_over_the_limit_gets_413_in_chinese_or_english(citizen, tree, settings):
    settings.REQUEST_MAX_BYTES = 20_000
    body = multipart(form_data(tree), photo_bytes() * 3)

    response = citizen.post(NEW, body, content_type=MULTIPART)
    english = citizen.post(NEW, body, content_type=MULTIPART, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 413
    assert "一次提交的内容过多" in response.content.decode()
    assert "此次未受理任何内容" in response.content.decode()
    assert english.status_code == 413
    assert "Nothing was filed" in english.content.decode()
    assert not Complaint.objects.exists()


def test_the_api_answers_413_for_a_json_body_over_the_limit(citizen, tree, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = citizen.post(
        LIST, payload(description="占" * 1000), content_type="application/json"
    )

    assert response.status_code == 413
    assert "提交的内容过大" in response.json()["detail"]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "body",
    ['{"category": "09006",', '{"latitude": NaN}', '{"longitude": Infinity}', "{'a'"],
    ids=["cut", "nan", "infinity", "single-quotes"],
)
def test_unreadable_json_gets_the_api_error_format_in_chinese(citizen, tree, body):
    response = citizen.post(LIST, body, content_type="application/json")

    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("无法读取请求内容")
    assert "parse error" not in detail
    assert not Complaint.objects.exists()


def test_unreadable_json_is_explained_in_english_when_asked(citizen, tree):
    response = citizen.post(
        LIST, "{", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request body could not be read")


def test_a_malformed_multipart_body_gets_the_api_error_format(citizen, tree):
    response = citizen.post(
        LIST, b"--x\r\nnonsense", content_type="multipart/form-data; boundary="
    )

    assert response.status_code == 400
    assert "无法读取" in response.json()["detail"]


def test_a_suspicious_request_gets_the_chinese_400_page(citizen, tree, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    data = {f"f{i}": "x" for i in range(10)}

    response = citizen.post(NEW, data)
    english = citizen.post(NEW, data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "无法读取此次请求" in response.content.decode()
    assert "Bad Request" not in response.content.decode()
    assert english.status_code == 400
    assert "The request could not be read" in english.content.decode()
    assert not Complaint.objects.exists()
