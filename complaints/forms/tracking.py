"""The citizen's tracking and rating forms at /complaints/track/."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from citymgmt import phones
from complaints import references
from complaints.models import Satisfaction

COMMENT_MAX = 500


class TrackForm(forms.Form):
    """A reference and the last 4 digits of the phone it was filed with."""

    reference = forms.CharField(
        label=_("Reference"),
        max_length=20,
        help_text=_("For example 20261123-0042"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": _("Enter the reference you were given, e.g. 20261123-0042."),
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
        reference = references.parse(self.cleaned_data["reference"])
        if reference is None:
            raise ValidationError(
                _("A reference is 8 digits, a hyphen and 4 digits, e.g. 20261123-0042.")
            )
        return reference

    def clean_phone_last4(self) -> str:
        digits = self.cleaned_data["phone_last4"].translate(phones.FULLWIDTH).strip()
        if not re.fullmatch(r"\d{4}", digits):
            raise ValidationError(
                _("Enter the last 4 digits of the mobile number you gave.")
            )
        return digits


class RateForm(TrackForm):
    """The citizen's rating of a closed case (回访)."""

    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with the result?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how satisfied you are."),
            "invalid_choice": _("Choose how satisfied you are."),
        },
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _(
                "Keep the comment to %(limit_value)d characters (you wrote "
                "%(show_value)d)."
            ),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget = forms.HiddenInput()
        self.fields["phone_last4"].widget = forms.HiddenInput()
