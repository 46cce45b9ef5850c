"""The campaigns' staff tool: the campaign's page and its buttons, the week
grid (scope, saving, refusals, read-only), tallies, road segments and metrics,
with pinned query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns import services, tools
from campaigns.admin.grid import monday_of, week_code
from campaigns.models import Campaign, CampaignStatus, Metric, RoadSegment, Tally
from complaints.models import Category
from tests.campaigns.factories import (
    days_ago,
    figures,
    make_campaign,
    make_segment,
    record,
)
from tests.complaints.factories import jpeg_bytes, photo, submit, upload, walk_to

pytestmark = pytest.mark.usefixtures("empty_cache", "media_root")

ADMIN = "/admin/campaigns"


@pytest.fixture
def drive(tree, supervisor, squad_leader, other_squad_leader, officer):
    """A running campaign of squadrons A and B with a week of figures each,
    and a second campaign that only B takes part in."""
    segment = make_segment(tree, squad_leader, name="范公亭西路")
    theirs = make_segment(tree, other_squad_leader, name="圣水路", squad=tree.unit_b)
    campaign = make_campaign(
        tree,
        supervisor,
        segments=[segment, theirs],
        categories=Category.objects.filter(code="09006"),
    )
    for day in range(1, 4):
        record(officer, campaign, tree.unit_a, days_ago(day), ad_boards_removed=2)
        record(
            other_squad_leader,
            campaign,
            tree.unit_b,
            days_ago(day),
            posters_cleaned=100,
            notes="圣水路沿街",
        )
    b_only = make_campaign(
        tree,
        supervisor,
        name="圣水路停车秩序整治",
        kind="parking",
        units=[tree.unit_b],
        lead_squad=tree.unit_b,
    )
    b_tally = record(
        other_squad_leader, b_only, tree.unit_b, days_ago(1), lines_painted=7
    )
    return {
        "campaign": campaign,
        "segment": segment,
        "theirs": theirs,
        "b_only": b_only,
        "b_tally": b_tally,
        "a_tally": Tally.objects.get(
            campaign=campaign, squad=tree.unit_a, date=days_ago(1)
        ),
        "b_day": Tally.objects.get(
            campaign=campaign, squad=tree.unit_b, date=days_ago(1)
        ),
    }


def grid(campaign, **query) -> str:
    url = f"{ADMIN}/campaign/{campaign.pk}/grid/"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def this_week() -> str:
    return week_code(monday_of(timezone.localdate()))


def day_prefix(day) -> str:
    """The input prefix of a day on its week's grid (d0 is Monday)."""
    return f"d{day.weekday()}"


def week_of(day) -> str:
    return week_code(monday_of(day))


def inputs(html: str, name: str) -> str | None:
    """The value of the text input named `name` in a page, None if absent."""
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if found is None:
        return None
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


def disabled(html: str, name: str) -> bool:
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert found is not None, name
    return " disabled" in found.group(0)


# --- scope ---------------------------------------------------------------------


def test_a_unit_sees_only_the_campaigns_it_takes_part_in(
    drive, client_for, squad_leader, supervisor
):
    c = client_for(squad_leader)
    listing = c.get(f"{ADMIN}/campaign/").content.decode()
    assert drive["campaign"].name in listing
    assert drive["b_only"].name not in listing
    assert c.get(f"{ADMIN}/campaign/{drive['b_only'].pk}/change/").status_code == 404
    everything = client_for(supervisor).get(f"{ADMIN}/campaign/").content.decode()
    assert drive["b_only"].name in everything


def test_another_units_grid_tally_and_segment_are_404(
    drive, client_for, squad_leader, tree
):
    c = client_for(squad_leader)
    campaign = drive["campaign"]
    assert c.get(grid(campaign, unit=tree.unit_b.pk)).status_code == 404
    assert c.get(grid(campaign, unit="x")).status_code == 404
    assert c.get(grid(drive["b_only"])).status_code == 404
    assert c.get(grid(campaign, segment=drive["theirs"].pk)).status_code == 404
    assert c.get(f"{ADMIN}/tally/{drive['b_day'].pk}/change/").status_code == 404
    assert c.get(f"{ADMIN}/tally/{drive['b_tally'].pk}/change/").status_code == 404
    assert c.get(f"{ADMIN}/roadsegment/{drive['theirs'].pk}/change/").status_code == 404
    # Posting to another unit's grid saves nothing.
    day = days_ago(1)
    response = c.post(
        grid(campaign, unit=tree.unit_b.pk, week=week_of(day)),
        {f"{day_prefix(day)}-posters_cleaned": "1"},
    )
    assert response.status_code == 404
    assert figures(drive["b_day"]) == {"posters_cleaned": "100.00"}


def test_lists_and_filters_show_nothing_of_another_unit(
    drive, client_for, squad_leader, tree
):
    c = client_for(squad_leader)
    tallies = c.get(f"{ADMIN}/tally/").content.decode()
    assert tree.unit_a.name in tallies
    assert "圣水路沿街" not in tallies
    # Neither unit B nor its campaign is offered as a filter.
    assert f"squad__id__exact={tree.unit_b.pk}" not in tallies
    assert drive["b_only"].name not in tallies
    # Asking for unit B's rows by hand finds none.
    filtered = c.get(f"{ADMIN}/tally/?squad__id__exact={tree.unit_b.pk}")
    assert filtered.status_code == 200
    assert "城区二中队" not in filtered.content.decode().split('id="result_list"')[-1]
    segments = c.get(f"{ADMIN}/roadsegment/").content.decode()
    assert "范公亭西路" in segments and "圣水路" not in segments


def test_photos_of_another_units_tally_are_404(
    drive, client_for, other_squad_leader, squad_leader
):
    [stored] = services.tally_photos_add(
        by=other_squad_leader, tally=drive["b_day"], photos=[photo()]
    )
    for which in ("file", "thumbnail"):
        url = f"{ADMIN}/tally/photo/{stored.pk}/{which}/"
        assert client_for(squad_leader).get(url).status_code == 404
        mine = client_for(other_squad_leader).get(url)
        assert mine.status_code == 200
        assert mine["Content-Type"] == "image/jpeg"


def test_a_supervisor_sees_and_picks_every_unit(drive, client_for, supervisor, tree):
    c = client_for(supervisor)
    page = c.get(f"{ADMIN}/campaign/{drive['campaign'].pk}/change/").content.decode()
    totals = page.split('class="module cd-totals"')[1]
    for unit in (tree.brigade, tree.unit_a, tree.unit_b):
        assert unit.name in totals
    on_grid = c.get(grid(drive["campaign"], unit=tree.unit_b.pk)).content.decode()
    assert f'<option value="{tree.unit_a.pk}"' in on_grid
    assert 'class="cd-grid-unit">城区二中队<' in on_grid
    # Without a unit asked for, the grid opens on a unit that takes part, not
    # on the brigade that leads the campaign.
    first = c.get(grid(drive["campaign"])).content.decode()
    assert f'class="cd-grid-unit">{tree.unit_a.name}<' in first


# --- the campaign's page -------------------------------------------------------


def test_the_campaign_page_adds_up_the_units_figures_in_scope(
    drive, client_for, squad_leader, users, tree
):
    walk_to(submit(tree, code="09006"), "closed", users)
    page = client_for(squad_leader).get(
        f"{ADMIN}/campaign/{drive['campaign'].pk}/change/"
    )
    html = page.content.decode()
    totals = html.split('class="module cd-totals"')[1].split("</table>")[0]
    assert "拆除违规广告牌<span" in totals and "（块）" in totals
    assert "已结案件" in totals  # the linked count, computed
    unit_a_row = totals.split("城区一中队</th>")[1].split("</tr>")[0]
    cells = re.findall(r'<td class="cd-num">([^<]*)</td>', unit_a_row)
    # Boards, posters, lines, then the computed counts: complaints closed and
    # vendors guided into markets (none here).
    assert cells == ["6", "0", "0", "1", "0"]
    # Unit B's posters are outside the leader's scope.
    assert "城区二中队" not in totals
    target_row = totals.split("目标</th>")[1].split("</tr>")[0]
    assert re.findall(r'<td class="cd-num">([^<]*)</td>', target_row)[:3] == [
        "40",
        "2100",
        "1100",
    ]
    reached = totals.split("完成率</th>")[1].split("</tr>")[0]
    assert "15.0%" in reached
    assert f"grid/?unit={tree.unit_a.pk}" in totals
    assert "进行中" in html  # the status
    # A leader reads the campaign: no form to change it, no Start or Close.
    assert 'name="name"' not in html
    assert "/close/" not in html


def test_starting_and_closing_ask_first_then_call_the_service(
    tree, client_for, supervisor
):
    campaign = make_campaign(tree, supervisor, start=False)
    c = client_for(supervisor)
    page = c.get(f"{ADMIN}/campaign/{campaign.pk}/change/").content.decode()
    start = f"{ADMIN}/campaign/{campaign.pk}/start/"
    assert f'href="{start}"' in page
    assert "/close/" not in page
    question = c.get(start)
    assert question.status_code == 200
    assert campaign.name in question.content.decode()
    assert Campaign.objects.get().status == CampaignStatus.PLANNED
    done = c.post(start, follow=True)
    assert Campaign.objects.get().status == CampaignStatus.RUNNING
    assert "进行中" in done.content.decode()
    close = f"{ADMIN}/campaign/{campaign.pk}/close/"
    assert f'href="{close}"' in done.content.decode()
    c.post(close)
    assert Campaign.objects.get().status == CampaignStatus.CLOSED
    # Asking again changes nothing and says why.
    again = c.get(close, follow=True)
    assert Campaign.objects.get().status == CampaignStatus.CLOSED
    assert "已结束" in again.content.decode()


def test_only_a_supervisor_starts_a_campaign(tree, supervisor, client_for, users):
    campaign = make_campaign(
        tree, supervisor, start=False, lead_squad=tree.unit_a, units=[tree.unit_a]
    )
    for role in ("squad_leader", "dispatcher"):
        c = client_for(users[role])
        url = f"{ADMIN}/campaign/{campaign.pk}/start/"
        assert c.get(url).status_code == 403
        assert c.post(url).status_code == 403
    assert Campaign.objects.get().status == CampaignStatus.PLANNED
    assert client_for(users["other_squad_leader"]).post(url).status_code == 404


def test_a_closed_campaign_reads_only(drive, client_for, supervisor):
    campaign = drive["campaign"]
    services.campaign_close(campaign=campaign, by=supervisor)
    c = client_for(supervisor)
    url = f"{ADMIN}/campaign/{campaign.pk}/change/"
    page = c.get(url).content.decode()
    assert 'name="name"' not in page
    assert 'name="targets-TOTAL_FORMS"' not in page
    assert "已结束" in page
    response = c.post(url, {"name": "改名"})
    assert response.status_code == 403
    assert Campaign.objects.get(pk=campaign.pk).name == campaign.name


def test_a_supervisor_sets_up_a_campaign_with_its_metrics_in_order(
    tree, client_for, supervisor
):
    c = client_for(supervisor)
    assert c.get(f"{ADMIN}/campaign/add/").status_code == 200
    data = {
        "name": "圣水路停车秩序专项整治",
        "kind": "parking",
        "starts_on": days_ago(10).isoformat(),
        "ends_on": days_ago(-20).isoformat(),
        "lead_squad": tree.unit_b.pk,
        "squads": [tree.unit_a.pk, tree.unit_b.pk],
        "description": "",
        "targets-TOTAL_FORMS": "3",
        "targets-INITIAL_FORMS": "0",
        "targets-0-metric": "vehicles_penalised",
        "targets-0-target": "200",
        "targets-0-position": "2",
        "targets-1-metric": "parking_notices",
        "targets-1-target": "3000",
        "targets-1-position": "1",
        "targets-2-metric": "",
    }
    response = c.post(f"{ADMIN}/campaign/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get()
    assert campaign.status == CampaignStatus.PLANNED
    assert campaign.created_by == supervisor
    assert [(t.metric.code, int(t.target)) for t in campaign.targets.all()] == [
        ("parking_notices", 3000),
        ("vehicles_penalised", 200),
    ]
    assert set(campaign.squads.all()) == {tree.unit_a, tree.unit_b}


def test_a_campaign_form_refused_keeps_what_was_typed(tree, client_for, supervisor):
    c = client_for(supervisor)
    data = {
        "name": "圣水路停车秩序专项整治",
        "kind": "parking",
        "starts_on": days_ago(10).isoformat(),
        "ends_on": days_ago(20).isoformat(),  # before it starts
        "lead_squad": tree.unit_b.pk,
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "0",
        "targets-0-metric": "vehicles_penalised",
        "targets-0-target": "两百",
        "targets-1-metric": "vehicles_penalised",
    }
    page = c.post(f"{ADMIN}/campaign/add/", data)
    html = page.content.decode()
    assert page.status_code == 200
    assert not Campaign.objects.exists()
    assert "这个指标列了两次" in html
    assert 'value="圣水路停车秩序专项整治"' in html
    # The metric rows fixed, the service refuses the period, in Chinese.
    data.update({"targets-1-metric": ""})
    html = c.post(f"{ADMIN}/campaign/add/", data).content.decode()
    assert "专项整治的结束日期不能早于开始日期" in html
    assert not Campaign.objects.exists()
    # Then the target that is no number.
    data.update({"ends_on": days_ago(-20).isoformat()})
    html = c.post(f"{ADMIN}/campaign/add/", data).content.decode()
    assert "处罚违停车辆：“两百”不是数字" in html
    assert 'value="两百"' in html
    assert not Campaign.objects.exists()


def test_tools_registered_by_other_modules_get_a_button_and_a_route(
    drive, client_for, squad_leader, settings
):
    from django.http import HttpResponse

    def view(request, campaign_id):
        return HttpResponse(f"tool for {campaign_id}")

    tool = tools.CampaignTool(
        name="test_probe", route="probe/", view=view, label="探针", position=1
    )
    tools.register(tool)
    try:
        settings.ROOT_URLCONF = "tests.campaigns.urls_with_tools"
        c = client_for(squad_leader)
        campaign = drive["campaign"]
        page = c.get(f"{ADMIN}/campaign/{campaign.pk}/change/").content.decode()
        assert f'href="{ADMIN}/campaign/{campaign.pk}/probe/"' in page
        assert "探针" in page
        answer = c.get(f"{ADMIN}/campaign/{campaign.pk}/probe/")
        assert answer.content.decode() == f"tool for {campaign.pk}"
    finally:
        tools.TOOLS.remove(tool)


# --- the week grid -------------------------------------------------------------


def test_the_grid_shows_the_users_unit_this_week_with_metrics_and_units(
    drive, client_for, officer, tree
):
    page = client_for(officer).get(grid(drive["campaign"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="cd-grid-unit">城区一中队<' in html
    assert f'name="week" value="{this_week()}"' in html
    assert "拆除违规广告牌（块）" in html
    assert "施划标线（米）" in html
    yesterday = days_ago(1)
    if monday_of(yesterday) == monday_of(timezone.localdate()):
        assert inputs(html, f"{day_prefix(yesterday)}-ad_boards_removed") == "2"
    # A day still to come cannot be typed into.
    tomorrow = days_ago(-1)
    if monday_of(tomorrow) == monday_of(timezone.localdate()):
        assert disabled(html, f"{day_prefix(tomorrow)}-posters_cleaned")
        assert "尚未到来" in html


def test_the_grid_saves_a_week_and_reads_it_back(drive, client_for, officer, tree):
    campaign = drive["campaign"]
    first, second = days_ago(8), days_ago(9)
    assert monday_of(first) != monday_of(timezone.localdate()) or True
    url = grid(campaign, week=week_of(first))
    c = client_for(officer)
    data = {
        f"{day_prefix(first)}-ad_boards_removed": "3",
        f"{day_prefix(first)}-lines_painted": "12.5",
        f"{day_prefix(first)}-notes": "范公亭西路",
    }
    if monday_of(second) == monday_of(first):
        data[f"{day_prefix(second)}-posters_cleaned"] = "1,200"
    response = c.post(url, data)
    assert response.status_code == 302
    saved = Tally.objects.get(campaign=campaign, squad=tree.unit_a, date=first)
    assert figures(saved) == {"ad_boards_removed": "3.00", "lines_painted": "12.50"}
    assert saved.notes == "范公亭西路" and saved.recorded_by == officer
    html = c.get(response["Location"]).content.decode()
    assert "已为城区一中队保存" in html
    assert inputs(html, f"{day_prefix(first)}-lines_painted") == "12.5"
    assert inputs(html, f"{day_prefix(first)}-notes") == "范公亭西路"
    # Entering the day again replaces it; an emptied cell clears its figure.
    again = {
        **data,
        f"{day_prefix(first)}-ad_boards_removed": "",
        f"{day_prefix(first)}-lines_painted": "20",
    }
    assert c.post(url, again).status_code == 302
    assert (
        Tally.objects.filter(campaign=campaign, squad=tree.unit_a, date=first).count()
        == 1
    )
    assert figures(saved) == {"lines_painted": "20.00"}


def test_a_refused_cell_saves_nothing_and_keeps_what_was_typed(
    drive, client_for, officer, tree
):
    campaign = drive["campaign"]
    good, bad = days_ago(10), days_ago(10)
    # Two days of one week: the first fine, the second refused.
    monday = monday_of(days_ago(10))
    good, bad = monday, monday + timedelta(days=1)
    url = grid(campaign, week=week_code(monday))
    before = Tally.objects.count()
    page = client_for(officer).post(
        url,
        {
            f"{day_prefix(good)}-posters_cleaned": "40",
            f"{day_prefix(bad)}-ad_boards_removed": "-3",
            f"{day_prefix(bad)}-lines_painted": "1.234",
            f"{day_prefix(bad)}-notes": "驼山路",
        },
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert Tally.objects.count() == before
    assert "没有保存任何内容" in html
    assert inputs(html, f"{day_prefix(good)}-posters_cleaned") == "40"
    assert inputs(html, f"{day_prefix(bad)}-ad_boards_removed") == "-3"
    assert inputs(html, f"{day_prefix(bad)}-notes") == "驼山路"
    row = html.split(f'id="day-{bad.isoformat()}"')[1].split("</tr>")[0]
    assert "拆除违规广告牌不能为负数" in row
    assert "施划标线：最多保留两位小数" in row


def test_a_closed_campaigns_grid_reads_only(drive, client_for, officer, supervisor):
    campaign = drive["campaign"]
    services.campaign_close(campaign=campaign, by=supervisor)
    c = client_for(officer)
    day = days_ago(1)
    url = grid(campaign, week=week_of(day))
    html = c.get(url).content.decode()
    assert disabled(html, f"{day_prefix(day)}-ad_boards_removed")
    assert "保存本周" not in html
    assert "已锁定" in html
    response = c.post(url, {f"{day_prefix(day)}-ad_boards_removed": "9"}, follow=True)
    assert figures(drive["a_tally"]) == {"ad_boards_removed": "2.00"}
    assert "已锁定" in response.content.decode()


def test_a_dispatcher_reads_the_grid_but_may_not_save(
    drive, client_for, dispatcher, tree
):
    c = client_for(dispatcher)
    day = days_ago(1)
    url = grid(drive["campaign"], unit=tree.unit_a.pk, week=week_of(day))
    html = c.get(url).content.decode()
    assert disabled(html, f"{day_prefix(day)}-ad_boards_removed")
    assert c.post(url, {f"{day_prefix(day)}-ad_boards_removed": "9"}).status_code == 403
    assert figures(drive["a_tally"]) == {"ad_boards_removed": "2.00"}


def test_the_grid_moves_a_week_into_the_period_and_says_when_a_week_is_not_one(
    drive, client_for, officer
):
    campaign = drive["campaign"]
    c = client_for(officer)
    html = c.get(grid(campaign, week="2001-W01")).content.decode()
    assert f'name="week" value="{week_of(campaign.starts_on)}"' in html
    assert 'class="cd-prev"' not in html
    assert 'class="cd-next"' in html
    html = c.get(grid(campaign, week="next-tuesday")).content.decode()
    assert f'name="week" value="{this_week()}"' in html
    assert "不是" in html and "next-tuesday" in html
    # Days before the campaign starts are shown, not typed into.
    start = campaign.starts_on
    if start.weekday() > 0:
        html = c.get(grid(campaign, week=week_of(start))).content.decode()
        before = start - timedelta(days=1)
        assert disabled(html, f"{day_prefix(before)}-posters_cleaned")
        assert not disabled(html, f"{day_prefix(start)}-posters_cleaned")


def test_a_unit_with_road_segments_gets_a_grid_per_segment(
    drive, client_for, squad_leader, tree
):
    campaign, segment = drive["campaign"], drive["segment"]
    c = client_for(squad_leader)
    html = c.get(grid(campaign)).content.decode()
    assert f'<option value="{segment.pk}"' in html
    assert "圣水路" not in html.split('name="segment"')[1].split("</select>")[0]
    day = days_ago(1)
    url = grid(campaign, unit=tree.unit_a.pk, segment=segment.pk, week=week_of(day))
    response = c.post(url, {f"{day_prefix(day)}-lines_painted": "35"})
    assert response.status_code == 302
    on_segment = Tally.objects.get(road_segment=segment)
    assert figures(on_segment) == {"lines_painted": "35.00"}
    # The unit's own day is a tally of its own, untouched.
    assert figures(drive["a_tally"]) == {"ad_boards_removed": "2.00"}


def test_photos_are_added_on_the_grid_row(drive, client_for, officer, tree):
    day = days_ago(1)
    url = grid(drive["campaign"], week=week_of(day))
    response = client_for(officer).post(
        url,
        {
            f"{day_prefix(day)}-ad_boards_removed": "2",
            f"{day_prefix(day)}-photos": [upload(jpeg_bytes()), upload(jpeg_bytes())],
        },
    )
    assert response.status_code == 302
    assert drive["a_tally"].photos.count() == 2
    html = client_for(officer).get(url).content.decode()
    assert html.count('class="cd-thumb"') == 2


def test_a_bad_photo_saves_nothing_and_asks_for_the_photos_again(
    drive, client_for, officer
):
    day = days_ago(1)
    url = grid(drive["campaign"], week=week_of(day))
    page = client_for(officer).post(
        url,
        {
            f"{day_prefix(day)}-ad_boards_removed": "5",
            f"{day_prefix(day)}-photos": upload(b"not a photo", name="note.jpg"),
        },
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "note.jpg" in html
    assert "请重新选择照片" in html
    assert figures(drive["a_tally"]) == {"ad_boards_removed": "2.00"}


@pytest.mark.parametrize(
    "query",
    [
        {"week": "2026-W99"},
        {"week": "０"},
        {"week": "9999-W52"},
        {"unit": "99999999999999999999999"},
        {"segment": "-1"},
    ],
)
def test_the_grid_answers_odd_addresses_without_an_error(
    drive, client_for, officer, query
):
    response = client_for(officer).get(grid(drive["campaign"], **query))
    assert response.status_code in (200, 404)


def test_a_campaign_form_without_its_metric_rows_is_refused_not_broken(
    drive, client_for, supervisor, tree
):
    campaign = drive["campaign"]
    page = client_for(supervisor).post(
        f"{ADMIN}/campaign/{campaign.pk}/change/",
        {
            "name": "改名",
            "kind": "parking",
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
            "lead_squad": tree.brigade.pk,
        },
    )
    assert page.status_code == 200
    assert "请检查下方的统计指标" in page.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).name == campaign.name


def test_a_campaign_form_keeps_a_metric_that_has_figures(
    drive, client_for, supervisor, tree
):
    campaign = drive["campaign"]
    data = {
        "name": campaign.name,
        "kind": campaign.kind,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "lead_squad": tree.brigade.pk,
        "squads": [tree.unit_a.pk, tree.unit_b.pk],
        "road_segments": [drive["segment"].pk, drive["theirs"].pk],
        "targets-TOTAL_FORMS": "3",
        "targets-INITIAL_FORMS": "3",
        "targets-0-metric": "ad_boards_removed",
        "targets-0-target": "40",
        "targets-0-DELETE": "on",  # unit A removed boards: it stays
        "targets-1-metric": "posters_cleaned",
        "targets-1-target": "2500",
        "targets-2-metric": "lines_painted",
        "targets-2-target": "1100",
    }
    c = client_for(supervisor)
    page = c.post(f"{ADMIN}/campaign/{campaign.pk}/change/", data)
    assert page.status_code == 200
    assert "已有数据的统计指标不能从专项整治中移除" in page.content.decode()
    assert campaign.targets.count() == 3
    data.pop("targets-0-DELETE")
    assert c.post(f"{ADMIN}/campaign/{campaign.pk}/change/", data).status_code == 302
    assert campaign.targets.get(metric__code="posters_cleaned").target == 2500


# --- tallies ---------------------------------------------------------------------


def test_a_tally_page_shows_its_figures_and_photos_and_saves_through_the_service(
    drive, client_for, officer
):
    tally = drive["a_tally"]
    services.tally_photos_add(by=officer, tally=tally, photos=[photo()])
    c = client_for(officer)
    url = f"{ADMIN}/tally/{tally.pk}/change/"
    html = c.get(url).content.decode()
    assert inputs(html, "t-ad_boards_removed") == "2"
    assert html.count('class="cd-thumb"') == 1
    response = c.post(url, {"t-ad_boards_removed": "4", "t-notes": "补记"})
    assert response.status_code == 302
    assert figures(tally) == {"ad_boards_removed": "4.00"}
    refused = c.post(url, {"t-ad_boards_removed": "四块"})
    assert refused.status_code == 200
    assert inputs(refused.content.decode(), "t-ad_boards_removed") == "四块"
    assert figures(tally) == {"ad_boards_removed": "4.00"}


def test_tallies_are_not_added_from_the_list(drive, client_for, officer):
    c = client_for(officer)
    assert c.get(f"{ADMIN}/tally/add/").status_code == 403
    assert "/tally/add/" not in c.get(f"{ADMIN}/tally/").content.decode()


# --- road segments and metrics --------------------------------------------------


def test_a_leader_adds_a_road_segment_of_the_unit_only(tree, client_for, squad_leader):
    c = client_for(squad_leader)
    form = c.get(f"{ADMIN}/roadsegment/add/").content.decode()
    assert "城区二中队" not in form
    data = {
        "name": "驼山路",
        "street": tree.street.pk,
        "squad": tree.unit_b.pk,
        "description": "",
        "active": "on",
    }
    refused = c.post(f"{ADMIN}/roadsegment/add/", data)
    assert refused.status_code == 200
    assert not RoadSegment.objects.exists()
    assert (
        c.post(
            f"{ADMIN}/roadsegment/add/", {**data, "squad": tree.unit_a.pk}
        ).status_code
        == 302
    )
    assert RoadSegment.objects.get().squad == tree.unit_a


def test_supervisors_keep_metrics_and_others_read_them(
    client_for, supervisor, squad_leader
):
    metric = Metric.objects.get(code="ad_boards_removed")
    url = f"{ADMIN}/metric/{metric.pk}/change/"
    reader = client_for(squad_leader)
    assert reader.get(url).status_code == 200
    assert reader.post(url, {"name_zh": "改"}).status_code == 403
    data = {
        "name_zh": "拆除违规广告牌匾",
        "name_en": "Ad boards removed",
        "unit": "块",
        "kind": "count",
        "position": "10",
        "active": "on",
    }
    assert client_for(supervisor).post(url, data).status_code == 302
    assert Metric.objects.get(pk=metric.pk).name_zh == "拆除违规广告牌匾"
    assert Metric.objects.get(pk=metric.pk).code == "ad_boards_removed"


# --- query counts ----------------------------------------------------------------


def _queries(client, url, method="get", data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(queries)


def _more_rows(tree, supervisor, officer, other_squad_leader, campaign):
    """More units, segments, tallies and photos: the counts must not move."""
    for day in range(4, 8):
        record(officer, campaign, tree.unit_a, days_ago(day), posters_cleaned=day)
        record(
            other_squad_leader, campaign, tree.unit_b, days_ago(day), lines_painted=1
        )
    tally = Tally.objects.filter(campaign=campaign, squad=tree.unit_a).first()
    services.tally_photos_add(by=officer, tally=tally, photos=[photo(), photo()])
    make_campaign(tree, supervisor, name="第二个", kind="other")


PAGES = {
    "campaign list": lambda d: f"{ADMIN}/campaign/",
    "campaign page": lambda d: f"{ADMIN}/campaign/{d['campaign'].pk}/change/",
    # The week of the drive's tallies (yesterday's), whatever day it is today.
    "grid": lambda d: grid(d["campaign"], week=f"{days_ago(1):%G-W%V}"),
    "tally list": lambda d: f"{ADMIN}/tally/",
    "tally page": lambda d: f"{ADMIN}/tally/{d['a_tally'].pk}/change/",
    "road segment list": lambda d: f"{ADMIN}/roadsegment/",
    "metric list": lambda d: f"{ADMIN}/metric/",
}
# Per page: the leader's count, the supervisor's. Both: the session, the user
# with their member record, permissions and bell (one query, squads.auth);
# the leader's scope walks the unit tree (2).
QUERIES = {
    # Campaigns in scope, the lead-unit filter's choices, count and page.
    "campaign list": (6, 4),
    # The campaign (once), its units, metrics and targets, the totals (one
    # aggregate), the linked counts (one per counter: complaints closed,
    # vendors guided); a leader reads the units, segments and categories as
    # text, a supervisor's form offers the parents, units, members, segments,
    # categories and metrics to choose.
    "campaign page": (13, 19),
    # The campaign, its units in scope, the unit's segments, the metrics, the
    # week's tallies with their figures and photos.
    "grid": (11, 9),
    "tally list": (10, 8),
    "tally page": (8, 6),
    "road segment list": (6, 4),
    "metric list": (4, 4),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_page_reads_a_fixed_number_of_queries(
    page, drive, client_for, squad_leader, supervisor, officer, other_squad_leader, tree
):
    url = PAGES[page](drive)
    counts = []
    for user in (squad_leader, supervisor):
        c = client_for(user)
        c.get(url)  # content types and permissions are cached per process
        counts.append(_queries(c, url))
    _more_rows(tree, supervisor, officer, other_squad_leader, drive["campaign"])
    again = []
    for user in (squad_leader, supervisor):
        c = client_for(user)
        c.get(url)
        again.append(_queries(c, url))
    assert again == counts  # more rows, the same queries
    assert tuple(counts) == QUERIES[page], counts


def test_saving_a_week_reads_and_writes_a_fixed_number_of_queries(
    drive, client_for, officer
):
    campaign = drive["campaign"]
    monday = monday_of(days_ago(10))
    url = grid(campaign, week=week_code(monday))
    c = client_for(officer)
    c.get(url)
    week = {
        f"d{i}-{code}": str(i + 1)
        for i in range(3)
        for code in ("ad_boards_removed", "posters_cleaned", "lines_painted")
    }
    # The grid's reads (9; the redirect draws no bell), then per new day
    # (10): its savepoint, the campaign locked, its units and metrics, the day
    # looked up, the tally and its figures inserted (with the inner
    # savepoint); and the outer savepoint.
    assert _queries(c, url, "post", week) == 9 + 1 + 3 * 10 + 1
    assert (
        Tally.objects.filter(
            date__gte=monday, date__lt=monday + timedelta(days=3)
        ).count()
        == 3
    )
