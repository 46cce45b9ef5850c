"""What people read: each citizen SMS fits one message, staff texts name the case."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from citymgmt.notifications.messages import (
    CITIZEN_TEMPLATES,
    MESSAGES,
    SMS_MAX_CHARS,
    render,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
CONTEXT = {
    "reference": "20261123-0042",
    "unit": "城区一中队执法一分队",  # 10 characters
    "department": "市场监督管理局",
    "reason": "不属于城管执法职责范围",
    "days": 7,
    "stage": "dispose",
    "percent": 80,
    "due_at": datetime(2026, 11, 24, 15, 30, tzinfo=SHANGHAI),
    "cases": [
        {
            "reference": "20261123-0042",
            "stage": "dispose",
            "due_at": "2026-11-24T15:30:00+08:00",
        },
        {
            "reference": "20261123-0043",
            "stage": "sign",
            "due_at": "2026-11-24T16:00:00+08:00",
        },
    ],
}


@pytest.mark.parametrize("template", sorted(CITIZEN_TEMPLATES))
def test_each_citizen_sms_is_chinese_and_fits_one_message(template):
    # Rendered in the site's language whatever the caller's request uses.
    with translation.override("en"):
        _, body = render(template, CONTEXT, sms=True)

    assert body.startswith("【城管服务台】"), body
    assert "20261123-0042" in body
    assert len(body) <= SMS_MAX_CHARS, (len(body), body)


def test_every_citizen_step_has_a_message():
    assert CITIZEN_TEMPLATES == {
        "complaint_received",
        "complaint_dispatched",
        "complaint_disposed",
        "complaint_closed",
        "complaint_rejected",
        "complaint_referred",
        "stall_request_received",
    }


def test_a_long_unit_name_is_cut_short_to_keep_one_message():
    context = {
        **CONTEXT,
        "unit": "青州市综合行政执法局城区一中队第一执法分队驻王府街道工作站",
    }
    _, body = render("complaint_dispatched", context, sms=True)

    assert len(body) == SMS_MAX_CHARS
    assert "青州市综合行政执法局" in body
    assert "…" in body


def test_the_unit_name_stays_whole_in_an_email():
    context = {
        **CONTEXT,
        "unit": "青州市综合行政执法局城区一中队第一执法分队驻王府街道工作站",
    }
    _, body = render("complaint_dispatched", context)
    assert context["unit"] in body


def test_a_reminder_names_the_case_the_stage_the_share_and_the_due_time():
    subject, body = render("deadline_reminder", CONTEXT)

    assert "20261123-0042" in subject
    assert "处置" in body
    assert "80%" in body
    assert "11-24 15:30" in body


def test_the_morning_digest_lists_each_case_with_its_due_time():
    subject, body = render("morning_digest", CONTEXT)

    assert "2" in subject  # the count defaults to the number of cases
    lines = body.splitlines()[1:]
    assert [line.split()[0] for line in lines] == ["20261123-0042", "20261123-0043"]
    assert "11-24 16:00" in lines[1]


@pytest.mark.parametrize("template", sorted(MESSAGES))
def test_a_message_without_its_context_is_refused_by_name(template):
    with pytest.raises(ValueError, match="Missing context"):
        render(template, {})
