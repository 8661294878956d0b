"""The demo API: the same services, scope and rules as the pages."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from presales.core.api import WritableScopedViewSet

from .. import exports, selectors, services
from ..filtersets import DemoFilterSet
from ..models import Demo, DemoMaterial, DemoQuestion
from . import serializers as s


class DemoViewSet(WritableScopedViewSet):
    """Demos of the opportunities the caller may see, upcoming first; preparation, delivery,
    summary and status moves as actions."""

    model = Demo
    serializer_class = s.DemoSerializer
    filterset_class = DemoFilterSet
    ordering_fields = ["planned_at", "status", "created_at"]

    def get_queryset(self):
        return selectors.demo_list(user=self.request.user).prefetch_related("attendees")

    def create_object(self, data):
        demo = services.demo_create(actor=self.request.user, **data)
        return self.get_queryset().get(pk=demo.pk)

    def update_object(self, instance, data, version):
        services.demo_update(actor=self.request.user, demo=instance, expected_version=version, **data)
        return self.get_queryset().get(pk=instance.pk)

    def _answer(self, demo):
        demo = self.get_queryset().get(pk=demo.pk)
        self._etag_object = demo
        return Response(s.DemoSerializer(demo, context=self.get_serializer_context()).data)

    def _data(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        return data, data.pop("version", None)

    @extend_schema(request=s.DemoPreparationSerializer, responses=s.DemoSerializer)
    @action(detail=True, methods=["post"])
    def preparation(self, request, pk=None):
        """The demo environment and the rehearsal (while planned)."""
        demo = self.get_object()
        data, version = self._data(s.DemoPreparationSerializer)
        return self._answer(
            services.preparation_update(actor=request.user, demo=demo, expected_version=version, **data)
        )

    @extend_schema(request=s.DemoEnvironmentCheckSerializer, responses=s.DemoSerializer)
    @action(detail=True, methods=["post"], url_path="environment-check")
    def environment_check(self, request, pk=None):
        """Record that the demo environment was checked (by the caller, now), or withdraw it."""
        demo = self.get_object()
        data, version = self._data(s.DemoEnvironmentCheckSerializer)
        return self._answer(
            services.environment_check(
                actor=request.user, demo=demo, checked=data["checked"], expected_version=version
            )
        )

    @extend_schema(request={"multipart/form-data": s.DemoDeckSerializer}, responses=s.DemoSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def deck(self, request, pk=None):
        """Upload the demo deck: a registered document (category demo), or its new version."""
        demo = self.get_object()
        data, _version = self._data(s.DemoDeckSerializer)
        return self._answer(services.deck_upload(actor=request.user, demo=demo, **data))

    @extend_schema(request=s.DemoMoveSerializer, responses=s.DemoSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the status (prepare, reopen, cancel...): 409 with the open items when refused."""
        demo = self.get_object()
        data, version = self._data(s.DemoMoveSerializer)
        return self._answer(
            services.demo_move(
                actor=request.user,
                demo=demo,
                to_status=data["to_status"],
                reason=data["reason"],
                expected_version=version,
            )
        )

    @extend_schema(request=s.DemoDeliverySerializer, responses=s.DemoSerializer)
    @action(detail=True, methods=["post"])
    def delivery(self, request, pk=None):
        """Record the delivery (actual time, duration, attendees of both sides); a prepared demo
        becomes delivered."""
        demo = self.get_object()
        data, version = self._data(s.DemoDeliverySerializer)
        return self._answer(
            services.delivery_record(actor=request.user, demo=demo, expected_version=version, **data)
        )

    @extend_schema(request=s.DemoSummarySerializer, responses=s.DemoSerializer)
    @action(detail=True, methods=["post"])
    def summary(self, request, pk=None):
        """Write the summary report; a delivered demo becomes summarised and the report is archived."""
        demo = self.get_object()
        data, version = self._data(s.DemoSummarySerializer)
        return self._answer(
            services.summary_record(actor=request.user, demo=demo, expected_version=version, **data)
        )

    @extend_schema(responses={(200, exports.CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The summary report as DOCX."""
        content, file_name = exports.summary_docx(self.get_object())
        response = HttpResponse(content, content_type=exports.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{file_name}"'
        return response

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "opportunity",
                int,
                many=True,
                required=True,
                description="Opportunity ids (repeat the parameter).",
            )
        ],
        responses=s.DemoProgressSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def progress(self, request):
        """The demo progress of visible opportunities: none, preparing, delivered (summary due),
        summarised."""
        from presales.opportunities.models import Opportunity

        ids = [int(v) for v in request.query_params.getlist("opportunity") if v.isdigit()][:200]
        visible = list(
            Opportunity.objects.visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        progress = selectors.progress_by_opportunity(visible)
        return Response([{"opportunity": k, "progress": v} for k, v in sorted(progress.items())])


class MaterialViewSet(WritableScopedViewSet):
    """The materials checklist of the demos (the deck is uploaded through the demo's deck action)."""

    model = DemoMaterial
    serializer_class = s.DemoMaterialSerializer
    filterset_fields = ["demo", "kind", "ready"]
    ordering = ["demo", "position", "pk"]

    def create_object(self, data):
        return services.material_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.material_update(
            actor=self.request.user, material=instance, expected_version=version, **data
        )


class QuestionViewSet(WritableScopedViewSet):
    """The customer's questions in the demos; open ones are on the customer's feedback list."""

    model = DemoQuestion
    serializer_class = s.DemoQuestionSerializer
    filterset_fields = ["demo", "status"]
    ordering = ["demo", "pk"]

    def create_object(self, data):
        return services.question_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.question_update(
            actor=self.request.user, demo_question=instance, expected_version=version, **data
        )
