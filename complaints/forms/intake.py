"""The citizen's intake form at /complaints/new/.

The form reads what was typed (types, lengths, choices) and turns it into
the arguments of `complaints.services.complaint_submit`, which decides
whether the complaint can be filed and says why not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from citymgmt.forms import PublicForm
from citymgmt.photos import PhotosField
from complaints import selectors
from complaints.models import Category, RequestType
from squads.models import Area

HONEYPOT = "website"
DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 2000
LOCATION_ERRORS = {
    "invalid": _("The location could not be read; add it again or leave it out."),
    "min_value": _("The location is not on Earth; add it again or leave it out."),
    "max_value": _("The location is not on Earth; add it again or leave it out."),
}


class MenuChoiceField(forms.ChoiceField):
    """A choice from one of the intake menus, checked against the menu itself.

    The form sets `menu` (the menu's entries by key) on each instance; the
    template draws the options from the menu, so the field holds no list of
    choices to copy, normalise and search on every request.
    """

    menu: Mapping[str, Any] = {}

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.menu


class DescriptionField(forms.CharField):
    """Text whose line breaks count as one character, as the browser counts them."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class IntakeMenu:
    """What the form offers, drawn from the reference data once per version."""

    categories: dict[str, Category]  # by pk, inactive ones too
    category_groups: list[tuple[Any, list[Category]]]
    notices: list[Category]
    streets: dict[str, Area]
    communities: dict[str, Area]
    street_list: list[Area]
    community_groups: list[tuple[str, str, list[Area]]]


def _menu_of(choices: selectors.IntakeChoices) -> IntakeMenu:
    labels = dict(Category.MajorClass.choices)
    groups: dict[str, list[Category]] = {}
    for category in choices.categories:
        if category.is_active:
            groups.setdefault(category.major_class, []).append(category)
    category_groups = [
        (labels.get(major, major), items) for major, items in groups.items()
    ]
    by_street: dict[int, list[Area]] = {}
    for community in choices.communities:
        by_street.setdefault(community.parent_id, []).append(community)
    return IntakeMenu(
        categories={str(c.pk): c for c in choices.categories},
        category_groups=category_groups,
        notices=[c for _label, items in category_groups for c in items if c.notice],
        streets={str(a.pk): a for a in choices.streets},
        communities={str(a.pk): a for a in choices.communities},
        street_list=choices.streets,
        community_groups=[
            (street.name, str(street.pk), by_street[street.pk])
            for street in choices.streets
            if street.pk in by_street
        ],
    )


_last_menu: tuple[selectors.IntakeChoices, IntakeMenu] | None = None


def intake_menu(choices: selectors.IntakeChoices) -> IntakeMenu:
    """The form's menu for this copy of the reference data, drawn once per copy
    (a new copy after an admin's edit draws a new menu); never changed by a
    form, which replaces rather than edits what it narrows."""
    global _last_menu
    last = _last_menu
    if last is not None and last[0] is choices:
        return last[1]
    menu = _menu_of(choices)
    _last_menu = (choices, menu)
    return menu


class ComplaintForm(PublicForm):
    """The citizen's intake form: what, where, photos, and how to reach them."""

    request_type = forms.ChoiceField(
        label=_("Type of request"),
        choices=RequestType.choices,
        initial=RequestType.COMPLAINT,
        required=False,
        widget=forms.RadioSelect,
    )
    category = MenuChoiceField(
        label=_("What is the problem?"),
        error_messages={
            "required": _("Choose the kind of problem from the list."),
            "invalid_choice": _("Choose the kind of problem from the list."),
        },
    )
    description = DescriptionField(
        label=_("Describe it"),
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What is happening, since when, at what times. 10 to 2,000 characters."
        ),
        error_messages={
            "required": _("Describe the problem in at least 10 characters."),
            "min_length": _(
                "Describe the problem in at least %(limit_value)d characters "
                "(you wrote %(show_value)d)."
            ),
            "max_length": _(
                "Keep the description to %(limit_value)d characters (you wrote "
                "%(show_value)d); photos can show the rest."
            ),
        },
    )
    address = forms.CharField(
        label=_("Address or landmark"),
        max_length=256,
        help_text=_("For example: 西苑小学东门, 王府街道云门山路 18 号"),
        error_messages={
            "required": _("Tell us where it is: an address or a landmark."),
            "max_length": _(
                "Keep the address to %(limit_value)d characters (you wrote "
                "%(show_value)d)."
            ),
        },
    )
    street = MenuChoiceField(
        label=_("Street or town"),
        required=False,
        error_messages={
            "invalid_choice": _("Choose the street or town from the list."),
        },
    )
    community = MenuChoiceField(
        label=_("Community"),
        required=False,
        error_messages={
            "invalid_choice": _("Choose your community from the list."),
        },
    )
    # The unit whose contact card opened the form (?unit=): its communities
    # are listed first, and it takes the case if the community is left open.
    # A plain Field: what it holds is looked up, never refused, so a stale or
    # altered link cannot keep a citizen from filing.
    unit = forms.Field(required=False, widget=forms.HiddenInput)
    latitude = forms.DecimalField(
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.HiddenInput,
        error_messages=LOCATION_ERRORS,
    )
    longitude = forms.DecimalField(
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
        error_messages=LOCATION_ERRORS,
    )
    photos = PhotosField(label=_("Photos (optional)"))
    citizen_name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=32,
        required=False,
        error_messages={
            "max_length": _("Keep the name to %(limit_value)d characters."),
        },
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        help_text=_("11 digits. Only the case handlers see it, and only masked."),
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "type": "tel"}
        ),
        error_messages={
            "required": _(
                "Enter your 11-digit mobile number: it is how the case is followed up."
            ),
        },
    )
    is_anonymous = forms.BooleanField(
        label=_("Report anonymously (your name is not recorded)"), required=False
    )
    # The browser asks for the tick first; the service decides.
    consent = forms.BooleanField(
        label=_("I agree that my details are used as described above."),
        required=False,
        widget=forms.CheckboxInput(
            attrs={"aria-describedby": "privacy-notice", "required": True}
        ),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        menu = intake_menu(selectors.intake_choices())
        # Every category is read, so that one taken off the list since the
        # page was loaded reaches the service, which says why it is refused;
        # only the active ones are offered.
        self._categories = menu.categories
        self.category_groups = menu.category_groups
        self.notices = menu.notices
        self._streets = menu.streets
        self._communities = menu.communities
        self.street_list = menu.street_list
        self.community_groups = menu.community_groups
        self.fields["category"].menu = menu.categories
        self.fields["street"].menu = menu.streets
        self.fields["community"].menu = menu.communities
        self._offer_card_unit_first()

    def _offer_card_unit_first(self) -> None:
        """Put the card's unit's communities first, in a group of their own."""
        self.card_unit = selectors.card_unit(code=self._selected("unit"))
        if self.card_unit is None:
            return
        unit_pk = self.card_unit.pk
        own = [c for c in self._communities.values() if c.covering_squad_id == unit_pk]
        streets = {str(c.parent_id) for c in own}
        # Where the unit takes the case: no street chosen, or one of these.
        self.card_unit_streets = " ".join(sorted(streets))
        groups = [
            (label, street, [c for c in items if c.covering_squad_id != unit_pk])
            for label, street, items in self.community_groups
        ]
        label = _("Communities served by %(unit)s") % {"unit": self.card_unit.name}
        self.community_groups = [
            (label, streets.pop() if len(streets) == 1 else "", own),
            *[group for group in groups if group[2]],
        ]

    # The template renders these selects itself, with groups and data
    # attributes for complaint-form.js; each option says whether it is chosen,
    # from what was posted or from the ?area= preset.
    def _selected(self, name: str) -> str:
        value = self[name].value()
        return "" if value is None else str(value)

    @property
    def category_options(self) -> list[tuple[str, list[tuple[Category, bool]]]]:
        chosen = self._selected("category")
        return [
            (label, [(c, str(c.pk) == chosen) for c in items])
            for label, items in self.category_groups
        ]

    @property
    def selected_category(self) -> Category | None:
        return self._categories.get(self._selected("category"))

    @property
    def street_options(self) -> list[tuple[Any, bool]]:
        chosen = self._selected("street")
        return [(a, str(a.pk) == chosen) for a in self.street_list]

    @property
    def community_options(self) -> list[tuple[str, str, list[tuple[Any, bool]]]]:
        chosen = self._selected("community")
        return [
            (label, street, [(a, str(a.pk) == chosen) for a in items])
            for label, street, items in self.community_groups
        ]

    @property
    def has_location(self) -> bool:
        return bool(self._selected("latitude") and self._selected("longitude"))

    def clean_request_type(self) -> str:
        return self.cleaned_data.get("request_type") or RequestType.COMPLAINT

    def clean_category(self) -> Category:
        return self._categories[self.cleaned_data["category"]]

    def clean_street(self):
        return self._streets.get(self.cleaned_data.get("street") or "")

    def clean_community(self):
        return self._communities.get(self.cleaned_data.get("community") or "")

    @property
    def location_errors(self) -> list[str]:
        if not self.is_bound:
            return []
        return list(
            dict.fromkeys([*self["latitude"].errors, *self["longitude"].errors])
        )

    def submit_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `complaint_submit` for a valid form."""
        data = self.cleaned_data
        return {
            "request_type": data["request_type"],
            "category": data["category"],
            "description": data["description"],
            "address": data["address"],
            "street": data.get("street"),
            "community": data.get("community"),
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
            "photos": data.get("photos") or [],
            "citizen_name": data.get("citizen_name", ""),
            "is_anonymous": bool(data.get("is_anonymous")),
            "phone": data["phone"],
            "consent": bool(data.get("consent")),
            "unit": self.card_unit,
        }


def initial_from(data, *, fields: list[str]) -> dict[str, Any]:
    """What the citizen typed, as initial values for a form that is not checked."""
    return {name: data.get(name) for name in fields if data.get(name) is not None}


def preset_area(code: str) -> dict[str, str]:
    """Initial street and community for `?area=<code>`; unknown codes give nothing."""
    area = selectors.area_for_preset(code=code)
    if area is None:
        return {}
    if area.level == "grid":
        area = area.parent
    if area.level == "community":
        return {"community": str(area.pk), "street": str(area.parent_id)}
    return {"street": str(area.pk)}


def photo_limits() -> dict[str, int]:
    return {
        "count": settings.PHOTO_MAX_COUNT,
        "megabytes": settings.PHOTO_MAX_BYTES // 1024 // 1024,
    }
