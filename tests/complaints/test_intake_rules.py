"""One set of intake rules: the web form, the API and the desk give one answer.

The three entry points only read what was typed; `complaint_submit` decides.
Each test sends the same bad (or odd) input through all three and expects
the same message on the same field, or the same stored complaint.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils.html import escape
from django.utils.translation import override

from citymgmt.errors import InvalidInput
from complaints import services
from complaints.models import Category, Channel, Complaint

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DESCRIPTION = "每天放学时西苑小学东门有流动摊贩占道，孩子们只能走到机动车道上。"
WIDE_PHONE = "１３９ １２３４ ５６７８"
NO_LONGER = "“Trading on the road” is no longer on the list"
MISMATCH = "圣水社区 is in 益都街道, not in 王府街道"
NO_NAME = "Give the caller's name, or tick “Anonymous”."


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
    cache.clear()


@pytest.fixture
def desk(client_for, dispatcher):
    return client_for(dispatcher)


def trading() -> Category:
    return Category.objects.get(code="09006")


def web_form(client, tree, **overrides):
    data = {
        "request_type": "complaint",
        "category": str(trading().pk),
        "description": DESCRIPTION,
        "address": "西苑小学东门",
        "street": str(tree.street.pk),
        "community": str(tree.community_a.pk),
        "latitude": "",
        "longitude": "",
        "citizen_name": "张女士",
        "phone": "13912345678",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post("/complaints/new/", data, **EN)


def api(client, **overrides):
    data = {
        "category": "09006",
        "request_type": "complaint",
        "description": DESCRIPTION,
        "address": "西苑小学东门",
        "community": "370781001001",
        "citizen_name": "张女士",
        "phone": "13912345678",
        "is_anonymous": False,
        "consent": True,
    }
    data.update(overrides)
    return client.post(
        "/api/v1/complaints/", data, content_type="application/json", **EN
    )


def desk_form(client, tree, **overrides):
    data = {
        "channel": Channel.HOTLINE_12345,
        "request_type": "complaint",
        "category": trading().pk,
        "description": DESCRIPTION,
        "address": "西苑小学东门",
        "community": tree.community_a.pk,
        "citizen_name": "刘先生",
        "phone": "13612345678",
        "consent": "on",
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post("/admin/complaints/complaint/add/", data, **EN)


def refused_on_the_page(response, message: str) -> None:
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not Complaint.objects.exists()


def refused_by_the_api(response, field: str, message: str) -> None:
    assert response.status_code == 400, response.json()
    body = response.json()
    assert list(body) == [field]
    assert message in body[field][0]
    assert not Complaint.objects.exists()


# A category taken off the list


def test_an_inactive_category_is_refused_the_same_way_everywhere(tree, citizen, desk):
    Category.objects.filter(code="09006").update(is_active=False)

    refused_by_the_api(api(citizen), "category", NO_LONGER)
    refused_on_the_page(web_form(citizen, tree), NO_LONGER)
    refused_on_the_page(desk_form(desk, tree), NO_LONGER)
    with override("en"), pytest.raises(InvalidInput) as refused:
        services.complaint_submit(
            category=trading(),
            description=DESCRIPTION,
            address="西苑小学东门",
            phone="13912345678",
        )
    assert refused.value.field == "category"
    assert NO_LONGER in refused.value.message


def test_an_inactive_category_is_not_offered(tree, citizen, desk):
    Category.objects.filter(code="09006").update(is_active=False)
    inactive = str(trading().pk)

    web = citizen.get("/complaints/new/").content.decode()
    staff = desk.get("/admin/complaints/complaint/add/").content.decode()

    assert f'<option value="{inactive}"' not in web
    assert f'<option value="{inactive}"' not in staff
    assert "09006" not in {
        row["code"] for row in citizen.get("/api/v1/categories/").json()
    }


# Street and community


def test_a_community_outside_the_street_is_refused_the_same_way(tree, citizen):
    refused_by_the_api(
        api(citizen, street="370781001", community="370781002001"),
        "community",
        MISMATCH,
    )
    refused_on_the_page(
        web_form(citizen, tree, community=str(tree.community_b.pk)), MISMATCH
    )
    with pytest.raises(InvalidInput) as refused:
        services.complaint_submit(
            category=trading(),
            description=DESCRIPTION,
            address="西苑小学东门",
            phone="13912345678",
            street=tree.street,
            community=tree.community_b,
        )
    assert refused.value.field == "community"


def test_the_street_defaults_to_the_communitys_in_every_entry_point(
    tree, citizen, desk
):
    assert api(citizen, community="370781002001").status_code == 201
    assert (
        web_form(citizen, tree, street="", community=tree.community_b.pk).status_code
        == 302
    )
    assert desk_form(desk, tree, community=tree.community_b.pk).status_code == 302

    assert [c.street for c in Complaint.objects.all()] == [tree.other_street] * 3


def test_the_service_refuses_a_street_given_as_the_community(tree):
    with pytest.raises(InvalidInput) as refused:
        services.complaint_submit(
            category=trading(),
            description=DESCRIPTION,
            address="西苑小学东门",
            phone="13912345678",
            community=tree.street,
        )
    assert refused.value.field == "community"


# Anonymity and the caller's name


def test_anonymity_blanks_the_name_in_every_entry_point(tree, citizen, desk):
    assert api(citizen, is_anonymous=True).status_code == 201
    assert web_form(citizen, tree, is_anonymous="on").status_code == 302
    assert desk_form(desk, tree, is_anonymous="on").status_code == 302

    stored = list(Complaint.objects.values_list("is_anonymous", "citizen_name"))
    assert stored == [(True, "")] * 3


def test_names_are_stored_with_their_spaces_collapsed_everywhere(tree, citizen, desk):
    assert api(citizen, citizen_name="  张 \t 女士 ").status_code == 201
    assert web_form(citizen, tree, citizen_name="  张 \t 女士 ").status_code == 302
    assert desk_form(desk, tree, citizen_name="  张 \t 女士 ").status_code == 302

    assert (
        list(Complaint.objects.values_list("citizen_name", flat=True))
        == ["张 女士"] * 3
    )


def test_staff_must_name_the_caller_or_tick_anonymous(tree, desk, dispatcher):
    refused_on_the_page(desk_form(desk, tree, citizen_name="  "), NO_NAME)
    with override("en"), pytest.raises(InvalidInput) as refused:
        services.complaint_submit(
            category=trading(),
            description=DESCRIPTION,
            address="西苑小学东门",
            phone="13612345678",
            channel=Channel.HOTLINE_12345,
            by=dispatcher,
        )
    assert (refused.value.field, refused.value.message) == ("citizen_name", NO_NAME)


def test_a_citizen_may_file_without_a_name(tree, citizen):
    assert api(citizen, citizen_name="").status_code == 201
    assert web_form(citizen, tree, citizen_name="").status_code == 302
    assert list(Complaint.objects.values_list("citizen_name", flat=True)) == ["", ""]


# Consent


def test_the_web_channel_needs_consent_and_the_desk_does_not(tree, citizen, desk):
    message = "Please agree to the notice to continue."
    refused_by_the_api(api(citizen, consent=False), "consent", message)
    refused_on_the_page(web_form(citizen, tree, consent=None), message)

    assert desk_form(desk, tree, consent=None).status_code == 302
    assert Complaint.objects.get().consent_at is None


# The phone


def test_a_full_width_phone_is_stored_normalised_everywhere(tree, citizen, desk):
    assert api(citizen, phone=WIDE_PHONE).status_code == 201
    assert web_form(citizen, tree, phone=WIDE_PHONE).status_code == 302
    assert desk_form(desk, tree, phone=WIDE_PHONE).status_code == 302

    assert (
        list(Complaint.objects.values_list("phone", flat=True)) == ["13912345678"] * 3
    )


def test_a_landline_is_refused_with_one_message_everywhere(tree, citizen, desk):
    message = "Enter an 11-digit mobile number, for example 13812345678."
    refused_by_the_api(api(citizen, phone="0536-3221234"), "phone", message)
    refused_on_the_page(web_form(citizen, tree, phone="0536-3221234"), message)
    refused_on_the_page(desk_form(desk, tree, phone="0536-3221234"), message)


# The location


def test_half_a_location_is_refused_the_same_way(tree, citizen):
    message = "The location is incomplete; add it again or leave it out."
    refused_by_the_api(api(citizen, latitude=36.6971234), "latitude", message)
    refused_on_the_page(web_form(citizen, tree, latitude="36.6971234"), message)


def test_a_location_is_kept_to_six_decimals_everywhere(tree, citizen):
    assert api(citizen, latitude=36.6853216, longitude=118.4789014).status_code == 201
    assert (
        web_form(citizen, tree, latitude="36.6853216", longitude="118.4789014")
    ).status_code == 302
    complaint = services.complaint_submit(
        category=trading(),
        description=DESCRIPTION,
        address="西苑小学东门",
        phone="13912345678",
        latitude=36.6853216,
        longitude="118.4789014",
    )

    assert (
        list(Complaint.objects.values_list("latitude", "longitude"))
        == [(Decimal("36.685322"), Decimal("118.478901"))] * 3
    )
    assert complaint.latitude == Decimal("36.685322")


# Every problem in one answer


def test_the_service_reports_every_rule_it_breaks_at_once(tree, dispatcher):
    Category.objects.filter(code="09006").update(is_active=False)

    with override("en"), pytest.raises(InvalidInput) as refused:
        services.complaint_submit(
            category=trading(),
            description=DESCRIPTION,
            address="西苑小学东门",
            phone="0536-3221234",
            channel=Channel.WEB,
            consent=False,
            latitude=36.6,
            street=tree.street,
            community=tree.community_b,
        )

    assert set(refused.value.errors) == {
        "category",
        "community",
        "phone",
        "consent",
        "latitude",
    }


def test_the_web_form_shows_what_it_cannot_read_and_what_the_rules_refuse(
    tree, citizen
):
    response = web_form(
        citizen,
        tree,
        description="太吵了",
        community=str(tree.community_b.pk),
        consent=None,
    )

    html = response.content.decode()
    assert "at least 10 characters (you wrote 3)" in html
    assert MISMATCH in html
    assert "Please agree to the notice to continue." in html
    assert "太吵了" in html
    assert not Complaint.objects.exists()


def test_the_desk_form_shows_what_it_cannot_read_and_what_the_rules_refuse(tree, desk):
    response = desk_form(desk, tree, description="太吵了", citizen_name="")

    html = response.content.decode()
    assert "Ensure this value has at least 10 characters" in html
    assert escape(NO_NAME) in html
    assert not Complaint.objects.exists()


def test_the_api_answers_parse_errors_and_rule_refusals_together(tree, citizen):
    response = api(
        citizen,
        description="",
        phone="0536-3221234",
        street="370781001",
        community="370781002001",
        latitude=36.6,
    )

    assert response.status_code == 400
    assert set(response.json()) == {"description", "phone", "community", "latitude"}
    assert MISMATCH in response.json()["community"][0]
    assert not Complaint.objects.exists()


def test_a_refusal_after_reading_keeps_the_text_and_asks_for_the_photos_again(
    tree, citizen
):
    from tests.complaints.test_intake import jpeg

    response = citizen.post(
        "/complaints/new/",
        {
            "category": str(trading().pk),
            "description": DESCRIPTION,
            "address": "西苑小学东门",
            "street": str(tree.street.pk),
            "community": str(tree.community_b.pk),
            "phone": "13912345678",
            "consent": "on",
            "photos": [jpeg()],
        },
        **EN,
    )

    html = response.content.decode()
    assert MISMATCH in html
    assert DESCRIPTION in html
    assert "Your browser cannot keep the photo you chose" in html
    assert not Complaint.objects.exists()
