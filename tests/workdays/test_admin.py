"""The calendar in the admin, and the warning while next year is missing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from citymgmt.workdays.calendar import is_working_day
from citymgmt.workdays.models import CalendarDay
from citymgmt.workdays.services import calendar_day_save

SH = ZoneInfo("Asia/Shanghai")
CHANGELIST = "/admin/workdays/calendarday/"
ADD = "/admin/workdays/calendarday/add/"
NOVEMBER = datetime(2026, 11, 16, 10, 0, tzinfo=SH)
OCTOBER = datetime(2026, 10, 16, 10, 0, tzinfo=SH)
WARNING = "The 2027 holiday schedule is not in the calendar yet."


def get(client, url):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def test_supervisor_adds_a_holiday_and_the_clock_follows(client_for, supervisor):
    client = client_for(supervisor)
    assert is_working_day(date(2027, 1, 1)) is True

    response = client.post(
        ADD,
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "name_en": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    row = CalendarDay.objects.get(date=date(2027, 1, 1))
    assert (row.kind, row.source) == (CalendarDay.Kind.HOLIDAY, "admin")
    assert is_working_day(date(2027, 1, 1)) is False


def test_a_make_up_day_on_a_weekday_is_refused_with_the_input_kept(
    client_for, supervisor
):
    response = client_for(supervisor).post(
        ADD,
        {"date": "2027-01-05", "kind": "makeup_workday", "name": "调休"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "A make-up working day is a Saturday or Sunday" in response.text
    assert 'value="2027-01-05"' in response.text
    assert 'value="调休"' in response.text
    assert not CalendarDay.objects.exists()


def test_the_list_filters_by_year_and_searches_by_name(
    calendar_2026, client_for, supervisor
):
    client = client_for(supervisor)

    page = get(client, CHANGELIST + "?year=2026&q=春节")

    assert page.status_code == 200
    assert "2026-02-14" in page.text or "Feb. 14, 2026" in page.text
    assert "year=2025" in page.text  # the filter offers the years present
    assert page.context["cl"].result_count == 11  # 9 holidays, 2 make-up days


def test_dispatcher_reads_the_calendar_but_cannot_change_it(
    calendar_2026, client_for, dispatcher
):
    client = client_for(dispatcher)
    row = CalendarDay.objects.get(date=date(2026, 2, 14))

    assert get(client, CHANGELIST).status_code == 200
    assert get(client, ADD).status_code == 403
    response = client.post(
        f"{CHANGELIST}{row.pk}/change/",
        {"date": "2026-02-14", "kind": "holiday", "name": "x"},
    )
    assert response.status_code == 403
    assert CalendarDay.objects.get(pk=row.pk).kind == CalendarDay.Kind.MAKEUP_WORKDAY


def test_a_squad_leader_does_not_see_the_calendar(client_for, squad_leader):
    assert get(client_for(squad_leader), CHANGELIST).status_code == 403


def test_supervisor_deletes_a_day_and_the_clock_follows(
    calendar_2026, client_for, supervisor
):
    row = CalendarDay.objects.get(date=date(2026, 2, 16))
    assert is_working_day(row.date) is False

    response = client_for(supervisor).post(
        f"{CHANGELIST}{row.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert is_working_day(date(2026, 2, 16)) is True


def test_the_index_warns_in_november_while_next_year_is_missing(
    calendar_2026, client_for, supervisor
):
    client = client_for(supervisor)
    with time_machine.travel(NOVEMBER, tick=False):
        page = get(client, "/admin/")
        assert WARNING in page.text
        assert ADD in page.text  # a supervisor gets the link to enter it

        calendar_day_save(day=date(2027, 1, 1), kind="holiday", name="元旦")
        assert WARNING not in get(client, "/admin/").text


def test_no_warning_before_november(calendar_2026, client_for, supervisor):
    with time_machine.travel(OCTOBER, tick=False):
        assert WARNING not in get(client_for(supervisor), "/admin/").text


def test_the_warning_is_for_staff_in_the_admin_only(calendar_2026, client, officer):
    from django.contrib.auth import get_user_model

    with time_machine.travel(NOVEMBER, tick=False):
        # Public pages and the login page do not show it.
        assert WARNING not in get(client, "/").text
        assert WARNING not in get(client, "/admin/login/").text
        # A non-staff user never reaches the index.
        user = get_user_model().objects.create_user("plain", password="x")
        client.force_login(user)
        assert WARNING not in get(client, "/admin/").text


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_warning_page_renders_in_both_languages(
    calendar_2026, client_for, supervisor, lang
):
    with time_machine.travel(NOVEMBER, tick=False):
        page = client_for(supervisor).get("/admin/", HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200
    assert 'id="workdays-calendar-warning"' in page.text


def test_other_admin_pages_do_not_show_the_warning(
    calendar_2026, client_for, supervisor
):
    with time_machine.travel(NOVEMBER, tick=False):
        page = get(client_for(supervisor), CHANGELIST)
    assert page.status_code == 200
    assert WARNING not in page.text
