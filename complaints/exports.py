"""The complaints list's export: its columns, and phones logged as revealed.

Registered with the core's export registry; `ComplaintAdmin` takes the
core's `ExportAdminMixin`, so the file holds the rows the list shows (scope,
filters, search). A citizen's phone is masked unless the user may reveal
phones (`squads.roles.may_reveal_phones`); a file with full numbers writes
a `reveal_phone` event on each case it holds
(`services.complaint_reveal_phones_exported`, an INSERT per 2,000 cases).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field
from import_export.widgets import CharWidget, DateTimeWidget, IntegerWidget

from citymgmt import phones
from citymgmt.exports.registry import ExportKind, register
from citymgmt.exports.resources import ExportResource, Row
from complaints import services
from complaints.models import (
    Category,
    Channel,
    Complaint,
    Method,
    RequestType,
    Satisfaction,
    Status,
)
from squads.roles import may_reveal_phones


def _text(path: str, header: Any) -> Field:
    return Field(attribute=path, column_name=header, widget=CharWidget())


def _moment(path: str, header: Any) -> Field:
    return Field(attribute=path, column_name=header, widget=DateTimeWidget())


def _labels(choices: Sequence[tuple[str, Any]]) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


class ComplaintResource(ExportResource):
    reference = _text("reference", _("reference"))
    submitted_at = _moment("submitted_at", _("submitted at"))
    status = _text("status", _("status"))
    priority = _text("priority", _("priority"))
    request_type = _text("request_type", _("request type"))
    channel = _text("channel", _("channel"))
    category = _text("category__name_zh", _("category"))
    street = _text("street__name", _("street"))
    community = _text("community__name", _("community"))
    address = _text("address", _("address"))
    description = _text("description", _("description"))
    citizen_name = _text("citizen_name", _("citizen's name"))
    phone = _text("phone", _("mobile phone"))
    squad = _text("squad__name", _("handling unit"))
    assignee = _text("assignee__full_name", _("assignee"))
    method = _text("method", _("method (721)"))
    satisfaction = _text("satisfaction", _("satisfaction"))
    current_due_at = _moment("current_due_at", _("current stage due at"))
    closed_at = _moment("closed_at", _("closed at"))
    rework_count = Field(
        attribute="rework_count", column_name=_("reworks"), widget=IntegerWidget()
    )

    extra_paths = ("category__code", "category__name_en", "is_anonymous")

    class Meta:
        model = Complaint
        fields = (
            "reference",
            "submitted_at",
            "status",
            "priority",
            "request_type",
            "channel",
            "category",
            "street",
            "community",
            "address",
            "description",
            "citizen_name",
            "phone",
            "squad",
            "assignee",
            "method",
            "satisfaction",
            "current_due_at",
            "closed_at",
            "rework_count",
        )
        export_order = fields

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Read once per export, in its language.
        self.english = (get_language() or "").startswith("en")
        self.anonymous = gettext("anonymous")
        self.choice_labels = {
            "status": _labels(Status.choices),
            "priority": _labels(Category.Priority.choices),
            "request_type": _labels(RequestType.choices),
            "channel": _labels(Channel.choices),
            "method": _labels(Method.choices),
            "satisfaction": _labels(Satisfaction.choices),
        }

    def _choice(self, name: str, value: str | None) -> str:
        return self.choice_labels[name].get(value or "", value or "")

    def render_status(self, value: str, row: Row) -> str:
        return self._choice("status", value)

    def render_priority(self, value: str, row: Row) -> str:
        return self._choice("priority", value)

    def render_request_type(self, value: str, row: Row) -> str:
        return self._choice("request_type", value)

    def render_channel(self, value: str, row: Row) -> str:
        return self._choice("channel", value)

    def render_method(self, value: str, row: Row) -> str:
        return self._choice("method", value)

    def render_satisfaction(self, value: str, row: Row) -> str:
        return self._choice("satisfaction", value)

    def render_category(self, value: str | None, row: Row) -> str:
        name = row["category__name_en"] if self.english else value
        return f"{row['category__code']} {name}"

    def render_citizen_name(self, value: str | None, row: Row) -> str:
        return self.anonymous if row["is_anonymous"] else (value or "")

    def render_phone(self, value: str | None, row: Row) -> str:
        return (value or "") if self.reveal_phones else phones.mask(value)


def record_reveals(*, by: Any, rows: Sequence[tuple[int, str]], job_id: int) -> None:
    services.complaint_reveal_phones_exported(cases=rows, by=by, export_id=job_id)


COMPLAINTS = register(
    ExportKind(
        name="complaints",
        model=Complaint,
        resource=ComplaintResource,
        label=_("complaints"),
        reveals_phones=lambda user: may_reveal_phones(user=user),
        record_reveals=record_reveals,
        reveal_paths=("pk", "status"),
    )
)
