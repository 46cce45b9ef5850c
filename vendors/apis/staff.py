"""Staff endpoints of the relocation ledger: the scoped list, one relocation, a visit.

Every read starts from `vendors.selectors.relocations_visible_to`, so another
unit's relocation is absent from the list and answers 404 by id; a visit is
recorded by `followup_record`, whose refusals the exception handler turns
into a 400 naming the field. A vendor's phone and identity number are shown
masked only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from citymgmt import phones
from complaints.apis.common import STAFF_PERMISSIONS, CodeNameSerializer, code_name
from complaints.selectors import complaints_visible_to
from vendors import selectors, services
from vendors.api_filters import RelocationFilter
from vendors.models import (
    FollowUp,
    Relocation,
    RelocationAction,
    RelocationEvent,
    RelocationStatus,
)
from vendors.selectors_public import ID_MAX


def _name_of(user: Any) -> str | None:
    if user is None:
        return None
    member = getattr(user, "member", None)
    return member.full_name if member is not None else user.get_username()


class RelocationCursorPagination(CursorPagination):
    ordering = ("-offered_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class RelocationVendorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    goods = serializers.CharField()
    phone = serializers.SerializerMethodField(help_text="Masked: 139****0001.")

    class Meta:
        ref_name = "RelocationVendor"

    def get_phone(self, vendor: Any) -> str:
        return phones.mask(vendor.phone)


class RelocationVendorDetailSerializer(RelocationVendorSerializer):
    identity_number = serializers.SerializerMethodField(
        help_text="Masked: 370781********1234; null when none is kept."
    )
    is_elderly = serializers.BooleanField()
    is_hardship = serializers.BooleanField()
    has_disability = serializers.BooleanField()

    class Meta:
        ref_name = "RelocationVendorDetail"

    def get_identity_number(self, vendor: Any) -> str | None:
        return vendor.identity_masked or None


class RelocationMarketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    class Meta:
        ref_name = "RelocationMarket"


class RelocationRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RelocationStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    vendor = RelocationVendorSerializer()
    market = RelocationMarketSerializer()
    stall = serializers.CharField(
        source="stall.number", default=None, allow_null=True, help_text="Its number."
    )
    squad = serializers.SerializerMethodField()
    officer = serializers.CharField(source="officer.full_name")
    offered_at = serializers.DateTimeField()
    moved_on = serializers.DateField(allow_null=True)
    last_visit_on = serializers.DateField(
        allow_null=True, help_text="The last follow-up visit, else the move date."
    )
    fee_waived_until = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "RelocationRow"

    @extend_schema_field(CodeNameSerializer)
    def get_squad(self, relocation: Relocation) -> dict | None:
        return code_name(relocation.squad)


class RelocationEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=RelocationAction.choices)
    action_label = serializers.CharField(source="get_action_display")
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.SerializerMethodField(help_text="The member's full name.")
    role = serializers.CharField()
    note = serializers.CharField()
    details = serializers.JSONField(source="payload")

    class Meta:
        ref_name = "RelocationEvent"

    def get_actor(self, event: RelocationEvent) -> str | None:
        return _name_of(event.actor)


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    visited_on = serializers.DateField()
    present = serializers.BooleanField(help_text="Whether the vendor was at the stall.")
    note = serializers.CharField()
    has_photo = serializers.SerializerMethodField()
    recorded_by = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField(source="created_at")

    class Meta:
        ref_name = "RelocationFollowUp"

    def get_has_photo(self, followup: FollowUp) -> bool:
        return bool(followup.photo)

    def get_recorded_by(self, followup: FollowUp) -> str | None:
        return _name_of(followup.recorded_by)


class RelocationDetailSerializer(RelocationRowSerializer):
    vendor = RelocationVendorDetailSerializer()
    origin_hotspot = serializers.CharField(
        source="origin_hotspot.name", default=None, allow_null=True
    )
    origin_complaint = serializers.CharField(
        source="origin_complaint.reference",
        default=None,
        allow_null=True,
        help_text="The case's reference, when the user may see the case.",
    )
    note = serializers.CharField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    stable_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    events = serializers.SerializerMethodField()
    followups = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text="The moves you may make now (taken in the admin)."
    )

    class Meta:
        ref_name = "RelocationDetail"

    @extend_schema_field(RelocationEventSerializer(many=True))
    def get_events(self, relocation: Relocation) -> list[dict]:
        events = selectors.relocation_events(relocation=relocation).select_related(
            "actor__member"
        )
        return RelocationEventSerializer(events, many=True).data

    @extend_schema_field(FollowUpSerializer(many=True))
    def get_followups(self, relocation: Relocation) -> list[dict]:
        visits = relocation.followups.select_related("recorded_by__member").order_by(
            "visited_on", "id"
        )
        return FollowUpSerializer(visits, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, relocation: Relocation) -> list[str]:
        user = self.context["request"].user
        return selectors.relocation_actions_for(user=user, relocation=relocation)


def relocations_for(request: Request) -> QuerySet[Relocation]:
    """The user's scoped relocations with what a row shows."""
    return selectors.with_last_visit(
        selectors.relocations_visible_to(user=request.user)
    )


def in_scope(request: Request, relocation_id: int) -> Relocation:
    found = None
    if 0 < relocation_id <= ID_MAX:
        found = (
            relocations_for(request)
            .select_related("origin_hotspot", "origin_complaint")
            .filter(pk=relocation_id)
            .first()
        )
    if found is None:
        raise NotFound(_("No such relocation in your unit."))
    # A case the user may not open is not named by its reference.
    complaint = found.origin_complaint
    if complaint is not None:
        if (
            not complaints_visible_to(user=request.user)
            .filter(pk=complaint.pk)
            .exists()
        ):
            found.origin_complaint = None
    return found


def detail_response(
    request: Request, relocation: Relocation, **kwargs: Any
) -> Response:
    return Response(
        RelocationDetailSerializer(relocation, context={"request": request}).data,
        **kwargs,
    )


class RelocationListApi(generics.GenericAPIView):
    """The relocations of your unit (and below), newest offer first."""

    permission_classes = STAFF_PERMISSIONS
    filter_backends = [DjangoFilterBackend]
    filterset_class = RelocationFilter
    pagination_class = RelocationCursorPagination
    serializer_class = RelocationRowSerializer

    def get_queryset(self) -> QuerySet[Relocation]:
        return relocations_for(self.request)

    @extend_schema(
        operation_id="relocations_list",
        summary="List the relocations in your scope",
        description=(
            "Staff only. A unit's staff see their unit's relocations and those of "
            "the units below; the desk and supervisors all. Newest offer first, "
            "cursor-paginated; vendors' phones are masked."
        ),
        responses={200: RelocationRowSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            RelocationRowSerializer(page, many=True).data
        )


class RelocationDetailApi(APIView):
    """One relocation in your scope: its vendor (masked), timeline and visits."""

    permission_classes = STAFF_PERMISSIONS

    @extend_schema(
        operation_id="relocations_retrieve",
        summary="Show a relocation",
        responses={
            200: RelocationDetailSerializer,
            404: OpenApiResponse(description="Not found or not in your scope."),
        },
    )
    def get(self, request: Request, relocation_id: int) -> Response:
        return detail_response(request, in_scope(request, relocation_id))


class RelocationFollowUpApi(APIView):
    """Record a follow-up visit of a moved vendor."""

    permission_classes = STAFF_PERMISSIONS
    parser_classes = [JSONParser, FormParser]

    class InputSerializer(serializers.Serializer):
        visited_on = serializers.DateField(
            help_text="The day of the visit: not before the move, not in the future."
        )
        present = serializers.BooleanField(
            help_text="Whether the vendor was at the stall."
        )
        note = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=2000
        )

        class Meta:
            ref_name = "RelocationFollowUpInput"

    @extend_schema(
        operation_id="relocations_followups_create",
        summary="Record a follow-up visit",
        description=(
            "Staff of the relocation's unit, for a vendor who moved in. A visit "
            "before the move date, in the future or on a day already recorded is "
            "refused with 400 on `visited_on`. The answer is the relocation as "
            "GET /api/v1/relocations/<id>/ shows it."
        ),
        request={
            "application/json": InputSerializer,
            "application/x-www-form-urlencoded": InputSerializer,
        },
        responses={
            201: OpenApiResponse(RelocationDetailSerializer, description="Recorded."),
            404: OpenApiResponse(description="Not found or not in your scope."),
        },
    )
    def post(self, request: Request, relocation_id: int) -> Response:
        relocation = in_scope(request, relocation_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.followup_record(
            relocation=relocation, by=request.user, **serializer.validated_data
        )
        return detail_response(
            request, in_scope(request, relocation_id), status=status.HTTP_201_CREATED
        )
