"""Public endpoints: categories, tracking and rating a complaint.

Filing one is in `complaints.apis.intake`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from citymgmt import phones, ratelimit
from citymgmt.openapi import PhoneLast4SerializerField
from complaints import references, selectors, services
from complaints.apis.common import ComplaintTrackThrottle, messages
from complaints.models import (
    Category,
    Complaint,
    ComplaintEvent,
    Satisfaction,
    Status,
)
from complaints.timeline import public_remark

# Payload keys a citizen may see on the public timeline.
PUBLIC_DETAILS = (
    "referral_to",
    "duplicate_of",
    "squad",
    "method",
    "satisfaction",
    "market",  # where a vendor of the case was guided (relocation_linked)
)
NO_MATCH = OpenApiResponse(description="No case matches this reference and phone.")
THROTTLED = OpenApiResponse(
    description=(
        "Too many requests from this address, or too many wrong digits for "
        "this reference; see Retry-After."
    )
)


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


# Tracking and rating


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    action = serializers.CharField()
    status = serializers.CharField(source="to_status")
    status_label = serializers.CharField(source="get_to_status_display")
    text = serializers.SerializerMethodField(
        help_text=(
            "The reason (not accepted, cancelled), the result (handled) or the "
            "citizen's own comment; empty for other steps."
        )
    )
    details = serializers.SerializerMethodField()

    class Meta:
        ref_name = "TimelineEntry"

    def get_text(self, event: ComplaintEvent) -> str:
        return public_remark(event)

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
    phone_last4 = PhoneLast4SerializerField(
        max_length=8,
        help_text=(
            "The last 4 digits of the mobile number given on filing (full-width "
            "digits are read too)."
        ),
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


def tracked(request: Request, data: dict[str, str]) -> Complaint:
    """The case for a reference and phone digits; one answer for every miss.

    Wrong digits count against the reference (429 once it is locked).
    """
    complaint = services.complaint_track(
        reference=data["reference"],
        phone_last4=data["phone_last4"],
        client=ratelimit.client_ip(request),
    )
    if complaint is None:
        raise NotFound(_("No case matches this reference and phone number."))
    return complaint


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
        return Response(TrackingSerializer(tracked(request, query.validated_data)).data)


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
        rated = services.complaint_rate(
            complaint=tracked(request, data),
            satisfaction=data["satisfaction"],
            comment=data["comment"],
        )
        return Response(TrackingSerializer(rated).data)
