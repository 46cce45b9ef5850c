"""Public endpoints: markets with their vacancy counts, and the stall request.

Read-only lists draw on `vendors.selectors_public` (counts annotated in SQL,
no vendor's name or phone); the request goes through the same service and
the same per-address limit as the form at /markets/request/.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from citymgmt.errors import InvalidInput
from citymgmt.openapi import ConsentSerializerField, MobileSerializerField
from citymgmt.serializers import readable_values, with_refusal
from complaints.apis.common import RateLimitThrottle, absolute, messages
from vendors import selectors_public as selectors
from vendors.models import Market, MarketKind, StallRequest, StallRequestStatus
from vendors.services import requests as services

ID_MAX = selectors.ID_MAX


class StallRequestThrottle(RateLimitThrottle):
    # The same scope as the form at /markets/request/: one budget per address.
    scope = "stall-request"
    rate_setting = "STALL_REQUEST_RATE"


class CommunityOfMarketSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    street = serializers.CharField(source="parent.name")

    class Meta:
        ref_name = "CommunityOfMarket"


class UnitOfMarketSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    duty_phone = serializers.CharField()
    card_url = serializers.SerializerMethodField(
        help_text="The unit's contact card, once published."
    )

    class Meta:
        ref_name = "UnitOfMarket"

    @extend_schema_field(OpenApiTypes.URI)
    def get_card_url(self, squad: Any) -> str | None:
        if squad.pk not in selectors.squads_with_card():
            return None
        return absolute(self.context["request"], squad.get_absolute_url())


class MarketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=MarketKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    address = serializers.CharField()
    community = CommunityOfMarketSerializer()
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, allow_null=True, help_text="WGS84 degrees."
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, allow_null=True, help_text="WGS84 degrees."
    )
    opening_hours = serializers.ListField(
        child=serializers.ListField(child=serializers.DictField()),
        help_text=(
            'Seven days, Monday first, each a list of {"open": "06:00", '
            '"close": "11:00"}; an empty list is a closed day.'
        ),
    )
    fee_rule = serializers.CharField()
    waives_fees = serializers.BooleanField(
        help_text="Whether the market keeps free stalls (for hardship cases)."
    )
    stalls_vacant = serializers.IntegerField(help_text="Stalls free to request.")
    stalls_open = serializers.IntegerField(help_text="Stalls not closed.")
    unit = UnitOfMarketSerializer(
        source="community.covering_squad", help_text="The unit covering the market."
    )
    url = serializers.SerializerMethodField(help_text="The market's public page.")

    class Meta:
        ref_name = "Market"

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, market: Market) -> str:
        path = reverse("vendors:market", kwargs={"market_id": market.pk})
        return absolute(self.context["request"], path)


class StallCountsSerializer(serializers.Serializer):
    vacant = serializers.IntegerField()
    reserved = serializers.IntegerField()
    occupied = serializers.IntegerField()
    closed = serializers.IntegerField()

    class Meta:
        ref_name = "StallCounts"


class MarketDetailSerializer(MarketSerializer):
    stalls = serializers.SerializerMethodField(
        help_text="The stalls counted by status, and the vacant ones' numbers."
    )

    class Meta:
        ref_name = "MarketDetail"

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "counts": {"$ref": "#/components/schemas/StallCounts"},
                "vacant_numbers": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["counts", "vacant_numbers"],
        }
    )
    def get_stalls(self, market: Market) -> dict[str, Any]:
        summary = selectors.stall_summary(market=market)
        return {
            "counts": StallCountsSerializer(summary.counts).data,
            "vacant_numbers": summary.vacant_numbers,
        }


class MarketListApi(generics.ListAPIView):
    """The active markets with their vacant stall counts, by name."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    filter_backends: list = []
    serializer_class = MarketSerializer

    def get_queryset(self) -> QuerySet[Market]:
        return selectors.markets_public()

    @extend_schema(
        operation_id="markets_list",
        summary="List the markets open to vendors",
        description=(
            "Public. Active markets with their kind, address, opening hours, fee "
            "rule, covering unit and vacant stall count; page-numbered. No "
            "vendor's name or phone is ever part of it."
        ),
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class MarketDetailApi(generics.RetrieveAPIView):
    """One active market, with its stalls counted by status."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    filter_backends: list = []
    serializer_class = MarketDetailSerializer

    def get_queryset(self) -> QuerySet[Market]:
        return selectors.markets_public()

    def get_object(self) -> Market:
        found = selectors.market_public(market_id=self.kwargs["market_id"])
        if found is None:
            raise NotFound(_("No such market."))
        return found

    @extend_schema(
        operation_id="markets_retrieve",
        summary="Show a market and its stalls",
        description="Public. As in the list, with the stalls counted by status.",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class StallRequestInputSerializer(serializers.Serializer):
    """What the vendor sends; `stall_request_submit` decides whether it is filed."""

    name = serializers.CharField(
        max_length=services.NAME_MAX,
        error_messages={
            **messages(
                gettext_lazy("Enter your name, so the unit knows whom to call."),
                "required",
                "blank",
                "null",
            ),
            "max_length": gettext_lazy("Keep the name to {max_length} characters."),
        },
    )
    phone = MobileSerializerField(
        max_length=32,
        help_text="The vendor's 11-digit mobile number; only the unit sees it.",
        error_messages={
            **messages(
                gettext_lazy(
                    "Enter your 11-digit mobile number: the unit calls you on it."
                ),
                "required",
                "blank",
                "null",
            ),
            "max_length": gettext_lazy(
                "Enter an 11-digit mobile number, for example 13812345678."
            ),
        },
    )
    goods = serializers.CharField(
        max_length=services.GOODS_MAX,
        help_text="What the vendor sells.",
        error_messages={
            **messages(
                gettext_lazy("Say what you sell, e.g. fruit, snacks, small goods."),
                "required",
                "blank",
                "null",
            ),
            "max_length": gettext_lazy("Keep the goods to {max_length} characters."),
        },
    )
    market = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=ID_MAX,
        help_text="A market id from GET /api/v1/markets/ (optional).",
        error_messages=messages(
            gettext_lazy("Choose a market from the list, or leave it out."),
            "invalid",
            "min_value",
            "max_value",
            "max_string_length",
        ),
    )
    is_hardship = serializers.BooleanField(
        default=False, help_text="Elderly, disabled or low income: a free stall."
    )
    consent = ConsentSerializerField(
        help_text="Must be true: the vendor agrees that the unit uses name and phone."
    )
    website = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Leave empty."
    )

    class Meta:
        ref_name = "StallRequestSubmit"

    def validate_market(self, value: int | None) -> Market | None:
        if value is None:
            return None
        market = Market.objects.filter(pk=value, is_active=True).first()
        if market is None:
            raise serializers.ValidationError(
                _(
                    "This market no longer takes vendors; choose another or "
                    "leave it open."
                )
            )
        return market


class StallRequestRoutedSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()

    class Meta:
        ref_name = "StallRequestUnit"


class StallRequestSubmittedSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="e.g. S20261206-0001")
    status = serializers.ChoiceField(choices=StallRequestStatus.choices)
    tracking_url = serializers.URLField()
    unit = StallRequestRoutedSerializer(
        allow_null=True, help_text="The unit that will call; null: the command centre."
    )

    class Meta:
        ref_name = "StallRequestSubmitted"


class StallRequestApi(APIView):
    """A vendor asks for a stall (anonymous, rate-limited with the form)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [StallRequestThrottle]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="markets_requests_create",
        summary="Request a stall",
        description=(
            "Public, JSON or form-encoded. Rate-limited per address together "
            "with the web form; a filled `website` field (a trap for robots) is "
            "refused with 400 and nothing is filed. The vendor gets an SMS with "
            "the reference; track it at /markets/request/track/."
        ),
        request={
            "application/json": StallRequestInputSerializer,
            "application/x-www-form-urlencoded": StallRequestInputSerializer,
        },
        responses={
            201: OpenApiResponse(StallRequestSubmittedSerializer, description="Filed.")
        },
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, Mapping):
            raise InvalidInput(
                _(
                    "Send the request as one JSON object with its fields, "
                    'e.g. {"name": "…", "phone": "…", "goods": "…", "consent": '
                    "true}."
                )
            )
        if str(request.data.get("website", "")).strip():
            return Response(
                {"detail": _("Your request could not be accepted. Please try again.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        serializer = StallRequestInputSerializer(data=request.data)
        if not serializer.is_valid():
            readable = readable_values(serializer, request.data)
            refusal = services.stall_request_refusal(readable)
            raise ValidationError(with_refusal(serializer.errors, refusal))
        data = dict(serializer.validated_data)
        data.pop("website", None)
        filed: StallRequest = services.stall_request_submit(**data)
        query = urlencode({"reference": filed.reference})
        body = {
            "reference": filed.reference,
            "status": filed.status,
            "tracking_url": absolute(
                request, f"{reverse('vendors:request_track')}?{query}"
            ),
            "unit": {"code": filed.squad.code, "name": filed.squad.name}
            if filed.squad is not None
            else None,
        }
        return Response(
            StallRequestSubmittedSerializer(body).data, status=status.HTTP_201_CREATED
        )
