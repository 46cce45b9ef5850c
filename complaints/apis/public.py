"""Public endpoints: categories, filing a complaint, tracking and rating it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from citymgmt import phones
from citymgmt.photos import PhotosSerializerField
from complaints import references, selectors, services
from complaints.apis.common import (
    ComplaintTrackThrottle,
    absolute,
    messages,
)
from complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    RequestType,
    Satisfaction,
    Status,
)
from squads import selectors as squad_selectors
from squads.models import Area

MICRODEGREE = Decimal("0.000001")
# Payload keys a citizen may see on the public timeline.
PUBLIC_DETAILS = ("referral_to", "duplicate_of", "squad", "method", "satisfaction")
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


# Categories


class CategoryApi(viewsets.ReadOnlyModelViewSet):
    """The categories a citizen may choose, with each one's notice, in table order."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    lookup_field = "code"
    pagination_class = None
    filter_backends: list = []

    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField(help_text="In the request's language.")
        name_zh = serializers.CharField()
        name_en = serializers.CharField()
        major_class = serializers.ChoiceField(choices=Category.MajorClass.choices)
        major_class_label = serializers.CharField(source="get_major_class_display")
        referral_to = serializers.CharField(
            help_text="A department outside the bureau that usually handles it."
        )
        notice = serializers.CharField(
            help_text="Shown before submitting, in the request's language."
        )
        default_priority = serializers.ChoiceField(choices=Category.Priority.choices)

        class Meta:
            ref_name = "Category"

    serializer_class = OutputSerializer

    def get_queryset(self) -> QuerySet[Category]:
        return selectors.categories_public()


# Filing


class ComplaintSubmitInputSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(is_active=True),
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
    community = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Area.objects.filter(level=Area.Level.COMMUNITY),
        required=False,
        allow_null=True,
        help_text="A community's 12-digit code; it decides the handling unit.",
        error_messages={
            "does_not_exist": gettext_lazy(
                "There is no community with the code “{value}”."
            ),
        },
    )
    street = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Area.objects.filter(level=Area.Level.STREET),
        required=False,
        allow_null=True,
        help_text="A street's 9-digit code (taken from the community if given).",
        error_messages={
            "does_not_exist": gettext_lazy(
                "There is no street with the code “{value}”."
            )
        },
    )
    latitude = serializers.FloatField(
        min_value=-90,
        max_value=90,
        required=False,
        allow_null=True,
        help_text="WGS84 degrees.",
        error_messages=LOCATION_ERRORS,
    )
    longitude = serializers.FloatField(
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
        help_text="WGS84 degrees.",
        error_messages=LOCATION_ERRORS,
    )
    citizen_name = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default=""
    )
    phone = serializers.CharField(
        max_length=32,
        help_text="An 11-digit mainland mobile number; staff see it masked.",
        error_messages=messages(
            gettext_lazy(
                "Enter your 11-digit mobile number: it is how the case is followed up."
            ),
            "required",
            "blank",
        ),
    )
    is_anonymous = serializers.BooleanField(default=False)
    consent = serializers.BooleanField(
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

    def validate_phone(self, value: str) -> str:
        phone = phones.normalize(value)
        try:
            phones.validate_mobile(phone)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return phone

    def validate_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(
                _("Please agree to the notice to continue.")
            )
        return value

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        street, community = data.get("street"), data.get("community")
        if street is not None and community is not None:
            if community.parent_id != street.pk:
                raise serializers.ValidationError(
                    {
                        "community": _(
                            "%(community)s is in %(right)s, not in %(street)s. "
                            "Choose the street again or another community."
                        )
                        % {
                            "community": community.name,
                            "right": community.parent.name,
                            "street": street.name,
                        }
                    }
                )
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None):
            raise serializers.ValidationError(
                {
                    "latitude": _(
                        "The location is incomplete; add it again or leave it out."
                    )
                }
            )
        for name in ("latitude", "longitude"):
            if data.get(name) is not None:
                data[name] = Decimal(str(data[name])).quantize(
                    MICRODEGREE, rounding=ROUND_HALF_UP
                )
        name = "" if data.get("is_anonymous") else data.get("citizen_name", "")
        data["citizen_name"] = " ".join(name.split())
        return data


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
    if str(request.data.get("website", "")).strip():
        # Robots fill every field; people never see this one.
        return Response(
            {"detail": _("Your complaint could not be accepted. Please try again.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    serializer = ComplaintSubmitInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    data.pop("website", None)
    complaint = services.complaint_submit(**data, channel=Channel.WEB)
    squad = complaint.squad
    routed = None
    if squad is not None:
        card = squad_selectors.current_card_of(squad)
        routed = {
            "code": squad.code,
            "name": squad.name,
            "card_url": absolute(request, squad.get_absolute_url()) if card else None,
        }
    body = {
        "reference": complaint.reference,
        "status": complaint.status,
        "tracking_url": tracking_url(request, complaint),
        "squad": routed,
    }
    return Response(
        ComplaintSubmittedSerializer(body).data, status=status.HTTP_201_CREATED
    )


# Tracking and rating


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    action = serializers.CharField()
    status = serializers.CharField(source="to_status")
    status_label = serializers.CharField(source="get_to_status_display")
    text = serializers.CharField(
        source="opinion", help_text="The reason, result or remark shown to citizens."
    )
    details = serializers.SerializerMethodField()

    class Meta:
        ref_name = "TimelineEntry"

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_details(self, event: ComplaintEvent) -> dict[str, Any]:
        details = {}
        for key in PUBLIC_DETAILS:
            value = event.payload.get(key)
            if key == "squad":
                # Dispatch records {code, name}; the citizen needs the name.
                value = value.get("name") if isinstance(value, dict) else None
            if value not in (None, ""):
                details[key] = value
        return details


class TrackingSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    category = serializers.CharField(source="category.name")
    submitted_at = serializers.DateTimeField()
    unit = serializers.CharField(source="squad.name", default=None, allow_null=True)
    rating_open = serializers.SerializerMethodField()
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, allow_blank=True
    )
    timeline = serializers.SerializerMethodField()

    class Meta:
        ref_name = "Tracking"

    def get_rating_open(self, complaint: Complaint) -> bool:
        return selectors.rating_open(complaint=complaint)

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, complaint: Complaint) -> list:
        events = selectors.public_timeline(complaint=complaint)
        return TimelineEntrySerializer(events, many=True).data


class TrackingQuerySerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=20,
        help_text="The reference given on filing, e.g. 20261123-0042.",
        error_messages=messages(
            gettext_lazy("Enter the reference you were given, e.g. 20261123-0042."),
            "required",
            "blank",
        ),
    )
    phone_last4 = serializers.CharField(
        max_length=8,
        help_text="The last 4 digits of the mobile number given on filing.",
        error_messages=messages(
            gettext_lazy("Enter the last 4 digits of the mobile number you gave."),
            "required",
            "blank",
            "max_length",
        ),
    )

    class Meta:
        ref_name = "TrackingQuery"

    def validate_reference(self, value: str) -> str:
        return references.normalize(value)

    def validate_phone_last4(self, value: str) -> str:
        digits = value.translate(phones.FULLWIDTH).strip()
        if len(digits) != 4 or not digits.isdigit():
            raise serializers.ValidationError(
                _("Enter the last 4 digits of the mobile number you gave.")
            )
        return digits


def tracked(data: dict[str, str]) -> Complaint:
    """The case for a reference and phone digits; one answer for every miss."""
    complaint = selectors.complaint_for_tracking(
        reference=data["reference"], phone_last4=data["phone_last4"]
    )
    if complaint is None:
        raise NotFound(_("No case matches this reference and phone number."))
    return complaint


NO_MATCH = OpenApiResponse(description="No case matches this reference and phone.")
THROTTLED = OpenApiResponse(description="Too many requests; see Retry-After.")


class ComplaintTrackApi(APIView):
    """The citizen's view of a case: status, unit and public timeline."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ComplaintTrackThrottle]

    @extend_schema(
        operation_id="complaints_track",
        summary="Track a complaint",
        parameters=[TrackingQuerySerializer],
        responses={200: TrackingSerializer, 404: NO_MATCH, 429: THROTTLED},
    )
    def get(self, request: Request) -> Response:
        query = TrackingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(TrackingSerializer(tracked(query.validated_data)).data)


class ComplaintRateApi(APIView):
    """The citizen rates a closed case; dissatisfied reopens it once (重办)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ComplaintTrackThrottle]

    class InputSerializer(TrackingQuerySerializer):
        satisfaction = serializers.ChoiceField(
            choices=Satisfaction.choices,
            error_messages=messages(
                gettext_lazy("Choose how satisfied you are."),
                "required",
                "invalid_choice",
            ),
        )
        comment = serializers.CharField(
            max_length=500, required=False, allow_blank=True, default=""
        )

        class Meta:
            ref_name = "ComplaintRating"

    @extend_schema(
        operation_id="complaints_rate",
        summary="Rate a closed complaint",
        request=InputSerializer,
        responses={
            200: TrackingSerializer,
            400: OpenApiResponse(description="Not open for rating, or bad input."),
            404: NO_MATCH,
            429: THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.complaint_rate(
            complaint=tracked(data),
            satisfaction=data["satisfaction"],
            comment=data["comment"],
        )
        return Response(TrackingSerializer(tracked(data)).data)
