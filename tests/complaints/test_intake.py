"""A citizen files a complaint on /complaints/new/ and gets a reference."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Attachment, Category, Complaint, Status
from tests.complaints.factories import FORM_DESCRIPTION, form_data

REFERENCE_RE = re.compile(r"\d{8}-\d{4}")
DESCRIPTION = FORM_DESCRIPTION


# Each test starts with empty rate-limit counters and its own media folder.
pytestmark = pytest.mark.usefixtures("empty_cache", "media_root")


def jpeg(*, gps: bool = False, size=(800, 600), name="photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N"
        gps_ifd[2] = (36.0, 41.0, 1.0)
        gps_ifd[3] = "E"
        gps_ifd[4] = (118.0, 28.0, 2.0)
        image.save(buffer, "JPEG", exif=exif.tobytes())
    else:
        image.save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png(*, size=(640, 480), mode="RGBA", name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def post(client, data, **extra):
    return client.post("/complaints/new/", data, HTTP_ACCEPT_LANGUAGE="en", **extra)


# The form page


def test_form_groups_categories_by_major_class(citizen, tree):
    html = citizen.get("/complaints/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    street_order = re.search(
        r'<optgroup label="Street order">(.*?)</optgroup>', html, re.S
    )
    assert street_order is not None
    assert "Trading on the road" in street_order.group(1)
    assert "Illegal flyers" not in street_order.group(1)
    assert '<optgroup label="Advertising">' in html
    assert html.index('label="City appearance"') < html.index('label="Street order"')


def test_form_shows_the_notice_of_a_referral_category_before_submitting(citizen, tree):
    html = citizen.get("/complaints/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    referral = Category.objects.get(code="10901")
    assert "Disputes over property fees or services are handled by" in html
    # The option carries it too, so the script can show it under the select.
    assert f'value="{referral.pk}" data-notice="Disputes over property' in html


def test_form_shows_the_chosen_referral_notice_under_the_select_after_an_error(
    citizen, tree
):
    referral = Category.objects.get(code="10902")
    response = post(citizen, form_data(tree, category=referral.pk, phone=""))
    html = response.content.decode()
    notice = re.search(r'<p class="notice category-notice"[^>]*>(.*?)</p>', html, re.S)
    assert notice is not None and "traffic police" in notice.group(1)


def test_area_link_with_a_community_code_preselects_community_and_street(citizen, tree):
    html = citizen.get(
        "/complaints/new/", {"area": tree.community_a1.code}
    ).content.decode()
    assert f'<option value="{tree.community_a1.pk}" selected>滨湖社区' in html
    assert f'<option value="{tree.street.pk}" selected>王府街道' in html
    assert f'<option value="{tree.community_a.pk}" selected>' not in html
    assert f'href="/squads/{tree.team_a1.code}/card/"' in html  # who covers it


def test_area_link_with_a_street_code_preselects_the_street(citizen, tree):
    html = citizen.get(
        "/complaints/new/", {"area": tree.other_street.code}
    ).content.decode()
    assert f'<option value="{tree.other_street.pk}" selected>益都街道' in html
    assert " selected>" not in html.split('id="id_community"')[1].split("</select>")[0]


@pytest.mark.parametrize("code", ["999999999999", "abc", "<script>", "370781"])
def test_area_link_with_an_unknown_code_is_ignored(citizen, tree, code):
    response = citizen.get("/complaints/new/", {"area": code})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in html.split("<main")[1]
    assert " selected>" not in html.split('id="id_street"')[1].split("</select>")[0]


def test_communities_are_grouped_by_street(citizen, tree):
    html = citizen.get("/complaints/new/").content.decode()
    group = re.search(
        rf'<optgroup label="益都街道" data-street="{tree.other_street.pk}">(.*?)'
        r"</optgroup>",
        html,
        re.S,
    )
    assert group is not None
    assert "圣水社区" in group.group(1) and "西苑社区" not in group.group(1)


def test_form_is_in_chinese_by_default_and_in_english_on_request(citizen, tree):
    chinese = citizen.get("/complaints/new/").content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert ">占道经营</option>" in chinese
    english = citizen.get(
        "/complaints/new/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert '<html lang="en">' in english
    assert ">Trading on the road</option>" in english
    assert "File a complaint" in english
    assert "Personal Information Protection Law" in english


def test_form_has_a_hidden_honeypot_and_loads_its_script_from_static(citizen, tree):
    html = citizen.get("/complaints/new/").content.decode()
    honeypot = re.search(r'<input type="text" name="website"[^>]*>', html)
    assert honeypot is not None
    assert 'tabindex="-1"' in honeypot.group(0)
    assert 'autocomplete="off"' in honeypot.group(0)
    assert '<div class="hp" aria-hidden="true">' in html
    assert '<script src="/static/js/complaint-form.js" defer></script>' in html
    assert "<script>" not in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert re.search(r'<input type="file" name="photos"[^>]*multiple', html)


# Filing


def test_valid_complaint_with_two_photos_is_filed_routed_and_stripped_of_gps(
    citizen, tree, published_card
):
    with_gps = jpeg(gps=True, name="gate.jpg")
    raw = with_gps.read()
    with_gps.seek(0)
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)  # GPS is in

    response = post(citizen, {**form_data(tree), "photos": [with_gps, png()]})

    assert response.status_code == 302
    assert response["Location"] == "/complaints/new/done/"
    complaint = Complaint.objects.get()
    assert re.fullmatch(r"\d{8}-\d{4}", complaint.reference)
    assert complaint.status == Status.SUBMITTED
    assert complaint.channel == "web"
    assert complaint.squad == tree.unit_a
    assert complaint.community == tree.community_a
    assert complaint.street == tree.street
    assert complaint.phone == "13912345678"
    assert complaint.citizen_name == "张女士"
    assert complaint.consent_at is not None
    assert list(complaint.events.values_list("action", flat=True)) == ["submit"]
    attachments = list(complaint.attachments.all())
    assert len(attachments) == 2
    for attachment in attachments:
        assert attachment.kind == Attachment.Kind.CITIZEN
        with attachment.file.open("rb") as stored:
            image = Image.open(stored)
            image.load()
            assert image.format == "JPEG"
            assert len(image.getexif()) == 0
            assert 0x8825 not in image.getexif()
            assert "exif" not in image.info

    done = citizen.get("/complaints/new/done/", HTTP_ACCEPT_LANGUAGE="en")
    html = done.content.decode()
    assert re.search(rf'<p class="reference"[^>]*>{complaint.reference}</p>', html)
    assert tree.unit_a.name in html
    assert f'href="/squads/{tree.unit_a.code}/card/"' in html
    assert 'href="tel:05363221234"' in html
    assert f'href="/complaints/track/?reference={complaint.reference}"' in html
    assert "…5678" in html
    assert "13912345678" not in html


def test_success_page_without_a_unit_says_the_command_centre_will_assign_one(
    citizen, tree
):
    post(citizen, form_data(tree, street="", community=""))
    complaint = Complaint.objects.get()
    assert complaint.squad is None
    html = citizen.get(
        "/complaints/new/done/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert complaint.reference in html
    assert "The command centre will check your report and assign the unit" in html


def test_success_page_is_not_shown_to_another_browser(citizen, tree, client):
    post(citizen, form_data(tree))
    reference = Complaint.objects.get().reference
    stranger = client.get("/complaints/new/done/")
    assert stranger.status_code == 302
    assert stranger["Location"] == "/complaints/new/"
    assert reference not in client.get("/complaints/new/").content.decode()


def test_the_receipt_proof_is_a_signed_cookie_a_forgery_cannot_use(
    citizen, tree, client
):
    from django.contrib.sessions.models import Session

    response = post(citizen, form_data(tree))
    reference = Complaint.objects.get().reference
    cookie = response.cookies["citydesk_cases"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    # Filing keeps no session row for the citizen.
    assert Session.objects.count() == 0
    assert reference in citizen.get("/complaints/new/done/").content.decode()

    # The same value with the reference changed: the signature no longer
    # matches, so the page does not open (and does not fail).
    forged = cookie.value.replace(reference, reference[:-1] + "9")
    client.cookies["citydesk_cases"] = forged
    answer = client.get("/complaints/new/done/")
    assert answer.status_code == 302
    assert answer["Location"] == "/complaints/new/"
    client.cookies["citydesk_cases"] = "not a signed value"
    assert client.get("/complaints/new/done/").status_code == 302
    assert client.get(f"/complaints/track/?reference={reference}").status_code == 200
    assert (
        "…5678"
        not in client.get(f"/complaints/track/?reference={reference}").content.decode()
    )


def test_community_alone_is_enough_and_sets_the_street(citizen, tree):
    response = post(citizen, form_data(tree, street="", community=tree.community_b.pk))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.street == tree.other_street
    assert complaint.squad == tree.unit_b


def test_community_outside_the_chosen_street_is_refused_with_the_reason(citizen, tree):
    response = post(citizen, form_data(tree, community=tree.community_b.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "圣水社区 is in 益都街道, not in 王府街道" in html
    assert not Complaint.objects.exists()


def test_location_from_the_browser_is_stored_in_wgs84(citizen, tree):
    data = form_data(tree, latitude="36.6853216", longitude="118.4789014")
    assert post(citizen, data).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.latitude == Decimal("36.685322")
    assert complaint.longitude == Decimal("118.478901")


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        ("123.5", "118.4", "The location is not on Earth"),
        ("36.6", "-200", "The location is not on Earth"),
        ("36.6", "", "The location is incomplete"),
        ("north", "118.4", "The location could not be read"),
    ],
)
def test_bad_location_is_refused_with_a_message_and_text_kept(
    citizen, tree, latitude, longitude, message
):
    response = post(citizen, form_data(tree, latitude=latitude, longitude=longitude))
    html = response.content.decode()
    assert message in html
    assert DESCRIPTION in html
    assert not Complaint.objects.exists()


def test_anonymous_complaint_keeps_no_name(citizen, tree):
    post(citizen, form_data(tree, is_anonymous="on"))
    complaint = Complaint.objects.get()
    assert complaint.is_anonymous
    assert complaint.citizen_name == ""


def test_request_type_is_recorded(citizen, tree):
    post(citizen, form_data(tree, request_type="suggestion"))
    assert Complaint.objects.get().request_type == "suggestion"


# Refused uploads: a clear message, the text kept, nothing created


def php_as_jpg():
    return SimpleUploadedFile(
        "x.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg"
    )


def thirty_megabytes():
    return SimpleUploadedFile(
        "huge.jpg", b"\xff\xd8\xff\xe0" + b"\0" * (30 * 1024 * 1024), "image/jpeg"
    )


def twenty_thousand_pixels_square():
    return png(size=(20_000, 20_000), mode="1", name="giant.png")


@pytest.mark.parametrize(
    ("make_files", "message"),
    [
        (lambda: [php_as_jpg()], "“x.jpg” is not a JPEG, PNG or WebP photo."),
        (
            lambda: [thirty_megabytes()],
            "“huge.jpg” is 30.0 MB; a photo may be at most 10 MB",
        ),
        (lambda: [twenty_thousand_pixels_square()], "“giant.png”"),
        (
            lambda: [jpeg(size=(40, 30), name=f"p{i}.jpg") for i in range(7)],
            "At most 6 photos; you chose 7.",
        ),
        (lambda: [jpeg(), php_as_jpg()], "“x.jpg” is not a JPEG, PNG or WebP photo."),
    ],
    ids=["php-renamed", "30-MB", "20000x20000", "seven-photos", "one-bad-of-two"],
)
def test_refused_upload_gets_a_message_keeps_the_text_and_creates_nothing(
    citizen, tree, make_files, message
):
    response = post(citizen, {**form_data(tree), "photos": make_files()})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Choose the photos again" in html
    assert DESCRIPTION in html
    assert 'value="西苑小学东门"' in html
    assert 'value="139 1234 5678"' in html
    assert f'<option value="{tree.community_a.pk}" selected>' in html
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()


def test_a_20000_pixel_square_image_is_refused_for_its_size(citizen, tree):
    response = post(
        citizen, {**form_data(tree), "photos": [twenty_thousand_pixels_square()]}
    )
    assert (
        "has 400 megapixels; a photo may have at most 40" in response.content.decode()
    )


def test_text_errors_ask_to_choose_the_photos_again(citizen, tree):
    response = post(citizen, {**form_data(tree, phone="123"), "photos": [jpeg()]})
    html = response.content.decode()
    assert "Your browser cannot keep the photo you chose" in html
    assert not Complaint.objects.exists()


# Refused text: a clear message, the text kept, nothing created


@pytest.mark.parametrize(
    ("overrides", "message", "kept"),
    [
        ({"description": "太吵了"}, "at least 10 characters (you wrote 3)", "太吵了"),
        (
            {"description": "占" * 2001},
            "Keep the description to 2000 characters (you wrote 2001)",
            "占" * 2001,
        ),
        ({"phone": "1391234567"}, "11-digit mobile number", DESCRIPTION),
        ({"phone": "0536-3221234"}, "11-digit mobile number", DESCRIPTION),
        ({"phone": ""}, "11-digit mobile number", DESCRIPTION),
        ({"consent": None}, "Please agree to the notice to continue.", DESCRIPTION),
        ({"category": ""}, "Choose the kind of problem from the list.", DESCRIPTION),
        (
            {"category": "99999"},
            "Choose the kind of problem from the list.",
            DESCRIPTION,
        ),
        ({"community": "99999"}, "Choose your community from the list.", DESCRIPTION),
        ({"street": "99999"}, "Choose the street or town from the list.", DESCRIPTION),
        ({"address": ""}, "Tell us where it is", DESCRIPTION),
        ({"address": "路" * 257}, "Keep the address to 256 characters", DESCRIPTION),
        ({"request_type": "lawsuit"}, "Select a valid choice", DESCRIPTION),
    ],
    ids=[
        "short",
        "long",
        "ten-digits",
        "landline",
        "no-phone",
        "no-consent",
        "no-category",
        "unknown-category",
        "unknown-community",
        "unknown-street",
        "no-address",
        "long-address",
        "bad-type",
    ],
)
def test_bad_text_gets_a_clear_message_keeps_the_text_and_creates_nothing(
    citizen, tree, overrides, message, kept
):
    response = post(citizen, form_data(tree, **overrides))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert kept in html
    assert "张女士" in html
    assert not Complaint.objects.exists()


def test_description_counts_a_line_break_as_one_character(citizen, tree):
    text = ("占" * 999 + "\r\n") * 2  # 2000 characters as the browser counts them
    assert post(citizen, form_data(tree, description=text)).status_code == 302


# Abuse


def test_honeypot_filled_creates_nothing_and_shows_no_reference(citizen, tree):
    response = post(citizen, form_data(tree, website="http://spam.example"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thank you" in html
    assert not REFERENCE_RE.search(html)
    assert not Complaint.objects.exists()


def test_sixth_submission_in_the_window_gets_429_with_the_retry_time_and_the_text(
    citizen, tree, settings
):
    count, _window = settings.COMPLAINT_SUBMIT_RATE
    # A long window, so the test never straddles two fixed windows.
    settings.COMPLAINT_SUBMIT_RATE = (count, 86_400)
    for _ in range(count):
        assert post(citizen, form_data(tree)).status_code == 302
    assert Complaint.objects.count() == count

    response = post(citizen, form_data(tree, description=DESCRIPTION + "第六次"))
    html = response.content.decode()
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Please try again in" in html
    assert re.search(r"after \d\d:\d\d", html)
    assert DESCRIPTION + "第六次" in html
    assert 'value="139 1234 5678"' in html
    assert f'<option value="{tree.community_a.pk}" selected>' in html
    assert Complaint.objects.count() == count


def test_rate_limit_counts_per_client_address(client, tree, settings):
    settings.COMPLAINT_SUBMIT_RATE = (1, 86_400)
    assert post(client, form_data(tree), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert post(client, form_data(tree), REMOTE_ADDR="10.0.0.1").status_code == 429
    assert post(client, form_data(tree), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_the_form_page_itself_is_never_rate_limited(citizen, tree, settings):
    settings.COMPLAINT_SUBMIT_RATE = (1, 86_400)
    for _ in range(5):
        assert citizen.get("/complaints/new/").status_code == 200
