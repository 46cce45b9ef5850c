"""Filing a complaint through the public API (POST /api/v1/complaints/).

The serializer reads the request (types, lengths, codes); the service
`complaints.services.complaint_submit` decides, and its refusals become
400 answers with a message per field in `citymgmt.exceptions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from citymgmt.errors import InvalidInput
from citymgmt.openapi import ConsentSerializerField, MobileSerializerField
from citymgmt.photos import PhotosSerializerField
from citymgmt.serializers import Input, readable_values, with_refusal
from complaints import selectors, services
from complaints.apis.common import absolute, messages
from complaints.models import Category, Channel, Complaint, RequestType, Status
from squads import selectors as squad_selectors
from squads.models import Area

LOCATION_ERRORS = {
    "invalid": gettext_lazy(
        "The location could not be read; add it again or leave it out."
    ),
    **messages(
        gettext_lazy("The location is not on Earth; add it again or leave it out."),
        "min_value",
        "max_value",
    ),
}


class CoordinateField(serializers.FloatField):
    """Degrees as a JSON number or a numeric string; true and false are not 1 and 0."""

    def to_internal_value(self, data: object) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class ChosenByCode(serializers.SlugRelatedField):
    """A category or area named by its code, found in the intake choices.

    The choices are kept per process (`selectors.intake_choices`); the
    queryset stays for the schema.
    """

    def __init__(self, *, choices: str, **kwargs: Any) -> None:
        self.choices_name = choices
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data: object) -> Any:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        by_code = getattr(selectors.intake_choices(), self.choices_name)
        found = by_code.get(str(data))
        if found is None:
            self.fail("does_not_exist", slug_name="code", value=smart_str(data))
        return found


class ComplaintSubmitInputSerializer(Input):
    """What the citizen sends; `complaint_submit` decides whether it is filed."""

    category = ChosenByCode(
        choices="categories_by_code",
        # Any category: the service says why one taken off the list is refused.
        queryset=Category.objects.all(),
        help_text="A category code from GET /api/v1/categories/.",
        error_messages={
            **messages(
                gettext_lazy("Choose the kind of problem from the list."),
                "required",
                "null",
                "invalid",
            ),
            "does_not_exist": gettext_lazy(
                "There is no category with the code “{value}”."
            ),
        },
    )
    request_type = serializers.ChoiceField(
        choices=RequestType.choices, default=RequestType.COMPLAINT
    )
    description = serializers.CharField(
        min_length=10,
        max_length=2000,
        help_text="10 to 2,000 characters.",
        error_messages={
            **messages(
                gettext_lazy("Describe the problem in at least 10 characters."),
                "required",
                "blank",
                "min_length",
            ),
            "max_length": gettext_lazy(
                "Keep the description to {max_length} characters; photos can show "
                "the rest."
            ),
        },
    )
    address = serializers.CharField(
        max_length=256,
        error_messages=messages(
            gettext_lazy("Tell us where it is: an address or a landmark."),
            "required",
            "blank",
        ),
    )
    community = ChosenByCode(
        choices="communities_by_code",
        queryset=Area.objects.filter(level=Area.Level.COMMUNITY).select_related(
            "parent"
        ),
        required=False,
        allow_null=True,
        default=None,
        help_text="A community's 12-digit code; it decides the handling unit.",
        error_messages={
            "does_not_exist": gettext_lazy(
                "There is no community with the code “{value}”."
            ),
        },
    )
    street = ChosenByCode(
        choices="streets_by_code",
        queryset=Area.objects.filter(level=Area.Level.STREET),
        required=False,
        allow_null=True,
        default=None,
        help_text="A street's 9-digit code (taken from the community if given).",
        error_messages={
            "does_not_exist": gettext_lazy(
                "There is no street with the code “{value}”."
            )
        },
    )
    latitude = CoordinateField(
        min_value=-90,
        max_value=90,
        required=False,
        allow_null=True,
        default=None,
        help_text="WGS84 degrees.",
        error_messages=LOCATION_ERRORS,
    )
    longitude = CoordinateField(
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
        default=None,
        help_text="WGS84 degrees.",
        error_messages=LOCATION_ERRORS,
    )
    citizen_name = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default=""
    )
    phone = MobileSerializerField(
        max_length=32,
        help_text=(
            "An 11-digit mainland mobile number in ASCII digits (spaces, +86 and "
            "full-width digits are read too); staff see it masked."
        ),
        error_messages=messages(
            gettext_lazy(
                "Enter your 11-digit mobile number: it is how the case is followed up."
            ),
            "required",
            "blank",
        ),
    )
    is_anonymous = serializers.BooleanField(default=False)
    consent = ConsentSerializerField(
        help_text="Must be true: the citizen agrees to the personal-data notice."
    )
    photos = PhotosSerializerField(
        help_text="Up to 6 JPEG, PNG or WebP photos (multipart only)."
    )
    website = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Leave empty."
    )

    class Meta:
        ref_name = "ComplaintSubmit"


class RoutedSquadSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    card_url = serializers.URLField(
        allow_null=True, help_text="The unit's contact card, once published."
    )

    class Meta:
        ref_name = "RoutedSquad"


class ComplaintSubmittedSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="e.g. 20261123-0042")
    status = serializers.ChoiceField(choices=Status.choices)
    tracking_url = serializers.URLField()
    squad = RoutedSquadSerializer(
        allow_null=True, help_text="The unit that will handle it, if known."
    )

    class Meta:
        ref_name = "ComplaintSubmitted"


def tracking_url(request: Request, complaint: Complaint) -> str:
    query = urlencode({"reference": complaint.reference})
    return absolute(request, f"{reverse('complaints:track')}?{query}")


def file_complaint(request: Request) -> Response:
    """POST /api/v1/complaints/: check the input, file it, say where it went."""
    if not isinstance(request.data, Mapping):
        # JSON that parses but is a list, a string or a number.
        raise InvalidInput(
            _(
                "Send the complaint as one JSON object with its fields, "
                'e.g. {"category": "09006", …}.'
            )
        )
    if str(request.data.get("website", "")).strip():
        # Robots fill every field; people never see this one.
        return Response(
            {"detail": _("Your complaint could not be accepted. Please try again.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    serializer = ComplaintSubmitInputSerializer(data=request.data)
    if not serializer.is_valid():
        # The service still checks what could be read: one answer, every problem.
        readable = readable_values(serializer, request.data)
        refusal = services.complaint_submit_refusal(readable)
        raise ValidationError(with_refusal(serializer.errors, refusal))
    data = dict(serializer.validated_data)
    data.pop("website", None)
    complaint = services.complaint_submit(**data, channel=Channel.WEB)
    squad = complaint.squad
    routed = None
    if squad is not None:
        has_card = squad.pk in squad_selectors.squads_with_card()
        routed = {
            "code": squad.code,
            "name": squad.name,
            "card_url": absolute(request, squad.get_absolute_url())
            if has_card
            else None,
        }
    # Plain strings already, in the shape ComplaintSubmittedSerializer
    # documents: written as they are, without copying its fields per request.
    body = {
        "reference": complaint.reference,
        "status": str(complaint.status),
        "tracking_url": tracking_url(request, complaint),
        "squad": routed,
    }
    return Response(body, status=status.HTTP_201_CREATED)
