"""POST /api/v1/complaints/<reference>/actions/<action>/: one workflow action.

One input serializer documents every action's inputs; each action's service
takes only its own (`services.action_inputs`). The answer is the case's
detail, as GET /api/v1/complaints/<reference>/ shows it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from citymgmt.photos import PhotosSerializerField
from complaints import references, selectors, services
from complaints.apis.common import STAFF_PERMISSIONS
from complaints.apis.staff import ComplaintDetailSerializer, detail_response, in_scope
from complaints.models import Category, Complaint, Method, Status
from complaints.workflow import STAFF_ACTIONS
from squads.models import Member, Squad
from squads.selectors import squads_visible_to


class ComplaintActionApi(APIView):
    """Take one workflow action on a case, with the inputs the action needs."""

    permission_classes = STAFF_PERMISSIONS
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        expected_status = serializers.ChoiceField(
            choices=Status.choices,
            required=False,
            help_text="The status you saw; if it changed meanwhile the answer is 409.",
        )
        opinion = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="The reason (reject, return, rework, cancel) or a remark.",
        )
        squad = serializers.SlugRelatedField(
            slug_field="code",
            queryset=Squad.objects.none(),  # the user's scope, set in __init__
            required=False,
            allow_null=True,
            help_text="dispatch: the unit's code.",
            error_messages={
                "does_not_exist": gettext_lazy(
                    "There is no unit in service with the code “{value}”."
                )
            },
        )
        assignee = serializers.PrimaryKeyRelatedField(
            queryset=Member.objects.none(),  # the case's unit, set in __init__
            required=False,
            allow_null=True,
            help_text="assign: the member's id.",
            error_messages={
                "does_not_exist": gettext_lazy(
                    "There is no active member with the id “{pk_value}”."
                )
            },
        )
        duplicate_of = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="merge: the reference of the original case.",
        )
        referral_to = serializers.CharField(
            max_length=64,
            required=False,
            allow_blank=True,
            default="",
            help_text="reject: the department that handles it.",
        )
        method = serializers.ChoiceField(
            choices=Method.choices,
            required=False,
            allow_blank=True,
            default="",
            help_text="dispose: the 721 method.",
        )
        resolution = serializers.CharField(
            source="result",
            required=False,
            allow_blank=True,
            default="",
            help_text="dispose: what was done; the citizen reads it.",
        )
        guided_into_market = serializers.BooleanField(
            required=False,
            default=False,
            help_text=(
                "dispose: the vendor was guided into a market (引导入市); "
                "method service only."
            ),
        )
        category = serializers.SlugRelatedField(
            slug_field="code",
            queryset=Category.objects.all(),
            required=False,
            allow_null=True,
            help_text="accept: reclassify to this category code.",
            error_messages={
                "does_not_exist": gettext_lazy(
                    "There is no category with the code “{value}”."
                )
            },
        )
        priority = serializers.ChoiceField(
            choices=Category.Priority.choices,
            required=False,
            allow_blank=True,
            default="",
        )
        photos_before = PhotosSerializerField(
            help_text="dispose: photos from before (multipart)."
        )
        photos_after = PhotosSerializerField(
            help_text="dispose: photos from after (multipart)."
        )

        class Meta:
            ref_name = "ComplaintAction"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            complaint = self.context.get("complaint")
            user = self.context.get("user")
            if user is not None:
                self.fields["squad"].queryset = squads_visible_to(user=user).filter(
                    is_active=True
                )
            if complaint is not None:
                self.fields["assignee"].queryset = selectors.assignable_members(
                    complaint=complaint
                )

    @extend_schema(
        operation_id="complaints_action",
        summary="Take a workflow action",
        parameters=[
            OpenApiParameter(
                "action",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=STAFF_ACTIONS,
                description="The action, from the complaint's `actions` list.",
            ),
        ],
        request={
            "application/json": InputSerializer,
            "multipart/form-data": InputSerializer,
        },
        responses={
            200: ComplaintDetailSerializer,
            400: OpenApiResponse(description="Not possible now, or bad input."),
            403: OpenApiResponse(description="Your role may not take it."),
            404: OpenApiResponse(description="No such case in scope, or action."),
            409: OpenApiResponse(description="Someone else changed the case first."),
        },
    )
    def post(self, request: Request, reference: str, action: str) -> Response:
        complaint = in_scope(request, reference)
        if action not in STAFF_ACTIONS:
            raise NotFound(
                _("There is no action called “%(action)s”.") % {"action": action}
            )
        serializer = self.InputSerializer(
            data=request.data, context={"complaint": complaint, "user": request.user}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["duplicate_of"] = self._original(request, data.pop("duplicate_of"))
        # One serializer for every action: each service takes its own inputs.
        wanted = services.action_inputs(action)
        moved = services.complaint_act(
            action=action,
            complaint=complaint,
            by=request.user,
            expected_status=data.get("expected_status"),
            **{name: value for name, value in data.items() if name in wanted},
        )
        # A return takes the case out of a leader's scope: show the result of
        # what they were just allowed to do all the same.
        return detail_response(
            request, selectors.complaint_detail_after(complaint=moved)
        )

    def _original(self, request: Request, reference: str) -> Complaint | None:
        reference = references.normalize(reference)
        if not reference:
            return None
        original = (
            selectors.complaints_visible_to(user=request.user)
            .filter(reference=reference)
            .first()
        )
        if original is None:
            raise ValidationError(
                {
                    "duplicate_of": [
                        _("No case with the reference %(reference)s is in your scope.")
                        % {"reference": reference}
                    ]
                }
            )
        return original
