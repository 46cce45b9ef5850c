"""Hostile or careless input gets a clear 400 and stores nothing (issue 8)."""

from __future__ import annotations

import json

import pytest

from citymgmt import phones
from citymgmt.notifications.models import Notification
from complaints.models import Category, Complaint
from tests.complaints.test_api import payload

LIST = "/api/v1/complaints/"
pytestmark = pytest.mark.usefixtures("empty_cache", "media_root")


@pytest.mark.parametrize("body", ["[]", '"x"', "1", "null", "[{}]"])
def test_a_json_body_that_is_not_an_object_is_refused(tree, citizen, body):
    response = citizen.post(LIST, body, content_type="application/json")

    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert not Complaint.objects.exists()


# ١٣٩١٢٣٤٥٦٧٨ (Arabic-Indic) and १३९१२३४५६७८ (Devanagari) are 13912345678.
FOREIGN_DIGITS = ["١٣٩١٢٣٤٥٦٧٨", "१३९१२३४५६७८", "13912٣45678"]


@pytest.mark.parametrize("phone", FOREIGN_DIGITS)
def test_phones_in_other_scripts_digits_are_not_mobiles(phone):
    assert not phones.is_mobile(phones.normalize(phone))
    with pytest.raises(phones.ValidationError):
        phones.validate_mobile(phones.normalize(phone))


@pytest.mark.parametrize("phone", FOREIGN_DIGITS)
def test_the_api_refuses_such_a_phone_and_queues_no_sms(tree, citizen, phone):
    response = citizen.post(
        LIST, json.dumps(payload(phone=phone)), content_type="application/json"
    )

    assert response.status_code == 400
    assert "phone" in response.json()
    assert not Complaint.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("phone", FOREIGN_DIGITS)
def test_the_web_form_refuses_such_a_phone_and_keeps_the_text(tree, citizen, phone):
    data = {
        "category": "",
        "description": "放学时间校门口有流动摊贩占道经营，影响学生通行。",
        "address": "西苑小学东门",
        "phone": phone,
        "consent": "on",
    }
    data["category"] = str(Category.objects.get(code="09006").pk)
    response = citizen.post("/complaints/new/", data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "西苑小学东门" in page  # what was typed is kept
    assert not Complaint.objects.exists()
