"""The admin's forms: each runs its service when it is cleaned.

A `ServiceForm` skips the model's own validation and hands what was typed
to the service, whose refusals land on the fields they name; the saved row
becomes the form's instance, so the admin's save only records the change.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citymgmt.photos import PhotosField
from complaints import references
from complaints.models import Complaint
from complaints.selectors import complaints_visible_to
from squads import selectors as squad_selectors
from squads.admin import ServiceForm
from vendors import selectors, services
from vendors.models import (
    CheckIn,
    DutyPost,
    Hotspot,
    HotspotWindow,
    Market,
    Relocation,
    Stall,
    Vendor,
)


class MarketForm(ServiceForm):
    class Meta:
        model = Market
        fields = [
            "name",
            "kind",
            "address",
            "community",
            "squad",
            "latitude",
            "longitude",
            "opening_hours",
            "operator",
            "contact_phone",
            "fee_rule",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.optional("squad", _("Empty: the unit that covers the community."))

    def save_through_service(self, data: dict[str, Any]) -> Market:
        return services.market_save(
            by=self.user,
            market=data.pop("existing"),
            **data,
        )


class StallForm(ServiceForm):
    class Meta:
        model = Stall
        fields = [
            "market",
            "number",
            "size_m2",
            "goods_allowed",
            "status",
            "fee_waived",
            "fee_waiver_reason",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit("market", selectors.markets_editable_by(user=self.user))

    def save_through_service(self, data: dict[str, Any]) -> Stall:
        return services.stall_save(by=self.user, stall=data.pop("existing"), **data)


class VendorForm(ServiceForm):
    """The identity number is never shown: a new one replaces it, empty keeps it."""

    new_identity_number = forms.CharField(
        label=_("identity card number"),
        required=False,
        max_length=18,
        help_text=_(
            "Kept only with the vendor's consent and always shown masked. "
            "Leave empty to keep the number on record."
        ),
    )
    identity_consent = forms.BooleanField(
        label=_("The vendor agrees that the identity number is kept"),
        required=False,
    )
    remove_identity = forms.BooleanField(
        label=_("Remove the identity number"), required=False
    )

    class Meta:
        model = Vendor
        fields = [
            "name",
            "goods",
            "phone",
            "squad",
            "usual_hotspot",
            "usual_hours",
            "is_elderly",
            "is_hardship",
            "has_disability",
            "note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.optional("squad")
        self.limit("squad", squad_selectors.squads_visible_to(user=self.user))
        self.limit("usual_hotspot", selectors.hotspots_visible_to(user=self.user))
        if "phone" in self.fields:
            self.fields["phone"].validators = []  # the service checks, says why
        if self.instance.pk and "identity_consent" in self.fields:
            self.fields["identity_consent"].initial = bool(
                self.instance.identity_consent_at
            )

    def save_through_service(self, data: dict[str, Any]) -> Vendor:
        typed = data.pop("new_identity_number").strip()
        remove = data.pop("remove_identity")
        consent = data.pop("identity_consent")
        return services.vendor_save(
            by=self.user,
            vendor=data.pop("existing"),
            identity_number="" if remove else (typed or None),
            identity_consent=consent,
            **data,
        )


class RelocationOfferForm(ServiceForm):
    class Meta:
        model = Relocation
        fields = [
            "vendor",
            "origin_hotspot",
            "origin_complaint",
            "market",
            "stall",
            "officer",
            "fee_waived_until",
            "note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.user
        self.limit("vendor", selectors.vendors_visible_to(user=user))
        self.limit("origin_hotspot", selectors.hotspots_visible_to(user=user))
        self.limit("market", selectors.markets_visible_to(user=user))
        self.limit("stall", _vacant_stalls(user))
        self.optional("officer")
        self.limit("officer", squad_selectors.members_visible_to(user=user))
        self.limit("origin_complaint", complaints_visible_to(user=user))
        if "origin_complaint" in self.fields:
            # A case is chosen by its id, from the case page's link.
            self.fields["origin_complaint"].widget = forms.HiddenInput()

    def save_through_service(self, data: dict[str, Any]) -> Relocation:
        data.pop("existing")
        return services.relocation_offer(by=self.user, **data)


def _vacant_stalls(user: User) -> QuerySet[Stall]:
    return selectors.stalls_visible_to(user=user).filter(status="vacant")


# Between references: spaces, line breaks, commas (also 、 and ，) or semicolons.
REFERENCE_SEPARATORS = re.compile(r"[\s,;，、；]+")


class HotspotForm(ServiceForm):
    link_references = forms.CharField(
        label=_("link cases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "References of cases about this place, e.g. 20261123-0042; separate "
            "several with spaces or commas."
        ),
    )

    class Meta:
        model = Hotspot
        fields = ["name", "community", "place", "latitude", "longitude", "category"]

    def clean_link_references(self) -> list[Complaint]:
        """The cases named, each one the user may see; else nothing is linked."""
        typed = [
            t
            for t in REFERENCE_SEPARATORS.split(
                self.cleaned_data["link_references"] or ""
            )
            if t
        ]
        if not typed:
            return []
        wanted: dict[str, str] = {}
        for text in typed:
            reference = references.parse(text)
            if reference is None:
                raise forms.ValidationError(
                    _("“%(value)s” is not a case reference like 20261123-0042."),
                    code="reference",
                    params={"value": text},
                )
            wanted.setdefault(reference, text)
        found = list(
            complaints_visible_to(user=self.user).filter(reference__in=list(wanted))
        )
        unknown = sorted(set(wanted) - {c.reference for c in found})
        if unknown:
            raise forms.ValidationError(
                _("No case with the reference %(references)s is in your scope."),
                code="unknown_reference",
                params={"references": "、".join(unknown)},
            )
        return found

    def save_through_service(self, data: dict[str, Any]) -> Hotspot:
        existing = data.pop("existing")
        linked = data.pop("link_references", None) or []
        if existing is not None:
            hotspot = services.hotspot_save(by=self.user, hotspot=existing, **data)
            return services.hotspot_link_complaints(
                hotspot=hotspot, by=self.user, complaints=linked
            )
        return services.hotspot_open(by=self.user, complaints=linked, **data)


WEEKDAY_CHOICES = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


class HotspotWindowForm(forms.ModelForm):
    """A window's weekdays as boxes to tick; stored as bits (Monday = 1)."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = HotspotWindow
        fields = ["working_days", "weekdays", "start", "end"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["weekdays"] = self.instance.weekday_numbers()

    def clean_weekdays(self) -> int:
        return sum(1 << day for day in set(self.cleaned_data["weekdays"] or []))


class DutyPostForm(ServiceForm):
    class Meta:
        model = DutyPost
        fields = ["hotspot", "date", "start", "end"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit("hotspot", selectors.hotspots_visible_to(user=self.user))

    def save_through_service(self, data: dict[str, Any]) -> DutyPost:
        data.pop("existing")
        return services.duty_post_save(by=self.user, **data)


class CheckInForm(ServiceForm):
    photo_upload = PhotosField(label=_("photo"), required=False)

    class Meta:
        model = CheckIn
        fields = ["post", "vendors_present", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit("post", selectors.duty_posts_visible_to(user=self.user))

    def save_through_service(self, data: dict[str, Any]) -> CheckIn:
        data.pop("existing")
        photos = data.pop("photo_upload") or []
        return services.checkin_record(
            by=self.user, photo=photos[0] if photos else None, **data
        )


# --- The relocation's action forms -------------------------------------------


class ActionForm(forms.Form):
    """A move on a relocation; `expected_status` refuses a stale page."""

    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("note"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, relocation: Relocation, user: User, **kwargs):
        kwargs.setdefault("initial", {})["expected_status"] = relocation.status
        super().__init__(*args, **kwargs)
        self.relocation = relocation
        self.user = user

    def service_inputs(self) -> dict[str, Any]:
        return {
            "note": self.cleaned_data["note"],
            "expected_status": self.cleaned_data["expected_status"] or None,
        }


class ReasonForm(ActionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = _("reason")


class StallChoiceForm(ActionForm):
    stall = forms.ModelChoiceField(
        label=_("stall"), queryset=Stall.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stalls = _vacant_stalls(self.user).filter(market=self.relocation.market)
        if self.relocation.stall_id:
            stalls = stalls | selectors.stalls_visible_to(user=self.user).filter(
                pk=self.relocation.stall_id
            )
        self.fields["stall"].queryset = stalls.order_by("number")
        self.fields["stall"].initial = self.relocation.stall_id

    def service_inputs(self) -> dict[str, Any]:
        return {**super().service_inputs(), "stall": self.cleaned_data["stall"]}


class MoveInForm(StallChoiceForm):
    moved_on = forms.DateField(
        label=_("moved in on"), required=False, initial=timezone.localdate
    )
    fee_waived_until = forms.DateField(label=_("fee waived until"), required=False)

    def service_inputs(self) -> dict[str, Any]:
        return {
            **super().service_inputs(),
            "moved_on": self.cleaned_data["moved_on"],
            "fee_waived_until": self.cleaned_data["fee_waived_until"],
        }


class FollowUpForm(ActionForm):
    visited_on = forms.DateField(label=_("visited on"), initial=timezone.localdate)
    present = forms.BooleanField(label=_("at the stall"), required=False)
    photo = PhotosField(label=_("photo"), required=False)

    def service_inputs(self) -> dict[str, Any]:
        photos = self.cleaned_data.get("photo") or []
        return {
            "note": self.cleaned_data["note"],
            "visited_on": self.cleaned_data["visited_on"],
            "present": self.cleaned_data["present"],
            "photo": photos[0] if photos else None,
        }


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "accept": StallChoiceForm,
    "move_in": MoveInForm,
    "follow_up": FollowUpForm,
    "mark_stable": ActionForm,
    "mark_returned": ReasonForm,
    "decline": ReasonForm,
}
