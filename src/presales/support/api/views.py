from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from presales.core.api import ReadOnlyScopedViewSet, WritableScopedViewSet, expected_version
from presales.core.errors import PermissionDenied

from .. import permissions, services
from ..filtersets import SupportRequestApiFilterSet
from ..models import SupportRequest, SupportRequestEvent
from .serializers import (
    AssignSerializer,
    CancelSerializer,
    CompleteSerializer,
    RespondSerializer,
    SupportRequestCreateSerializer,
    SupportRequestEventSerializer,
    SupportRequestSerializer,
)

REFUSALS = {
    400: OpenApiResponse(description="Bad input: `errors` by field."),
    403: OpenApiResponse(description="Not allowed for this user."),
    409: OpenApiResponse(description="Not possible in the request's status: `reasons`."),
    412: OpenApiResponse(description="Stale version: `current_version`."),
    428: OpenApiResponse(description="No version sent (If-Match or `version`)."),
}


class SupportRequestViewSet(WritableScopedViewSet):
    """Support requests the caller may see. Create submits one; each lifecycle step is a POST
    action carrying the version the caller saw (If-Match or `version`). No update, no delete: a
    request changes only through its steps."""

    model = SupportRequest
    serializer_class = SupportRequestSerializer
    read_serializer_class = SupportRequestSerializer
    filterset_class = SupportRequestApiFilterSet
    select_related_fields = ("customer", "requester", "assignee")
    ordering_fields = ["submitted_at", "response_due_at", "wanted_by", "number"]
    ordering = ["-submitted_at", "-pk"]
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        if self.action == "create":
            return SupportRequestCreateSerializer
        return SupportRequestSerializer

    @extend_schema(
        request=SupportRequestCreateSerializer, responses={201: SupportRequestSerializer, **REFUSALS}
    )
    def create(self, request, *args, **kwargs):
        # Who may ask at all is known before the input is read (the service checks it again).
        if not permissions.can_submit(request.user):
            raise PermissionDenied(_("You may not ask for presales support."))
        return super().create(request, *args, **kwargs)

    def create_object(self, data):
        return services.support_request_submit(actor=self.request.user, **data)

    def _step(self, request, serializer_class, perform):
        support_request = self.get_object()
        version = expected_version(request)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        instance = perform(support_request=support_request, expected_version=version, **data)
        self._etag_object = instance
        return Response(SupportRequestSerializer(instance, context=self.get_serializer_context()).data)

    @extend_schema(request=AssignSerializer, responses={200: SupportRequestSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign (or reassign) a presales engineer: a manager or the team's lead."""
        return self._step(
            request, AssignSerializer, lambda **kw: services.support_request_assign(actor=request.user, **kw)
        )

    @extend_schema(request=RespondSerializer, responses={200: SupportRequestSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """The assignee's response: the first one starts the work (in progress), later ones are notes."""
        return self._step(
            request,
            RespondSerializer,
            lambda **kw: services.support_request_respond(actor=request.user, **kw),
        )

    @extend_schema(request=CompleteSerializer, responses={200: SupportRequestSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Done, with the outcome: the assignee or a manager."""
        return self._step(
            request,
            CompleteSerializer,
            lambda **kw: services.support_request_complete(actor=request.user, **kw),
        )

    @extend_schema(request=CancelSerializer, responses={200: SupportRequestSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw, with the reason: the requester or a manager."""
        return self._step(
            request, CancelSerializer, lambda **kw: services.support_request_cancel(actor=request.user, **kw)
        )


class SupportRequestEventViewSet(ReadOnlyScopedViewSet):
    """The steps of the requests the caller may see."""

    model = SupportRequestEvent
    serializer_class = SupportRequestEventSerializer
    filterset_fields = ["request", "action"]
    select_related_fields = ("actor",)
    ordering = ["request", "at", "pk"]
