"""Public, read-only REST endpoints for areas and units."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from citymgmt.errors import InvalidInput, NotFound
from squads import selectors
from squads.models import Area, ContactCard, Squad


class AreaFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code", label="parent code")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Area
        fields = ["level", "parent", "q"]


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", default=None, allow_null=True)
    covering_squad = serializers.CharField(
        source="covering_squad.code", default=None, allow_null=True
    )

    class Meta:
        model = Area
        fields = ["code", "name", "level", "parent", "covering_squad"]


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Districts, streets, communities and grids, with each community's unit."""

    serializer_class = AreaSerializer
    authentication_classes: list = []
    permission_classes = [AllowAny]
    lookup_field = "code"
    filterset_class = AreaFilter

    def get_queryset(self) -> QuerySet[Area]:
        return selectors.areas_public()


class CardSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactCard
        fields = ["version", "published_at", "content"]


class SquadSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", default=None, allow_null=True)
    area = serializers.CharField(source="area.code")
    service_items = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="text"
    )
    current_card = serializers.SerializerMethodField()
    card_url = serializers.SerializerMethodField()

    class Meta:
        model = Squad
        fields = [
            "code",
            "name",
            "kind",
            "parent",
            "area",
            "duty_phone",
            "supervision_phone",
            "office_address",
            "working_hours",
            "service_items",
            "current_card",
            "card_url",
        ]

    @extend_schema_field(CardSerializer(allow_null=True))
    def get_current_card(self, squad: Squad) -> dict | None:
        card = selectors.current_card_of(squad)
        return CardSerializer(card).data if card else None

    def get_card_url(self, squad: Squad) -> str | None:
        if selectors.current_card_of(squad) is None:
            return None
        request = self.context.get("request")
        url = squad.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class CommunitySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    street = serializers.CharField(help_text="The street's name.")

    class Meta:
        ref_name = "CommunityOfLookup"


class SquadLookupSerializer(SquadSerializer):
    """What the lookup answers: the unit, and the community it was found by."""

    community = CommunitySerializer(read_only=True)

    class Meta(SquadSerializer.Meta):
        fields = [*SquadSerializer.Meta.fields, "community"]


class SquadFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code", label="parent code")

    class Meta:
        model = Squad
        fields = ["kind", "parent"]


class SquadViewSet(viewsets.ReadOnlyModelViewSet):
    """Squad units (大队 / 中队 / 分队) with their current contact card."""

    serializer_class = SquadSerializer
    authentication_classes: list = []
    permission_classes = [AllowAny]
    lookup_field = "code"
    filterset_class = SquadFilter

    def get_queryset(self) -> QuerySet[Squad]:
        return selectors.squads_public()

    def get_object(self) -> Squad:
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "community",
                OpenApiTypes.STR,
                required=True,
                description="A community's 12-digit code or its name.",
            )
        ],
        responses={
            200: SquadLookupSerializer,
            400: OpenApiResponse(
                inline_serializer(
                    "CommunityLookupError",
                    {
                        "detail": serializers.CharField(required=False),
                        "community": serializers.ListField(
                            child=serializers.CharField(), required=False
                        ),
                        "candidates": CommunitySerializer(many=True, required=False),
                    },
                ),
                description=(
                    "No community given (`community`), or several match: "
                    "`detail` and the `candidates` to ask again with."
                ),
            ),
            404: OpenApiResponse(
                description="No community matches, or its unit is not in service."
            ),
        },
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def lookup(self, request: Request) -> Response:
        """The unit that covers a community, found by code or name."""
        value = request.query_params.get("community", "")
        if not value.strip():
            raise InvalidInput(_("Give a community code or name."), field="community")
        matches = selectors.community_lookup(community=value)
        if not matches:
            raise NotFound(
                _("No community matches “%(value)s”.") % {"value": value[:50]}
            )
        if len(matches) > 1:
            raise InvalidInput(
                _("Several communities match; ask again with one of these codes."),
                extra={
                    "candidates": [
                        {"code": a.code, "name": a.name, "street": a.parent.name}
                        for a in matches
                    ]
                },
            )
        community = matches[0]
        squad = self.get_queryset().filter(pk=community.covering_squad_id).first()
        if squad is None:
            raise NotFound(
                _(
                    "The unit covering %(community)s is not in service; "
                    "call the 12345 hotline."
                )
                % {"community": community.name}
            )
        data = self.get_serializer(squad).data
        data["community"] = {
            "code": community.code,
            "name": community.name,
            "street": community.parent.name,
        }
        return Response(data)
