"""The public stall request and its tracking: forms read, the service decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vendors.models import Market
from vendors.selectors_public import market_choices
from vendors.services.requests import GOODS_MAX, NAME_MAX, reference_normalize

HONEYPOT = "website"
TYPED_FIELDS = ["name", "phone", "goods", "market", "is_hardship", "consent"]
YES_NO = [("no", _("No")), ("yes", _("Yes"))]


class StallRequestForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Enter your name, so the unit knows whom to call."),
            "max_length": _("Keep the name to %(limit_value)d characters."),
        },
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        help_text=_("11 digits. Only the unit sees it, to call you back."),
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "type": "tel"}
        ),
        error_messages={
            "required": _(
                "Enter your 11-digit mobile number: the unit calls you on it."
            ),
            "max_length": _(
                "Enter an 11-digit mobile number, for example 13812345678."
            ),
        },
    )
    goods = forms.CharField(
        label=_("What do you sell?"),
        max_length=GOODS_MAX,
        help_text=_("e.g. fruit, vegetables, snacks, small goods"),
        error_messages={
            "required": _("Say what you sell, e.g. fruit, snacks, small goods."),
            "max_length": _("Keep the goods to %(limit_value)d characters."),
        },
    )
    market = forms.TypedChoiceField(
        label=_("Preferred market (optional)"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _(
                "This market no longer takes vendors; choose another or leave it open."
            ),
        },
    )
    is_hardship = forms.ChoiceField(
        label=_("Are you in hardship (elderly, disabled, low income)?"),
        help_text=_("Markets that waive fees keep free stalls for hardship cases."),
        choices=YES_NO,
        initial="no",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Answer yes or no.")},
    )
    # The browser asks for the tick first; the service decides.
    consent = forms.BooleanField(
        label=_(
            "I agree that my name and phone are used by the unit to answer this "
            "request."
        ),
        required=False,
        widget=forms.CheckboxInput(attrs={"required": True}),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        market = self.fields["market"]
        market.choices = [  # type: ignore[attr-defined]
            ("", _("Any market near me")),
            *market_choices(),
        ]

    def submit_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        market_id = data.get("market")
        return {
            "name": data["name"],
            "phone": data["phone"],
            "goods": data["goods"],
            "market": Market(pk=market_id) if market_id else None,
            "is_hardship": data["is_hardship"] == "yes",
            "consent": bool(data.get("consent")),
        }

    def readable(self) -> dict[str, Any]:
        """The fields that could be read, for the service's one refusal."""
        return {
            name: self.cleaned_data[name]
            for name in ("name", "phone", "goods", "consent")
            if name in self.cleaned_data
        }


class StallTrackForm(forms.Form):
    """A stall request's reference and the last 4 digits of its phone."""

    reference = forms.CharField(
        label=_("Reference"),
        max_length=20,
        help_text=_("For example S20261206-0001"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Enter the reference you were given, e.g. S20261206-0001."),
        },
    )
    phone_last4 = forms.CharField(
        label=_("Last 4 digits of your mobile phone"),
        max_length=4,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": r"\d{4}"}
        ),
        error_messages={
            "required": _("Enter the last 4 digits of the mobile number you gave."),
            "max_length": _("Enter the last 4 digits of the mobile number you gave."),
        },
    )

    def clean_reference(self) -> str:
        return reference_normalize(self.cleaned_data["reference"])

    def clean_phone_last4(self) -> str:
        digits = self.cleaned_data["phone_last4"].strip()
        if len(digits) != 4 or not digits.isdigit():
            raise forms.ValidationError(
                _("Enter the last 4 digits of the mobile number you gave.")
            )
        return digits
