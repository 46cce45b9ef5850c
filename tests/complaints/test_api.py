"""The complaints REST API: public intake and tracking; staff list, detail, actions."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from citymgmt import ratelimit
from citymgmt.errors import Conflict, DomainError, Forbidden
from citymgmt.exceptions import exception_handler
from complaints import services
from complaints.apis.intake import ComplaintSubmittedSerializer, RoutedSquadSerializer
from complaints.models import (
    Attachment,
    Category,
    Channel,
    Complaint,
    Status,
)
from complaints.workflow import TRANSITIONS
from squads.models import Member
from tests.complaints.factories import jpeg_bytes, upload, walk_to_by_one
from tests.conftest import EN

LIST = "/api/v1/complaints/"
TRACK = "/api/v1/complaints/track/"
RATE = "/api/v1/complaints/track/rate/"
REFERENCE_RE = re.compile(r"^\d{8}-\d{4}$")
STAFF_NAMES = ["孙队长", "李指导员", "王队长", "赵队员", "钱受理", "周督查"]
# Noise nuisance: disposal needs no photos, so the matrix below needs none.
NO_PHOTOS = "06028"
ROLES = ["dispatcher", "squad_leader", "instructor", "officer", "supervisor"]


# Rate limits count in the cache; each test starts at zero.
pytestmark = pytest.mark.usefixtures("empty_cache")


def photo_upload(name: str = "photo.jpg", color: str = "orange") -> SimpleUploadedFile:
    return upload(jpeg_bytes(size=(64, 48), color=color), name)


def payload(**extra) -> dict:
    data = {
        "category": "09006",
        "request_type": "complaint",
        "description": "放学时间校门口有流动摊贩占道经营，影响学生通行。",
        "address": "西苑小学东门",
        "community": "370781001001",
        "latitude": 36.6971234,
        "longitude": 118.4812345,
        "citizen_name": "张女士",
        "phone": "13912345678",
        "is_anonymous": False,
        "consent": True,
    }
    data.update(extra)
    return data


def post_json(client: Client, url: str, data: dict, **headers):
    return client.post(url, data, content_type="application/json", **headers)


def submit(tree, *, code: str = NO_PHOTOS, community=None, **extra) -> Complaint:
    fields = {
        "category": Category.objects.get(code=code),
        "description": "夜间施工噪声扰民，已经持续一周了。",
        "address": "西苑小区3号楼",
        "phone": "13912345678",
        "community": community or tree.community_a,
        "citizen_name": "张女士",
    }
    fields.update(extra)
    return services.complaint_submit(**fields)


def member_of(user) -> Member:
    return Member.objects.get(user=user)


# Categories


def test_categories_list_codes_names_and_notices(db, citizen):
    response = citizen.get("/api/v1/categories/")

    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert set(rows["09006"]) == {
        "code",
        "name",
        "name_zh",
        "name_en",
        "major_class",
        "major_class_label",
        "referral_to",
        "notice",
        "default_priority",
    }
    assert rows["09006"]["name"] == "占道经营"
    assert rows["09006"]["name_en"] == "Trading on the road"
    assert rows["09006"]["major_class"] == "09"
    assert rows["09006"]["referral_to"] == ""
    assert rows["10901"]["referral_to"]
    assert rows["10901"]["notice"].startswith("物业收费")


def test_categories_speak_english_when_asked(db, citizen):
    rows = {r["code"]: r for r in citizen.get("/api/v1/categories/", **EN).json()}

    assert rows["09006"]["name"] == "Trading on the road"
    assert rows["09006"]["major_class_label"] == "street order"
    assert rows["10901"]["notice"].startswith("Disputes over property fees")


# Submitting


def test_a_citizen_files_by_json_and_gets_a_reference_and_the_unit(tree, citizen):
    response = post_json(citizen, LIST, payload())

    assert response.status_code == 201, response.json()
    body = response.json()
    assert REFERENCE_RE.match(body["reference"])
    assert body["status"] == "submitted"
    url = urlsplit(body["tracking_url"])
    assert (url.scheme, url.netloc, url.path) == (
        "http",
        "testserver",
        "/complaints/track/",
    )
    assert parse_qs(url.query) == {"reference": [body["reference"]]}
    assert body["squad"] == {"code": "ZD1", "name": "城区一中队", "card_url": None}
    complaint = Complaint.objects.get(reference=body["reference"])
    assert complaint.channel == Channel.WEB
    assert complaint.squad == tree.unit_a
    assert complaint.street == tree.street
    assert str(complaint.latitude) == "36.697123"
    assert complaint.consent_at is not None


def test_the_answer_to_a_filing_has_the_documented_fields(tree, citizen):
    body = post_json(citizen, LIST, payload()).json()

    assert list(body) == list(ComplaintSubmittedSerializer().fields)
    assert list(body["squad"]) == list(RoutedSquadSerializer().fields)


def test_the_routed_unit_links_its_published_card(tree, citizen, published_card):
    body = post_json(citizen, LIST, payload()).json()

    assert body["squad"]["card_url"] == "http://testserver/squads/ZD1/card/"


def test_a_citizen_files_with_a_photo_by_multipart(tree, citizen):
    data = payload(photos=[photo_upload("a.jpg"), photo_upload("b.jpg", "blue")])
    data.pop("latitude")
    data.pop("longitude")

    response = citizen.post(LIST, data)

    assert response.status_code == 201, response.json()
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    kinds = list(complaint.attachments.values_list("kind", flat=True))
    assert kinds == [Attachment.Kind.CITIZEN, Attachment.Kind.CITIZEN]


def test_without_a_community_the_case_has_no_unit_yet(tree, citizen):
    response = post_json(citizen, LIST, payload(community=None, street="370781001"))

    assert response.status_code == 201
    assert response.json()["squad"] is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("description", "太吵了", "at least 10 characters"),
        ("phone", "1391234", "11-digit mobile number"),
        ("category", "99999", "no category with the code “99999”"),
        ("consent", False, "agree to the notice"),
        ("latitude", 123.5, "not on Earth"),
        ("community", "370781009009", "no community with the code"),
    ],
)
def test_bad_input_gets_a_message_on_its_field(tree, citizen, field, value, message):
    response = post_json(citizen, LIST, payload(**{field: value}), **EN)

    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert message in body[field][0]
    assert not Complaint.objects.exists()


def test_several_bad_fields_are_reported_together(tree, citizen):
    response = post_json(
        citizen, LIST, payload(description="", phone="", consent=False), **EN
    )

    assert response.status_code == 400
    assert set(response.json()) == {"description", "phone", "consent"}


def test_a_php_file_named_jpg_is_refused_under_photos(tree, citizen):
    script = SimpleUploadedFile(
        "evil.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg"
    )
    data = payload(photos=[script])
    data.pop("latitude")
    data.pop("longitude")

    response = citizen.post(LIST, data, **EN)

    assert response.status_code == 400
    assert response.json() == {
        "photos": ["“evil.jpg” is not a JPEG, PNG or WebP photo."]
    }
    assert not Complaint.objects.exists()


def test_more_than_six_photos_are_refused(tree, citizen):
    data = payload(photos=[photo_upload(f"{n}.jpg") for n in range(7)])
    data.pop("latitude")
    data.pop("longitude")

    response = citizen.post(LIST, data, **EN)

    assert response.status_code == 400
    assert response.json()["photos"] == ["At most 6 photos; you chose 7."]


def test_the_honeypot_files_nothing(tree, citizen):
    response = post_json(citizen, LIST, payload(website="http://spam.example"), **EN)

    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Complaint.objects.exists()


def test_the_sixth_submission_in_ten_minutes_is_told_when_to_retry(tree, citizen):
    for _ in range(5):
        assert post_json(citizen, LIST, payload()).status_code == 201

    response = post_json(citizen, LIST, payload(), **EN)

    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= 601
    assert "Try again in" in response.json()["detail"]
    assert Complaint.objects.count() == 5


def test_the_api_and_the_web_form_share_one_budget(tree, citizen):
    for _ in range(settings.COMPLAINT_SUBMIT_RATE[0]):
        ratelimit.hit("complaint-submit", "127.0.0.1", settings.COMPLAINT_SUBMIT_RATE)

    assert post_json(citizen, LIST, payload()).status_code == 429


def test_another_address_has_its_own_budget(tree, citizen):
    for _ in range(5):
        post_json(citizen, LIST, payload())

    response = post_json(citizen, LIST, payload(), REMOTE_ADDR="10.0.0.9")

    assert response.status_code == 201


def test_filing_ignores_a_staff_session(tree, client_for, dispatcher):
    # The public form posts without CSRF even from a browser signed in to admin.
    client = Client(enforce_csrf_checks=True)
    client.force_login(dispatcher)

    response = post_json(client, LIST, payload())

    assert response.status_code == 201


# Tracking and rating


@pytest.fixture
def closed_case(tree, supervisor, officer):
    complaint = submit(tree)
    return walk_to_by_one(
        complaint, "closed", by=supervisor, officer=member_of(officer)
    )


def track(client, reference, last4="5678", **headers):
    return client.get(TRACK, {"reference": reference, "phone_last4": last4}, **headers)


def test_tracking_shows_the_public_timeline_without_staff_or_phone(
    closed_case, citizen
):
    response = track(citizen, closed_case.reference, **EN)

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == closed_case.reference
    assert body["status"] == "closed"
    assert body["status_label"] == "closed"
    assert body["category"] == "Noise nuisance"
    assert body["unit"] == "城区一中队"
    assert body["rating_open"] is True
    assert body["satisfaction"] == ""
    actions = [entry["action"] for entry in body["timeline"]]
    assert actions == ["submit", "accept", "dispatch", "sign", "dispose", "verify"]
    dispatch = body["timeline"][2]
    assert dispatch["status"] == "dispatched"
    assert dispatch["details"] == {"squad": "城区一中队"}
    dispose = body["timeline"][4]
    assert dispose["text"] == "已引导摊贩入市经营。"
    assert dispose["details"] == {"method": "service"}
    content = response.content.decode()
    for name in STAFF_NAMES:
        assert name not in content
    assert "13912345678" not in content
    assert "张女士" not in content


def test_a_rejection_shows_its_reason_and_referral(tree, citizen, dispatcher):
    complaint = submit(tree, code="10901")
    services.complaint_act(
        complaint=complaint,
        action="reject",
        by=dispatcher,
        opinion="物业纠纷由住建部门处理。",
    )

    body = track(citizen, complaint.reference).json()

    reject = body["timeline"][-1]
    assert reject["status"] == "rejected"
    assert reject["text"] == "物业纠纷由住建部门处理。"
    assert reject["details"] == {"referral_to": "住建部门（物业主管部门）"}


def test_a_wrong_pair_and_an_unknown_reference_get_the_same_answer(
    closed_case, citizen
):
    wrong_digits = track(citizen, closed_case.reference, "0000", **EN)
    unknown = track(citizen, "20990101-0001", **EN)

    assert wrong_digits.status_code == unknown.status_code == 404
    assert wrong_digits.content == unknown.content
    assert unknown.json() == {
        "detail": "No case matches this reference and phone number."
    }


def test_tracking_needs_both_halves(db, citizen):
    response = citizen.get(TRACK, {"reference": "20261123-0042"}, **EN)

    assert response.status_code == 400
    assert list(response.json()) == ["phone_last4"]


def test_tracking_is_throttled_per_address(closed_case, citizen):
    # Other references each time: the per-reference lock is not what is tested.
    for n in range(settings.COMPLAINT_TRACK_RATE[0]):
        assert track(citizen, f"20990101-{n + 1:04d}", "1234").status_code == 404

    response = track(citizen, closed_case.reference, **EN)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Try again in" in response.json()["detail"]


def test_a_citizen_rates_a_closed_case(closed_case, citizen):
    response = post_json(
        citizen,
        RATE,
        {
            "reference": closed_case.reference,
            "phone_last4": "5678",
            "satisfaction": "satisfied",
            "comment": "处理及时，谢谢！",
        },
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["satisfaction"] == "satisfied"
    assert body["rating_open"] is False
    assert body["timeline"][-1]["action"] == "rate"
    assert body["timeline"][-1]["details"] == {"satisfaction": "satisfied"}


def test_a_dissatisfied_rating_reopens_the_case(closed_case, citizen):
    response = post_json(
        citizen,
        RATE,
        {
            "reference": closed_case.reference,
            "phone_last4": "5678",
            "satisfaction": "dissatisfied",
        },
    )

    assert response.status_code == 200
    assert response.json()["status"] == "processing"
    assert response.json()["timeline"][-1]["action"] == "reopen"


def test_rating_an_open_case_is_refused_with_the_reason(tree, citizen):
    complaint = submit(tree)

    response = post_json(
        citizen,
        RATE,
        {
            "reference": complaint.reference,
            "phone_last4": "5678",
            "satisfaction": "satisfied",
        },
        **EN,
    )

    assert response.status_code == 400
    assert "can no longer be rated" in response.json()["detail"]
    complaint.refresh_from_db()
    assert complaint.satisfaction == ""


def test_rating_with_a_wrong_pair_is_not_found(closed_case, citizen):
    response = post_json(
        citizen,
        RATE,
        {
            "reference": closed_case.reference,
            "phone_last4": "0000",
            "satisfaction": "satisfied",
        },
    )

    assert response.status_code == 404
    closed_case.refresh_from_db()
    assert closed_case.satisfaction == ""


# The staff list


def test_the_staff_list_refuses_anonymous_callers(tree, citizen):
    submit(tree)

    response = citizen.get(LIST)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_user_without_a_role_is_refused(tree, client_for, django_user_model):
    user = django_user_model.objects.create_user(username="nobody", password="pw")

    assert client_for(user).get(LIST).status_code == 403


def test_an_integration_lists_with_a_token(tree, dispatcher):
    submit(tree)
    token = Token.objects.create(user=dispatcher)

    response = Client().get(LIST, HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def _references(response) -> set[str]:
    return {row["reference"] for row in response.json()["results"]}


@pytest.fixture
def spread(tree, supervisor, officer):
    """A case for each unit, dispatched; one waiting at the desk; one assigned."""
    a = walk_to_by_one(submit(tree), "dispatched", by=supervisor)
    b = walk_to_by_one(
        submit(tree, community=tree.community_b, phone="13700001111"),
        "dispatched",
        by=supervisor,
    )
    desk = submit(tree, phone="13600002222")
    assigned = walk_to_by_one(
        submit(tree, phone="13500003333"),
        "processing",
        by=supervisor,
        officer=member_of(officer),
    )
    return {"a": a, "b": b, "desk": desk, "assigned": assigned}


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("dispatcher", {"a", "b", "desk", "assigned"}),
        ("supervisor", {"a", "b", "desk", "assigned"}),
        ("squad_leader", {"a", "assigned"}),
        ("instructor", {"a", "assigned"}),
        ("other_squad_leader", {"b"}),
        ("officer", {"assigned"}),
    ],
)
def test_each_role_lists_its_own_scope(request, spread, client_for, role, sees):
    user = request.getfixturevalue(role)

    response = client_for(user).get(LIST)

    assert response.status_code == 200
    assert _references(response) == {spread[key].reference for key in sees}


def test_rows_carry_codes_names_and_a_masked_phone(spread, client_for, dispatcher):
    response = client_for(dispatcher).get(LIST, {"q": spread["a"].reference}, **EN)

    (row,) = response.json()["results"]
    assert row == {
        "reference": spread["a"].reference,
        "status": "dispatched",
        "status_label": "dispatched",
        "category": {"code": NO_PHOTOS, "name": "Noise nuisance"},
        "community": {"code": "370781001001", "name": "西苑社区"},
        "squad": {"code": "ZD1", "name": "城区一中队"},
        "channel": "web",
        "priority": "normal",
        "submitted_at": row["submitted_at"],
        "phone": "139****5678",
    }


def test_the_list_never_shows_a_full_phone(spread, client_for, supervisor):
    content = client_for(supervisor).get(LIST).content.decode()

    for phone in ["13912345678", "13700001111", "13600002222", "13500003333"]:
        assert phone not in content
    assert "136****2222" in content


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ({"status": "submitted"}, {"desk"}),
        ({"status": ["submitted", "processing"]}, {"desk", "assigned"}),
        ({"squad": "ZD2"}, {"b"}),
        ({"squad": "zd1"}, {"a", "desk", "assigned"}),
        ({"community": "370781002001"}, {"b"}),
        ({"category": NO_PHOTOS}, {"a", "b", "desk", "assigned"}),
        ({"category": "09006"}, set()),
        ({"channel": "web"}, {"a", "b", "desk", "assigned"}),
        ({"channel": "hotline_12345"}, set()),
        ({"priority": "urgent"}, set()),
        ({"q": "13600002222"}, {"desk"}),
        ({"q": "西苑小区"}, {"a", "b", "desk", "assigned"}),
        ({"submitted_after": "2000-01-01"}, {"a", "b", "desk", "assigned"}),
        ({"submitted_before": "2000-01-01"}, set()),
    ],
)
def test_the_list_filters(spread, client_for, dispatcher, query, keys):
    response = client_for(dispatcher).get(LIST, query)

    assert response.status_code == 200
    assert _references(response) == {spread[key].reference for key in keys}


def test_a_bad_filter_value_is_a_400_with_the_field(spread, client_for, dispatcher):
    response = client_for(dispatcher).get(LIST, {"status": "lost"})

    assert response.status_code == 400
    assert list(response.json()) == ["status"]


def test_cursor_pages_follow_each_other_without_duplicates(
    tree, client_for, supervisor
):
    made = [submit(tree, phone=f"1390000{n:04d}") for n in range(7)]
    # Three share a time: the cursor must still not repeat or skip them.
    same = made[2].submitted_at
    Complaint.objects.filter(pk__in=[made[3].pk, made[4].pk]).update(submitted_at=same)
    client = client_for(supervisor)

    seen: list[str] = []
    url = f"{LIST}?page_size=2"
    pages = 0
    while url:
        body = client.get(url).json()
        seen += [row["reference"] for row in body["results"]]
        url = body["next"]
        pages += 1

    assert pages == 4
    assert len(seen) == len(set(seen)) == 7
    expected = Complaint.objects.order_by("-submitted_at", "-id")
    assert seen == [c.reference for c in expected]


def test_page_size_is_capped(tree, client_for, supervisor):
    for n in range(3):
        submit(tree, phone=f"1390000{n:04d}")

    body = client_for(supervisor).get(LIST, {"page_size": 1000}).json()

    assert len(body["results"]) == 3


@pytest.mark.parametrize("rows", [10, 60])
def test_the_list_query_count_does_not_grow_with_the_page(
    tree, client_for, squad_leader, supervisor, django_assert_num_queries, rows
):
    for n in range(rows):
        complaint = submit(
            tree,
            phone=f"1390000{n:04d}",
            community=tree.community_a1 if n % 2 else tree.community_a,
        )
        services.complaint_act(complaint=complaint, action="accept", by=supervisor)
        services.complaint_act(complaint=complaint, action="dispatch", by=supervisor)
    client = client_for(squad_leader)

    # session, user with member, two to walk the unit tree, the page
    with django_assert_num_queries(5):
        response = client.get(LIST, {"page_size": 100})

    assert len(response.json()["results"]) == rows


# The staff detail


def test_the_detail_shows_fields_events_photos_and_actions(
    tree, client_for, supervisor, squad_leader
):
    complaint = services.complaint_submit(
        category=Category.objects.get(code="09006"),
        description="放学时间校门口有流动摊贩占道经营，影响学生通行。",
        address="西苑小学东门",
        phone="13912345678",
        community=tree.community_a,
        citizen_name="张女士",
        photos=[],
    )
    walk_to_by_one(complaint, "dispatched", by=supervisor)

    response = client_for(squad_leader).get(f"{LIST}{complaint.reference}/", **EN)

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == complaint.reference
    assert body["phone"] == "139****5678"
    assert "13912345678" not in response.content.decode()
    assert body["citizen_name"] == "张女士"
    assert body["description"].startswith("放学时间")
    assert body["squad"] == {"code": "ZD1", "name": "城区一中队"}
    assert body["street"] == {"code": "370781001", "name": "王府街道"}
    assert body["counts"] == {"rework": 0, "reopen": 0, "extension": 0}
    assert body["dispatched_at"] is not None
    assert body["closed_at"] is None
    assert [e["action"] for e in body["events"]] == ["submit", "accept", "dispatch"]
    accept = body["events"][1]
    assert accept["actor"] == "周督查"
    assert accept["role"] == "supervisor"
    assert (accept["from_status"], accept["to_status"]) == ("submitted", "registered")
    assert accept["public"] is True
    assert body["actions"] == ["sign", "assign", "return"]


def test_an_anonymous_citizens_name_is_not_shown(tree, client_for, dispatcher):
    complaint = submit(tree, is_anonymous=True)

    body = client_for(dispatcher).get(f"{LIST}{complaint.reference}/").json()

    assert body["citizen_name"] is None
    assert body["is_anonymous"] is True


def test_another_units_leader_gets_404_for_detail_and_actions(
    tree, client_for, supervisor, other_squad_leader
):
    complaint = walk_to_by_one(submit(tree), "dispatched", by=supervisor)
    client = client_for(other_squad_leader)

    detail = client.get(f"{LIST}{complaint.reference}/")
    action = post_json(client, f"{LIST}{complaint.reference}/actions/sign/", {})

    assert detail.status_code == 404
    assert action.status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == Status.DISPATCHED
    assert not complaint.events.filter(action="sign").exists()


def test_an_unknown_case_or_action_is_404(tree, client_for, supervisor):
    complaint = submit(tree)
    client = client_for(supervisor)

    assert client.get(f"{LIST}20990101-0001/").status_code == 404
    for action in ["fly", "reopen", "rate"]:
        url = f"{LIST}{complaint.reference}/actions/{action}/"
        assert post_json(client, url, {}).status_code == 404
    assert complaint.events.count() == 1


# Actions, driven from the workflow table

MAIN_LINE = [
    "submitted",
    "registered",
    "dispatched",
    "processing",
    "disposed",
    "closed",
]
AFTER_DISPATCH = {"dispatched", "processing", "disposed", "closed"}
DESK_ROLES = {"dispatcher", "supervisor"}


def _inputs(action: str, *, tree, officer_member, original) -> dict:
    return {
        "accept": {},
        "reject": {"opinion": "不属于城管职责。", "referral_to": "住建部门"},
        "merge": {"duplicate_of": original.reference if original else ""},
        "dispatch": {"squad": tree.unit_a.code},
        "sign": {},
        "assign": {"assignee": officer_member.pk},
        "dispose": {"method": "service", "resolution": "已劝离摊贩。"},
        "return": {"opinion": "不属于本中队辖区。"},
        "verify": {},
        "rework": {"opinion": "现场仍有摊贩。"},
        "cancel": {"opinion": "重复录入。"},
    }[action]


def _visible(role: str, status: str) -> bool:
    # Leaders see their unit's cases once dispatched; the officer, assigned
    # right after dispatch by walk_to_by_one, sees them from then on.
    return role in DESK_ROLES or status in AFTER_DISPATCH


MATRIX = [
    pytest.param(action, source, role, id=f"{action}-from-{source}-by-{role}")
    for action, transition in TRANSITIONS.items()
    if action != "reopen"
    for source in MAIN_LINE
    if source in transition.sources
    for role in ROLES
]


@pytest.mark.parametrize(("action", "source", "role"), MATRIX)
def test_every_action_is_allowed_or_refused_per_role(
    request, tree, client_for, supervisor, officer, action, source, role
):
    transition = TRANSITIONS[action]
    officer_member = member_of(officer)
    original = submit(tree, phone="13700009999") if action == "merge" else None
    complaint = walk_to_by_one(
        submit(tree), source, by=supervisor, officer=officer_member
    )
    user = request.getfixturevalue(role)
    events_before = complaint.events.count()
    inputs = _inputs(
        action, tree=tree, officer_member=officer_member, original=original
    )

    response = post_json(
        client_for(user),
        f"{LIST}{complaint.reference}/actions/{action}/",
        {"expected_status": source, **inputs},
        **EN,
    )

    complaint.refresh_from_db()
    if not _visible(role, source):
        assert response.status_code == 404
    elif role not in transition.roles:
        assert response.status_code == 403
        assert "may not take the action" in response.json()["detail"]
    else:
        assert response.status_code == 200, response.json()
        target = transition.target or source
        assert response.json()["status"] == target
        assert complaint.status == target
        event = complaint.events.order_by("-created_at", "-id").first()
        assert complaint.events.count() == events_before + 1
        assert (event.action, event.actor, event.role) == (action, user, role)
        assert (event.from_status, event.to_status) == (source, target)
        return
    assert complaint.status == source
    assert complaint.events.count() == events_before


WRONG_STATE = [
    pytest.param(action, status, id=f"{action}-from-{status}")
    for action, transition in TRANSITIONS.items()
    if action != "reopen"
    for status in MAIN_LINE
    if status not in transition.sources
]


@pytest.mark.parametrize(("action", "status"), WRONG_STATE)
def test_an_action_from_a_state_it_does_not_start_from_is_refused(
    tree, client_for, supervisor, officer, action, status
):
    officer_member = member_of(officer)
    original = submit(tree, phone="13700009999")
    complaint = walk_to_by_one(
        submit(tree), status, by=supervisor, officer=officer_member
    )
    events_before = complaint.events.count()
    inputs = _inputs(
        action, tree=tree, officer_member=officer_member, original=original
    )

    response = post_json(
        client_for(supervisor),
        f"{LIST}{complaint.reference}/actions/{action}/",
        {"expected_status": status, **inputs},
        **EN,
    )

    assert response.status_code == 400
    assert "is not possible while the case is" in response.json()["detail"]
    complaint.refresh_from_db()
    assert complaint.status == status
    assert complaint.events.count() == events_before


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("reject", "submitted"),
        ("return", "dispatched"),
        ("rework", "disposed"),
        ("cancel", "registered"),
    ],
)
def test_actions_that_need_a_reason_refuse_without_one(
    tree, client_for, supervisor, action, status
):
    complaint = walk_to_by_one(submit(tree), status, by=supervisor)

    response = post_json(
        client_for(supervisor),
        f"{LIST}{complaint.reference}/actions/{action}/",
        {"opinion": "   "},
        **EN,
    )

    assert response.status_code == 400
    assert response.json() == {
        "opinion": ["Give a reason: the record and the citizen need one."]
    }
    complaint.refresh_from_db()
    assert complaint.status == status


def test_a_stale_status_is_a_conflict(tree, client_for, supervisor, dispatcher):
    complaint = submit(tree)
    services.complaint_act(complaint=complaint, action="accept", by=supervisor)

    response = post_json(
        client_for(dispatcher),
        f"{LIST}{complaint.reference}/actions/accept/",
        {"expected_status": "submitted"},
        **EN,
    )

    assert response.status_code == 409
    assert "Someone else has just changed this case" in response.json()["detail"]
    assert complaint.events.filter(action="accept").count() == 1


def test_dispatch_to_an_unknown_unit_is_a_field_error(tree, client_for, dispatcher):
    complaint = walk_to_by_one(submit(tree), "registered", by=dispatcher)

    response = post_json(
        client_for(dispatcher),
        f"{LIST}{complaint.reference}/actions/dispatch/",
        {"squad": "NOPE"},
        **EN,
    )

    assert response.status_code == 400
    assert "NOPE" in response.json()["squad"][0]


def test_merge_into_an_unknown_case_is_a_field_error(tree, client_for, dispatcher):
    complaint = submit(tree)

    response = post_json(
        client_for(dispatcher),
        f"{LIST}{complaint.reference}/actions/merge/",
        {"duplicate_of": "20990101-0001"},
        **EN,
    )

    assert response.status_code == 400
    assert list(response.json()) == ["duplicate_of"]


def test_merge_points_to_the_original(tree, client_for, dispatcher):
    original = submit(tree, phone="13700009999")
    complaint = submit(tree)

    response = post_json(
        client_for(dispatcher),
        f"{LIST}{complaint.reference}/actions/merge/",
        {"duplicate_of": original.reference},
    )

    assert response.status_code == 200
    assert response.json()["duplicate_of"] == original.reference
    assert response.json()["status"] == "duplicate"


# Disposal with photos


@pytest.fixture
def trading_case(tree, supervisor):
    complaint = submit(tree, code="09006")
    return walk_to_by_one(complaint, "processing", by=supervisor)


def test_dispose_needs_a_method_and_a_result(trading_case, client_for, squad_leader):
    url = f"{LIST}{trading_case.reference}/actions/dispose/"
    client = client_for(squad_leader)

    no_method = post_json(client, url, {"resolution": "已劝离。"}, **EN)
    no_result = post_json(client, url, {"method": "service"}, **EN)

    assert no_method.status_code == 400
    assert "721" in no_method.json()["method"][0]
    assert no_result.status_code == 400
    assert list(no_result.json()) == ["resolution"]


def test_dispose_needs_photos_from_before_and_after_where_the_category_asks(
    trading_case, client_for, squad_leader
):
    url = f"{LIST}{trading_case.reference}/actions/dispose/"
    client = client_for(squad_leader)
    form = {"method": "service", "resolution": "已引导摊贩进入便民市场经营。"}

    none = client.post(url, form, **EN)
    only_before = client.post(url, {**form, "photos_before": [photo_upload()]}, **EN)

    assert none.status_code == 400
    assert "before and one from after" in none.json()["photos_before"][0]
    assert only_before.status_code == 400
    assert "before and one from after" in only_before.json()["photos_after"][0]
    trading_case.refresh_from_db()
    assert trading_case.status == Status.PROCESSING
    assert not trading_case.attachments.exists()


def test_dispose_with_photos_stores_them(trading_case, client_for, squad_leader):
    client = client_for(squad_leader)
    response = client.post(
        f"{LIST}{trading_case.reference}/actions/dispose/",
        {
            "expected_status": "processing",
            "method": "service",
            "resolution": "已引导摊贩进入便民市场经营。",
            "photos_before": [photo_upload("before.jpg", "gray")],
            "photos_after": [photo_upload("after.jpg", "green")],
        },
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "disposed"
    assert body["method"] == "service"
    assert sorted(a["kind"] for a in body["attachments"]) == ["after", "before"]
    stored = Attachment.objects.filter(complaint=trading_case)
    assert {a.event.action for a in stored} == {"dispose"}
    assert all(a.width == 64 and a.height == 48 for a in stored)
    photo = client.get(body["attachments"][0]["url"])
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"


def test_a_bad_disposal_photo_is_refused_under_its_field(
    trading_case, client_for, squad_leader
):
    fake = SimpleUploadedFile("after.jpg", b"not a photo", content_type="image/jpeg")

    response = client_for(squad_leader).post(
        f"{LIST}{trading_case.reference}/actions/dispose/",
        {
            "method": "service",
            "resolution": "已处理。",
            "photos_before": [photo_upload()],
            "photos_after": [fake],
        },
        **EN,
    )

    assert response.status_code == 400
    assert response.json() == {
        "photos_after": ["“after.jpg” is not a JPEG, PNG or WebP photo."]
    }


# The schema


def test_the_schema_documents_the_complaint_operations(db, citizen):
    response = citizen.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/api/v1/complaints/"]) == {"get", "post"}
    assert paths["/api/v1/complaints/"]["post"]["security"] == [{}]
    assert {"tokenAuth": []} in paths["/api/v1/complaints/"]["get"]["security"]
    names = {p["name"] for p in paths["/api/v1/complaints/"]["get"]["parameters"]}
    assert {"status", "squad", "q", "cursor", "page_size"} <= names
    for path in [
        "/api/v1/categories/",
        "/api/v1/complaints/track/",
        "/api/v1/complaints/track/rate/",
        "/api/v1/complaints/{reference}/",
        "/api/v1/complaints/{reference}/actions/{action}/",
    ]:
        assert path in paths


# The one exception handler


def test_workflow_errors_keep_their_status_and_field():
    field = exception_handler(DomainError("Choose the officer.", field="assignee"), {})
    forbidden = exception_handler(Forbidden("Not your role."), {})
    conflict = exception_handler(Conflict("Someone was first."), {})
    invalid = exception_handler(
        DjangoValidationError({"phone": ["Bad phone."], "__all__": ["Whole form."]}),
        {},
    )

    assert (field.status_code, field.data) == (
        400,
        {"assignee": ["Choose the officer."]},
    )
    assert (forbidden.status_code, forbidden.data) == (
        403,
        {"detail": "Not your role."},
    )
    assert (conflict.status_code, conflict.data) == (
        409,
        {"detail": "Someone was first."},
    )
    assert invalid.status_code == 400
    assert invalid.data == {
        "phone": ["Bad phone."],
        "non_field_errors": ["Whole form."],
    }
