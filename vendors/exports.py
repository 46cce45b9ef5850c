"""The relocations list's export (引导入市台账): its columns.

Registered with the core's export registry; `RelocationAdmin` takes the
core's `ExportAdminMixin`, so the file holds the rows the list shows.
A vendor's phone and identity card number are always masked, as on every
page of the admin: the file never holds them whole, whoever exports it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from import_export.fields import Field
from import_export.widgets import CharWidget, DateTimeWidget, DateWidget

from citymgmt import phones
from citymgmt.exports.registry import ExportKind, register
from citymgmt.exports.resources import ExportResource, Row
from vendors.models import Relocation, RelocationStatus
from vendors.models.people import mask_identity


def _text(path: str, header: Any) -> Field:
    return Field(attribute=path, column_name=header, widget=CharWidget())


def _moment(path: str, header: Any) -> Field:
    return Field(attribute=path, column_name=header, widget=DateTimeWidget())


def _day(path: str, header: Any) -> Field:
    return Field(attribute=path, column_name=header, widget=DateWidget())


class RelocationResource(ExportResource):
    vendor = _text("vendor__name", _("vendor"))
    vendor_phone = _text("vendor__phone", _("mobile phone"))
    vendor_identity = _text("vendor__identity_number", _("identity card number"))
    goods = _text("vendor__goods", _("goods"))
    status = _text("status", _("status"))
    market = _text("market__name", _("market"))
    stall = _text("stall__number", _("stall number"))
    squad = _text("squad__name", _("unit"))
    officer = _text("officer__full_name", _("officer"))
    origin_complaint = _text("origin_complaint__reference", _("from complaint"))
    origin_hotspot = _text("origin_hotspot__name", _("from hotspot"))
    offered_at = _moment("offered_at", _("offered at"))
    accepted_at = _moment("accepted_at", _("accepted at"))
    moved_on = _day("moved_on", _("moved in on"))
    last_visit_on = _day("last_visit_on", _("last visit"))
    fee_waived_until = _day("fee_waived_until", _("fee waived until"))
    stable_at = _moment("stable_at", _("stable since"))
    closed_at = _moment("closed_at", _("ended at"))
    note = _text("note", _("note"))

    class Meta:
        model = Relocation
        fields = (
            "vendor",
            "vendor_phone",
            "vendor_identity",
            "goods",
            "status",
            "market",
            "stall",
            "squad",
            "officer",
            "origin_complaint",
            "origin_hotspot",
            "offered_at",
            "accepted_at",
            "moved_on",
            "last_visit_on",
            "fee_waived_until",
            "stable_at",
            "closed_at",
            "note",
        )
        export_order = fields

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.status_labels = {
            value: str(label) for value, label in RelocationStatus.choices
        }

    def render_status(self, value: str, row: Row) -> str:
        return self.status_labels.get(value, value)

    # Masked whatever the user's role: the vendors' pages never show them whole.
    def render_vendor_phone(self, value: str | None, row: Row) -> str:
        return phones.mask(value)

    def render_vendor_identity(self, value: str | None, row: Row) -> str:
        return mask_identity(value)

    def render_last_visit_on(self, value: Any, row: Row) -> Any:
        # As the list shows it: only once the vendor moved in.
        return value if row["moved_on"] else None


RELOCATIONS = register(
    ExportKind(
        name="relocations",
        model=Relocation,
        resource=RelocationResource,
        label=_("relocations"),
    )
)
