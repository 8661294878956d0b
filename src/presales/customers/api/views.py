from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from presales.core.api import WritableScopedViewSet, expected_version

from .. import selectors, services
from ..filtersets import (
    CommunicationFilterSet,
    ComplaintFilterSet,
    CustomerFilterSet,
    FeedbackFilterSet,
    SurveyFilterSet,
    TechnicalIssueFilterSet,
)
from ..models import (
    CommunicationLog,
    Complaint,
    Contact,
    Customer,
    FeedbackItem,
    SatisfactionSurvey,
    TechnicalIssue,
)
from .serializers import (
    CommunicationSerializer,
    ComplaintSerializer,
    ContactSerializer,
    CustomerSerializer,
    FeedbackItemSerializer,
    HandleSerializer,
    OwnershipChangeSerializer,
    ReassignSerializer,
    ReopenSerializer,
    ResolveSerializer,
    SetStatusSerializer,
    SurveySerializer,
    SurveySummarySerializer,
    TechnicalIssueSerializer,
)


class CustomerViewSet(WritableScopedViewSet):
    """Customers the caller may see. Writes go through the same services as the pages."""

    model = Customer
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilterSet
    select_related_fields = ("presales_owner", "sales_owner", "team")
    prefetch_related_fields = ("assistants",)
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name"]
    action_fields = {"presales_owner": "reassign", "sales_owner": "reassign"}

    def create_object(self, data):
        return services.customer_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.customer_update(actor=self.request.user, customer=instance, expected_version=version, **data)

    @extend_schema(request=ReassignSerializer, responses=OwnershipChangeSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """Change the presales or the sales owner; the reason is recorded."""
        customer = self.get_object()
        serializer = ReassignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)  # documented as optional: checked when sent
        if version is None and request.headers.get("If-Match"):
            version = expected_version(request)
        change = services.customer_reassign(actor=request.user, customer=customer, expected_version=version, **data)
        return Response(OwnershipChangeSerializer(change).data, status=201)


class ContactViewSet(WritableScopedViewSet):
    model = Contact
    serializer_class = ContactSerializer
    filterset_fields = ["customer", "role"]
    select_related_fields = ("customer",)
    ordering = ["customer", "name"]

    def create_object(self, data):
        return services.contact_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.contact_update(actor=self.request.user, contact=instance, expected_version=version, **data)


# --- the customer's records ----------------------------------------------------------------------


class CustomerRecordViewSet(WritableScopedViewSet):
    """Records visible exactly when their customer is; writes through the services; the filters are
    those of the pages. `service_arg` names the record in the update service's arguments."""

    create_service = None
    update_service = None
    service_arg = ""

    def create_object(self, data):
        return type(self).create_service(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return type(self).update_service(
            actor=self.request.user, expected_version=version, **{self.service_arg: instance}, **data
        )

    def _state_change(self, request, serializer_class, service, **fixed):
        """Run a state-change service on the record with the version the client edited."""
        instance = self.get_object()
        version = expected_version(request)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        instance = service(
            actor=request.user, expected_version=version, **{self.service_arg: instance}, **data
        )
        self._etag_object = instance
        return Response(self.get_read_serializer(instance).data)


class CommunicationViewSet(CustomerRecordViewSet):
    """沟通记录: the communication log, newest first."""

    model = CommunicationLog
    serializer_class = CommunicationSerializer
    filterset_class = CommunicationFilterSet
    select_related_fields = ("customer", "opportunity", "created_by")
    ordering_fields = ["occurred_at", "created_at"]
    ordering = ["-occurred_at", "-pk"]
    create_service = staticmethod(services.communication_create)
    update_service = staticmethod(services.communication_update)
    service_arg = "communication"


class TechnicalIssueViewSet(CustomerRecordViewSet):
    """Customer technical issues: open until resolved; `overdue=true` lists the open ones past due."""

    model = TechnicalIssue
    serializer_class = TechnicalIssueSerializer
    filterset_class = TechnicalIssueFilterSet
    select_related_fields = ("customer", "opportunity", "owner", "created_by")
    ordering_fields = ["due_on", "raised_on", "created_at"]
    ordering = ["status", "due_on", "pk"]
    create_service = staticmethod(services.technical_issue_create)
    update_service = staticmethod(services.technical_issue_update)
    service_arg = "issue"

    @extend_schema(request=ResolveSerializer, responses=TechnicalIssueSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Open → resolved, with the resolution (required)."""
        return self._state_change(request, ResolveSerializer, services.technical_issue_resolve)

    @extend_schema(request=ReopenSerializer, responses=TechnicalIssueSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Resolved → open, with the reason (required)."""
        return self._state_change(request, ReopenSerializer, services.technical_issue_reopen)


class ComplaintViewSet(CustomerRecordViewSet):
    """客户投诉."""

    model = Complaint
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilterSet
    select_related_fields = ("customer", "opportunity", "against", "created_by")
    ordering_fields = ["received_on", "created_at"]
    ordering = ["-received_on", "-pk"]
    create_service = staticmethod(services.complaint_create)
    update_service = staticmethod(services.complaint_update)
    service_arg = "complaint"

    @extend_schema(request=HandleSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        """Open → handled, with what was done (required)."""
        return self._state_change(request, HandleSerializer, services.complaint_handle)


class SurveyViewSet(CustomerRecordViewSet):
    """Satisfaction surveys. Fixed once entered: only a manager may update one."""

    model = SatisfactionSurvey
    serializer_class = SurveySerializer
    filterset_class = SurveyFilterSet
    select_related_fields = ("customer", "opportunity", "engineer", "created_by")
    ordering_fields = ["surveyed_on", "score", "created_at"]
    ordering = ["-surveyed_on", "-pk"]
    create_service = staticmethod(services.survey_create)
    update_service = staticmethod(services.survey_update)
    service_arg = "survey"

    @extend_schema(responses=SurveySummarySerializer)
    @action(detail=False, methods=["get"])
    def summary(self, request):
        """Count, average score, average recommendation and NPS of the surveys the filters select."""
        queryset = self.filter_queryset(self.get_queryset())
        return Response(SurveySummarySerializer(selectors.survey_summary(queryset)).data)


class FeedbackItemViewSet(CustomerRecordViewSet):
    """客户反馈清单: objections and questions, with an owner until resolved or declined."""

    model = FeedbackItem
    serializer_class = FeedbackItemSerializer
    filterset_class = FeedbackFilterSet
    select_related_fields = ("customer", "opportunity", "owner", "created_by")
    ordering_fields = ["raised_on", "due_on", "created_at"]
    ordering = ["status", "-raised_on", "-pk"]
    create_service = staticmethod(services.feedback_create)
    update_service = staticmethod(services.feedback_update)
    service_arg = "item"

    @extend_schema(request=SetStatusSerializer, responses=FeedbackItemSerializer)
    @action(detail=True, methods=["post"], url_path="set-status")
    def set_status(self, request, pk=None):
        """Move to another status; resolved and declined need the resolution."""
        return self._state_change(request, SetStatusSerializer, services.feedback_set_status)
