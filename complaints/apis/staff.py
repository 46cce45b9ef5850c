"""Staff endpoints: the scoped list (its POST is public intake), one case."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from citymgmt import phones
from citymgmt.serializers import Rows
from complaints import selectors
from complaints.api_filters import ComplaintFilter
from complaints.apis.common import (
    STAFF_PERMISSIONS,
    CodeNameSerializer,
    ComplaintSubmitThrottle,
    absolute,
    code_name,
)
from complaints.apis.intake import (
    ComplaintSubmitInputSerializer,
    ComplaintSubmittedSerializer,
    file_complaint,
)
from complaints.apis.public import THROTTLED
from complaints.models import (
    Attachment,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    Method,
    RequestType,
    Satisfaction,
    Status,
)


class ComplaintCursorPagination(CursorPagination):
    ordering = ("-submitted_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ComplaintRowSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    category = serializers.SerializerMethodField()
    community = serializers.SerializerMethodField()
    squad = serializers.SerializerMethodField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    priority = serializers.ChoiceField(choices=Category.Priority.choices)
    submitted_at = serializers.DateTimeField()
    phone = serializers.SerializerMethodField(help_text="Masked: 138****1234.")

    class Meta:
        ref_name = "ComplaintRow"
        list_serializer_class = Rows

    @extend_schema_field(CodeNameSerializer)
    def get_category(self, complaint: Complaint) -> dict | None:
        return code_name(complaint.category)

    @extend_schema_field(CodeNameSerializer(allow_null=True))
    def get_community(self, complaint: Complaint) -> dict | None:
        return code_name(complaint.community)

    @extend_schema_field(CodeNameSerializer(allow_null=True))
    def get_squad(self, complaint: Complaint) -> dict | None:
        return code_name(complaint.squad)

    def get_phone(self, complaint: Complaint) -> str:
        return phones.mask(complaint.phone)


class ComplaintListApi(generics.GenericAPIView):
    """GET: the staff's scoped list. POST: anyone files a complaint.

    One path, two audiences: authentication, permissions and throttles are
    chosen per method, so filing stays anonymous (and free of CSRF) while the
    list needs a member of staff.
    """

    filter_backends = [DjangoFilterBackend]
    filterset_class = ComplaintFilter
    pagination_class = ComplaintCursorPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = ComplaintRowSerializer

    OutputSerializer = ComplaintRowSerializer
    InputSerializer = ComplaintSubmitInputSerializer

    def _filing(self) -> bool:
        request = getattr(self, "request", None)
        return request is not None and request.method == "POST"

    def get_authenticators(self) -> list:
        return [] if self._filing() else super().get_authenticators()

    def get_permissions(self) -> list:
        if self._filing():
            return [AllowAny()]
        return [permission() for permission in STAFF_PERMISSIONS]

    def get_throttles(self) -> list:
        return (
            [ComplaintSubmitThrottle()] if self._filing() else super().get_throttles()
        )

    def get_queryset(self) -> QuerySet[Complaint]:
        return selectors.complaint_list_for(user=self.request.user)

    @extend_schema(
        operation_id="complaints_list",
        summary="List the complaints in your scope",
        description=(
            "Staff only. Leaders see their unit's dispatched cases, officers the "
            "cases assigned to them, dispatchers and supervisors all. Newest first, "
            "cursor-paginated; phones are masked."
        ),
        responses={200: ComplaintRowSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="complaints_submit",
        summary="File a complaint",
        description=(
            "Public, JSON or multipart (for photos). Rate-limited per address "
            "together with the web form; a filled `website` field (a trap for "
            "robots) is refused with 400 and nothing is filed."
        ),
        request={
            "application/json": ComplaintSubmitInputSerializer,
            "multipart/form-data": ComplaintSubmitInputSerializer,
        },
        responses={
            201: OpenApiResponse(ComplaintSubmittedSerializer, description="Filed."),
            400: OpenApiResponse(description="A message per field."),
            429: THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        return file_complaint(request)


class StaffEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    action = serializers.CharField()
    actor = serializers.SerializerMethodField(help_text="The member's full name.")
    role = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    opinion = serializers.CharField()
    public = serializers.BooleanField(source="is_public")
    details = serializers.JSONField(source="payload")

    class Meta:
        ref_name = "ComplaintEvent"

    def get_actor(self, event: ComplaintEvent) -> str | None:
        user = event.actor
        if user is None:
            return None
        member = getattr(user, "member", None)
        return member.full_name if member is not None else user.get_username()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(
        help_text="The photo, for staff signed in to the admin site."
    )
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        ref_name = "ComplaintAttachment"

    def _url(self, attachment: Attachment, which: str) -> str:
        path = reverse(
            "admin:complaints_complaint_attachment", args=[attachment.pk, which]
        )
        return absolute(self.context["request"], path)

    def get_url(self, attachment: Attachment) -> str:
        return self._url(attachment, "file")

    def get_thumbnail_url(self, attachment: Attachment) -> str:
        return self._url(attachment, "thumbnail")


class AssigneeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    class Meta:
        ref_name = "ComplaintAssignee"


class ComplaintDetailSerializer(ComplaintRowSerializer):
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    description = serializers.CharField()
    address = serializers.CharField()
    street = serializers.SerializerMethodField()
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=False, allow_null=True
    )
    citizen_name = serializers.SerializerMethodField()
    is_anonymous = serializers.BooleanField()
    assignee = serializers.SerializerMethodField()
    referral_to = serializers.CharField()
    resolution = serializers.CharField()
    method = serializers.ChoiceField(choices=Method.choices, allow_blank=True)
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, allow_blank=True
    )
    duplicate_of = serializers.CharField(
        source="duplicate_of.reference", default=None, allow_null=True
    )
    counts = serializers.SerializerMethodField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    dispatched_at = serializers.DateTimeField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    disposed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    rated_at = serializers.DateTimeField(allow_null=True)
    events = StaffEventSerializer(many=True)
    attachments = AttachmentSerializer(many=True)
    actions = serializers.SerializerMethodField(
        help_text="The actions you may take now, for .../actions/<action>/."
    )

    class Meta:
        ref_name = "ComplaintDetail"

    @extend_schema_field(CodeNameSerializer(allow_null=True))
    def get_street(self, complaint: Complaint) -> dict | None:
        return code_name(complaint.street)

    def get_citizen_name(self, complaint: Complaint) -> str | None:
        return None if complaint.is_anonymous else complaint.citizen_name

    @extend_schema_field(AssigneeSerializer(allow_null=True))
    def get_assignee(self, complaint: Complaint) -> dict | None:
        member = complaint.assignee
        return None if member is None else {"id": member.pk, "name": member.full_name}

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_counts(self, complaint: Complaint) -> dict[str, int]:
        return {
            "rework": complaint.rework_count,
            "reopen": complaint.reopen_count,
            "extension": complaint.extension_count,
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, complaint: Complaint) -> list[str]:
        user = self.context["request"].user
        return selectors.actions_for(user=user, complaint=complaint)


def in_scope(request: Request, reference: str) -> Complaint:
    complaint = selectors.complaint_detail_for(user=request.user, reference=reference)
    if complaint is None:
        raise NotFound(_("No case with this reference is in your scope."))
    return complaint


def detail_response(request: Request, complaint: Complaint) -> Response:
    return Response(
        ComplaintDetailSerializer(complaint, context={"request": request}).data
    )


class ComplaintDetailApi(APIView):
    """One case in your scope: its fields, timeline, photos and your actions."""

    permission_classes = STAFF_PERMISSIONS

    @extend_schema(
        operation_id="complaints_retrieve",
        responses={
            200: ComplaintDetailSerializer,
            404: OpenApiResponse(description="Not found or not in your scope."),
        },
    )
    def get(self, request: Request, reference: str) -> Response:
        return detail_response(request, in_scope(request, reference))
