"""The small forms of the complaints admin: workflow actions, filing, bulk dispatch."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from citymgmt.photos import PhotosField
from complaints import references, selectors
from complaints.admin.display import STAFF_CHANNELS
from complaints.models import Category, Channel, Complaint, Method, RequestType
from squads.models import Area, Member, Squad
from squads.selectors import squads_visible_to


def _reason_field(label: Any = None) -> forms.CharField:
    # Required by the service, which says why; the form keeps what was typed.
    return forms.CharField(
        label=label or _("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Required. The record keeps it."),
    )


def _opinion_field() -> forms.CharField:
    return forms.CharField(
        label=_("Opinion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class CaseActionForm(forms.Form):
    """The inputs of one workflow action on one case."""

    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, complaint: Complaint, user: Any, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("expected_status", complaint.status)
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        self.user = user

    def service_inputs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("expected_status", None)
        return {key: value for key, value in data.items() if value not in (None, "")}


class OpinionForm(CaseActionForm):
    opinion = _opinion_field()


class ReasonForm(CaseActionForm):
    opinion = _reason_field()


class AcceptForm(CaseActionForm):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        help_text=_("Change it when the citizen chose the wrong one."),
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Category.Priority.choices, required=False
    )
    opinion = _opinion_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.categories_public()
        self.fields["category"].initial = self.complaint.category_id
        self.fields["priority"].initial = self.complaint.priority


class RejectForm(CaseActionForm):
    opinion = _reason_field()
    referral_to = forms.CharField(
        label=_("Refer to department"),
        max_length=64,
        required=False,
        help_text=_(
            "The department that handles this kind of matter; "
            "the citizen is told where to go."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referral_to"].initial = self.complaint.category.referral_to


class MergeForm(CaseActionForm):
    duplicate_of = forms.CharField(
        label=_("Reference of the original case"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "20261123-0042"}),
    )
    opinion = _opinion_field()

    def clean_duplicate_of(self) -> Complaint:
        typed = (self.cleaned_data.get("duplicate_of") or "").strip()
        if not typed:
            raise ValidationError(_("Enter the reference of the original case."))
        reference = references.parse(typed)
        original = (
            selectors.complaints_visible_to(user=self.user)
            .filter(reference=reference)
            .first()
            if reference is not None
            else None
        )
        if original is None:
            raise ValidationError(
                _("No case has the reference %(reference)s.")
                % {"reference": reference or typed}
            )
        return original


class DispatchForm(CaseActionForm):
    squad = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Squad.objects.none(),
        required=False,
        help_text=_("Proposed by the routing table: the unit covering the community."),
    )
    opinion = _opinion_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["squad"].queryset = squads_visible_to(user=self.user).filter(
            is_active=True
        )
        self.fields["squad"].initial = self.complaint.squad_id


class AssignForm(CaseActionForm):
    assignee = forms.ModelChoiceField(
        label=_("Officer"), queryset=Member.objects.none(), required=False
    )
    opinion = _opinion_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = selectors.assignable_members(complaint=self.complaint)
        field.initial = self.complaint.assignee_id
        field.label_from_instance = lambda m: f"{m.full_name} · {m.squad.name}"


class DisposeForm(CaseActionForm):
    method = forms.ChoiceField(
        label=_("Method (721)"),
        choices=Method.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
        help_text=_(
            "Service first (e.g. guiding a vendor into a market), "
            "then management, enforcement last."
        ),
    )
    resolution = forms.CharField(
        label=_("Result"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("What was done. The citizen reads it."),
    )
    guided_into_market = forms.BooleanField(
        label=_("Guided into a market"),
        required=False,
        help_text=_(
            "The outcome of a service disposal: the vendor was guided into a "
            "market. The case page then offers to record the relocation."
        ),
    )
    photos_before = PhotosField(label=_("Photos before handling"))
    photos_after = PhotosField(label=_("Photos after handling"))

    def service_inputs(self) -> dict[str, Any]:
        inputs = super().service_inputs()
        inputs["result"] = inputs.pop("resolution", "")
        return inputs

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.complaint.category.requires_disposal_photos:
            note = gettext("This category needs at least one photo before and after.")
            self.fields["photos_before"].help_text = note
            self.fields["photos_after"].help_text = note


ACTION_FORMS: dict[str, type[CaseActionForm]] = {
    "accept": AcceptForm,
    "reject": RejectForm,
    "merge": MergeForm,
    "dispatch": DispatchForm,
    "sign": OpinionForm,
    "assign": AssignForm,
    "dispose": DisposeForm,
    "return": ReasonForm,
    "verify": OpinionForm,
    "rework": ReasonForm,
    "cancel": ReasonForm,
}


class BulkDispatchForm(forms.Form):
    squad = forms.ModelChoiceField(label=_("Unit"), queryset=Squad.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["squad"].queryset = squads_visible_to(user=user).filter(
            is_active=True
        )


class CategoryChoiceField(forms.ModelChoiceField):
    """Offers the categories in use and reads any category.

    One taken off the list since the page was loaded reaches the service,
    which says why it is refused.
    """

    def to_python(self, value: Any) -> Category | None:
        if value in self.empty_values:
            return None
        try:
            return Category.objects.get(pk=value)
        except (ValueError, TypeError, Category.DoesNotExist):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent else obj.name


class FileOnBehalfForm(forms.Form):
    """A complaint taken by phone, at the counter or on patrol."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        initial=Channel.HOTLINE_12345,
    )
    request_type = forms.ChoiceField(
        label=_("Request type"),
        choices=RequestType.choices,
        initial=RequestType.COMPLAINT,
    )
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.none()
    )
    description = forms.CharField(
        label=_("Description"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
    )
    address = forms.CharField(label=_("Address"), max_length=256)
    community = CommunityChoiceField(
        label=_("Community"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_(
            "The unit covering it is proposed; without one the case waits "
            "for a dispatcher."
        ),
    )
    citizen_name = forms.CharField(
        label=_("Caller's name"), max_length=32, required=False
    )
    phone = forms.CharField(label=_("Caller's mobile phone"), max_length=20)
    is_anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    consent = forms.BooleanField(
        label=_("The caller agreed to the privacy notice"),
        required=False,
        help_text=_(
            "Read the notice to the caller: the phone number is used only for this "
            "case and is shown to staff masked."
        ),
    )
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.categories_public()
        self.fields["community"].queryset = (
            Area.objects.filter(level=Area.Level.COMMUNITY)
            .select_related("parent")
            .order_by("parent__code", "code")
        )

    def submit_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `complaint_submit` for a valid form."""
        return dict(self.cleaned_data)


# --- Extensions (延期) ---------------------------------------------------------------


class ExtensionRequestForm(forms.Form):
    """A leader asks for more working days to dispose of a case."""

    working_days = forms.IntegerField(
        label=_("Working days"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": 15}),
        help_text=_("1 to 15 working days, added to the disposal due time."),
    )
    reason = _reason_field()

    def service_inputs(self) -> dict[str, Any]:
        return {
            "working_days": self.cleaned_data.get("working_days"),
            "reason": self.cleaned_data.get("reason") or "",
        }


class ExtensionDecisionForm(forms.Form):
    """A dispatcher or supervisor approves or refuses an extension request."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Refuse"))],
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
        error_messages={"required": _("Choose to approve or to refuse.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Required when refusing: the unit needs to know why."),
    )

    def service_inputs(self) -> dict[str, Any]:
        return {
            "approve": self.cleaned_data["decision"] == "approve",
            "note": self.cleaned_data.get("note") or "",
        }
