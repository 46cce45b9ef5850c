"""Filing leaves references to other rows to the database; its refusals read clearly.

A category or community removed while a citizen was typing is refused by
PostgreSQL at commit (foreign keys are deferred): the citizen is told on the
field, in their language, and nothing is filed.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from citymgmt.errors import InvalidInput
from citymgmt.notifications.models import Notification
from complaints import services
from complaints.models import Category, Complaint, ComplaintEvent, DailySequence
from squads.models import Area
from tests.complaints.factories import photo

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("empty_cache", "media_root"),
]


def _new_category() -> Category:
    template = Category.objects.get(code="09006")
    return Category.objects.create(
        code="99001",
        name_zh="测试类别",
        name_en="Test kind",
        major_class=template.major_class,
        default_priority=template.default_priority,
    )


def _file(tree, **changes):
    arguments = {
        "category": Category.objects.get(code="09006"),
        "description": "放学时间校门口有流动摊贩占道经营，影响学生通行。",
        "address": "西苑小学东门",
        "phone": "13912345678",
        "community": tree.community_a,
        **changes,
    }
    return services.complaint_submit(**arguments)


def _nothing_filed() -> bool:
    return not (
        Complaint.objects.exists()
        or ComplaintEvent.objects.exists()
        or Notification.objects.exists()
    )


def test_a_category_removed_while_typing_is_refused_on_its_field_in_chinese(
    require_postgres, tree
):
    category = _new_category()
    Category.objects.filter(pk=category.pk).delete()

    with translation.override("zh-hans"), pytest.raises(InvalidInput) as refused:
        _file(tree, category=category)

    assert refused.value.field == "category"
    assert str(refused.value) == "请从列表中选择问题类别。"
    assert _nothing_filed()
    # The refused statement took no number: the next filing is the day's first.
    assert not DailySequence.objects.exists()
    assert _file(tree).reference.endswith("-0001")


def test_a_community_removed_while_typing_is_refused_on_its_field(
    require_postgres, tree
):
    community = Area.objects.create(
        code="370781001099",
        name="临时社区",
        level=Area.Level.COMMUNITY,
        parent=tree.street,
        covering_squad=tree.unit_a,
    )
    Area.objects.filter(pk=community.pk).delete()

    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        _file(tree, community=community)

    assert refused.value.field == "community"
    assert str(refused.value) == "Choose your community from the list."
    assert _nothing_filed()


def test_a_street_removed_while_typing_is_refused_on_its_field_in_chinese(
    require_postgres, tree
):
    street = Area.objects.create(
        code="370781099", name="临时街道", level=Area.Level.STREET, parent=tree.district
    )
    Area.objects.filter(pk=street.pk).delete()

    with translation.override("zh-hans"), pytest.raises(InvalidInput) as refused:
        _file(tree, community=None, street=street, unit=tree.unit_a)

    assert refused.value.field == "street"
    assert str(refused.value) == "请从列表中选择街道或乡镇。"
    assert _nothing_filed()


def test_a_filing_whose_photo_cannot_be_stored_files_nothing(tree, settings, tmp_path):
    # The photos' folder cannot be made: a file stands where it would go.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = str(blocker / "media")

    with pytest.raises(OSError):
        _file(tree, photos=[photo()])

    # The case's statement ran before the photo: it went back with it.
    assert _nothing_filed()
    assert not DailySequence.objects.exists()
