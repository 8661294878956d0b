from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from presales.core.api import ReadOnlyScopedViewSet, WritableScopedViewSet, expected_version

from .. import permissions, services
from ..filtersets import OpportunityChildFilterSet, OpportunityFilterSet, StageEventFilterSet
from ..models import Handover, Opportunity, Retrospective, StageEvent
from ..workflow import available_moves
from .serializers import (
    HandoverSerializer,
    OpportunityAssignLeadSerializer,
    OpportunityMoveOptionSerializer,
    OpportunityMoveSerializer,
    OpportunitySerializer,
    RetrospectiveSerializer,
    StageEventSerializer,
)

REFUSED = inline_serializer(
    "OpportunityMoveRefused",
    fields={
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "reasons": serializers.ListField(child=serializers.CharField()),
    },
)


class OpportunityViewSet(WritableScopedViewSet):
    """Opportunities the caller may see. Writes go through the same services as the pages; the
    stage changes only through `move`."""

    model = Opportunity
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilterSet
    select_related_fields = ("customer", "presales_lead", "sales_owner", "team")
    prefetch_related_fields = ("members",)
    ordering_fields = ["created_at", "expected_close_on", "estimated_amount", "number", "stage_changed_at"]
    ordering = ["-created_at", "-id"]

    def create(self, request, *args, **kwargs):
        # Permission before validation: a user who may not create gets 403, not field errors.
        if not permissions.can_create_opportunity(request.user):
            raise exceptions.PermissionDenied()
        return super().create(request, *args, **kwargs)

    def create_object(self, data):
        return services.opportunity_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        members = data.pop("members", None)
        return services.opportunity_update(
            actor=self.request.user, opportunity=instance, expected_version=version, members=members, **data
        )

    def _respond(self, opportunity):
        self._etag_object = opportunity
        return Response(OpportunitySerializer(opportunity, context=self.get_serializer_context()).data)

    @extend_schema(
        request=OpportunityMoveSerializer,
        responses={
            200: OpportunitySerializer,
            409: OpenApiResponse(REFUSED, description="A gate refused the move."),
        },
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the stage. Refused gates answer 409 with every reason; a manager may send
        `override: true` with a `reason`. Needs the edited version (If-Match or `version`)."""
        opportunity = self.get_object()
        version = expected_version(request)
        serializer = OpportunityMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        event = services.opportunity_move(
            actor=request.user,
            opportunity=opportunity,
            to_stage=data["to_stage"],
            reason=data["reason"],
            override=data["override"],
            expected_version=version,
        )
        return self._respond(event.opportunity)

    @extend_schema(responses=OpportunityMoveOptionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def moves(self, request, pk=None):
        """Every move the workflow allows from the current stage, with the reasons it is refused now."""
        opportunity = self.get_object()
        return Response(
            OpportunityMoveOptionSerializer(available_moves(opportunity, request.user), many=True).data
        )

    @extend_schema(request=OpportunityAssignLeadSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"], url_path="assign-lead", url_name="assign-lead")
    def assign_lead(self, request, pk=None):
        """Assign or change the presales lead (the first assignment stops the early-involvement clock)."""
        opportunity = self.get_object()
        serializer = OpportunityAssignLeadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        opportunity = services.opportunity_assign_lead(
            actor=request.user,
            opportunity=opportunity,
            presales_lead=data["presales_lead"],
            reason=data["reason"],
            expected_version=data.get("version"),
        )
        return self._respond(opportunity)


class StageEventViewSet(ReadOnlyScopedViewSet):
    """Every stage move of the opportunities the caller may see: who, when, from, to, why."""

    model = StageEvent
    serializer_class = StageEventSerializer
    filterset_class = StageEventFilterSet
    select_related_fields = ("actor",)
    ordering_fields = ["at"]
    ordering = ["-at", "-id"]


class OpportunityChildViewSet(WritableScopedViewSet):
    filterset_class = OpportunityChildFilterSet
    ordering = ["-id"]
    service = None

    def create_object(self, data):
        opportunity = data.pop("opportunity")
        return type(self).service(
            actor=self.request.user, opportunity=opportunity, expected_version=None, **data
        )

    def update_object(self, instance, data, version):
        return type(self).service(
            actor=self.request.user, opportunity=instance.opportunity, expected_version=version, **data
        )


class RetrospectiveViewSet(OpportunityChildViewSet):
    """复盘: one per opportunity; closing as won, lost or abandoned needs one with that outcome."""

    model = Retrospective
    serializer_class = RetrospectiveSerializer
    select_related_fields = ("opportunity",)
    service = staticmethod(services.retrospective_save)


class HandoverViewSet(OpportunityChildViewSet):
    """The handover to delivery: prepared in negotiation, needed to close as won."""

    model = Handover
    serializer_class = HandoverSerializer
    select_related_fields = ("opportunity", "delivery_owner")
    service = staticmethod(services.handover_save)
