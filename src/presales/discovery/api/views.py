"""The research API: the same services, scope and rules as the pages."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from presales.core.api import ReadOnlyScopedViewSet, WritableScopedViewSet

from .. import exports, permissions, selectors, services
from ..filtersets import (
    ActivityFilterSet,
    ConfirmationFilterSet,
    ItemFilterSet,
    PlanFilterSet,
    ReportFilterSet,
)
from ..models import RequirementConfirmation, RequirementItem, ResearchActivity, ResearchPlan, ResearchReport
from . import serializers as s


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _state(opportunity_id: int) -> dict:
    state = selectors.confirmation_state(opportunity_id)
    return {
        "opportunity": opportunity_id,
        "progress": selectors.progress_by_opportunity([opportunity_id])[opportunity_id],
        "items": len(state["items"]),
        "confirmed": state["current"],
        "latest_round": state["latest"].round if state["latest"] else None,
        "changes_since_confirmation": state["diff"],
        "gate_reasons": [str(r) for r in state["reasons"]],
    }


class PlanViewSet(WritableScopedViewSet):
    """Research plans (one per opportunity); the research state and the customer's confirmation of
    the requirement set as actions."""

    model = ResearchPlan
    serializer_class = s.ResearchPlanSerializer
    filterset_class = PlanFilterSet
    select_related_fields = ("opportunity",)
    prefetch_related_fields = ("our_participants", "customer_contacts")
    ordering = ["-created_at", "-pk"]

    def create_object(self, data):
        return services.plan_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.plan_update(actor=self.request.user, plan=instance, expected_version=version, **data)

    @extend_schema(responses=s.ResearchStateSerializer)
    @action(detail=True, methods=["get"])
    def state(self, request, pk=None):
        """Progress, the requirement set's confirmation, what changed since, and the gate's reasons."""
        plan = self.get_object()
        return Response(s.ResearchStateSerializer(_state(plan.opportunity_id)).data)

    @extend_schema(request=s.RequirementConfirmSerializer, responses={201: s.RequirementConfirmationSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Record the customer's confirmation of the requirement set as it reads now (a new round);
        refused without items and while the latest round still holds."""
        plan = self.get_object()
        serializer = s.RequirementConfirmSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        confirmation = services.confirmation_record(actor=request.user, opportunity=plan.opportunity,
                                                    **serializer.validated_data)
        return Response(s.RequirementConfirmationSerializer(confirmation).data, status=status.HTTP_201_CREATED)


class ActivityViewSet(WritableScopedViewSet):
    """Research activities; done, cancel and attachments as actions."""

    model = ResearchActivity
    serializer_class = s.ResearchActivitySerializer
    filterset_class = ActivityFilterSet
    prefetch_related_fields = ("our_participants", "customer_contacts", "attachments")
    ordering = ["scheduled_at", "pk"]

    def create_object(self, data):
        return services.activity_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.activity_update(actor=self.request.user, activity=instance, expected_version=version, **data)

    def _reply(self, activity):
        activity = self.get_queryset().get(pk=activity.pk)
        self._etag_object = activity
        return Response(s.ResearchActivitySerializer(activity, context=self.get_serializer_context()).data)

    @extend_schema(request=s.ActivityDoneSerializer, responses=s.ResearchActivitySerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """planned → done, with the notes."""
        activity = self.get_object()
        serializer = s.ActivityDoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        activity = services.activity_complete(actor=request.user, activity=activity, notes=data["notes"],
                                              scheduled_at=data.get("scheduled_at"),
                                              expected_version=data.get("version"))
        return self._reply(activity)

    @extend_schema(request=s.ActivityCancelSerializer, responses=s.ResearchActivitySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """planned → cancelled."""
        activity = self.get_object()
        serializer = s.ActivityCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = services.activity_cancel(actor=request.user, activity=activity,
                                            expected_version=serializer.validated_data.get("version"))
        return self._reply(activity)

    @extend_schema(request={"multipart/form-data": s.ActivityAttachSerializer}, responses={201: s.ResearchDocumentRefSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attach(self, request, pk=None):
        """Upload an attachment: registered as a document of the archive (category research)."""
        activity = self.get_object()
        serializer = s.ActivityAttachSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.activity_attach(actor=request.user, activity=activity, **serializer.validated_data)
        return Response(s.ResearchDocumentRefSerializer(document).data, status=status.HTTP_201_CREATED)


class ItemViewSet(WritableScopedViewSet):
    """Requirement items (withdraw one with status "withdrawn"; a change to a confirmed set makes
    its confirmation outdated)."""

    model = RequirementItem
    serializer_class = s.RequirementItemSerializer
    filterset_class = ItemFilterSet
    ordering = ["opportunity", "number"]

    def create_object(self, data):
        return services.item_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.item_update(actor=self.request.user, item=instance, expected_version=version, **data)


class ReportViewSet(WritableScopedViewSet):
    """Research reports (one per opportunity); DOCX export and filing in the archive as actions."""

    model = ResearchReport
    serializer_class = s.ResearchReportSerializer
    filterset_class = ReportFilterSet
    ordering = ["-created_at", "-pk"]

    def create_object(self, data):
        return services.report_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.report_update(actor=self.request.user, report=instance, expected_version=version, **data)

    @extend_schema(responses={(200, exports.DOCX_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The research report as DOCX."""
        return _file(*exports.report_docx_file(self.get_object()))

    @extend_schema(request=None, responses={201: s.ResearchDocumentRefSerializer})
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """File the DOCX in the document archive (a new version of the same document after changes)."""
        report = self.get_object()
        if not permissions.can_research(request.user, report.opportunity):
            raise ApiPermissionDenied()
        document = services.report_archive(actor=request.user, report=report)
        return Response(s.ResearchDocumentRefSerializer(document).data, status=status.HTTP_201_CREATED)


class ConfirmationViewSet(ReadOnlyScopedViewSet):
    """Confirmation rounds (需求确认书), newest first; recorded with the plan's `confirm` action."""

    model = RequirementConfirmation
    serializer_class = s.RequirementConfirmationSerializer
    filterset_class = ConfirmationFilterSet
    ordering = ["opportunity", "-round"]

    @extend_schema(responses={(200, exports.DOCX_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The 需求确认书 of this round as DOCX."""
        return _file(*exports.confirmation_docx_file(self.get_object()))

    @extend_schema(request=None, responses={201: s.ResearchDocumentRefSerializer})
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """File the 需求确认书 of this round in the document archive."""
        confirmation = self.get_object()
        if not permissions.can_confirm(request.user, confirmation.opportunity):
            raise ApiPermissionDenied()
        document = services.confirmation_archive(actor=request.user, confirmation=confirmation)
        return Response(s.ResearchDocumentRefSerializer(document).data, status=status.HTTP_201_CREATED)
