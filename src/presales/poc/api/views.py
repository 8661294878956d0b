"""The POC API: the same services, scope and rules as the pages."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from presales.core.api import ReadOnlyScopedViewSet, WritableScopedViewSet
from presales.core.lean import fetch_tuples
from presales.core.pagination import CountedBy
from presales.core.renderers import JSONRenderer as OrjsonRenderer

from .. import exports, permissions, selectors, services
from ..choices import MeasurementSource
from ..filtersets import IncidentFilterSet, MeasurementFilterSet, PocFilterSet
from ..models import (
    CriterionGuide,
    Incident,
    KickoffMeeting,
    Measurement,
    Poc,
    PostMortem,
    ResourceItem,
    Risk,
    ScopeChange,
    SuccessCriterion,
    SyncNote,
)
from . import serializers as s


class CreateMixin:
    """POST creates through `create_object` (a service call), like WritableScopedViewSet."""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_object(serializer.validated_data)
        self._etag_object = instance
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)


# The criteria of one POC in the model's order without its key "poc", the same for all of them:
# ordering by it would join poc_poc for the POC's own ordering (and cost more to compile).
_ONE_POC_CRITERIA_ORDER = tuple(key for key in SuccessCriterion._meta.ordering
                                if key.lstrip("-") not in ("poc", "poc_id"))


class PocViewSet(WritableScopedViewSet):
    """POCs of the opportunities the caller may see, with their launch confirmation; the status,
    the readiness self-check, the verdict, the kickoff, the post-mortem and the exports as actions."""

    model = Poc
    serializer_class = s.PocSerializer
    filterset_class = PocFilterSet
    select_related_fields = ("opportunity", "customer")
    ordering_fields = ["number", "created_at", "planned_end_on", "status"]
    ordering = ["-created_at"]

    def get_queryset(self):
        if self.action == "coaching":
            return selectors.coaching_list(user=self.request.user)
        return super().get_queryset()

    # The list and the detail read through the lean path (core.lean, issue 15): the JSON of
    # PocSerializer / PocDetailSerializer, built from values() rows — the POC's columns, the
    # opportunity's number and the customer's name — without a model object or DRF's per-field
    # work per POC. The scope, filters, ordering and pagination are the viewset's own.
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        rows = queryset.values_list(*s.POC_READER.columns)
        # The total without the joins that only the printed columns need (both keys are non-null).
        # Its time stamps read by psycopg's C loader on PostgreSQL (core.lean.fetch_tuples).
        if self._json_rows_apply(request):
            # PostgreSQL writes each POC's JSON (core.lean.JsonRows); the page and total as always.
            page = self.paginate_queryset(CountedBy(rows, queryset, fetch=self._fetch_json))
            if page is not None:
                return self.get_paginated_response([row[0] for row in page])
        page = self.paginate_queryset(CountedBy(rows, queryset, fetch=fetch_tuples))
        if page is None:
            return Response(s.POC_READER.represent(fetch_tuples(rows), tuples=True))
        return self.get_paginated_response(s.POC_READER.represent(page, tuples=True))

    def _json_rows_apply(self, request) -> bool:
        """Our compact JSON renderer answers (not the browsable API, not an indented response)."""
        renderer = getattr(request, "accepted_renderer", None)
        return (isinstance(renderer, OrjsonRenderer) and renderer.compact and not renderer.ensure_ascii
                and renderer.get_indent(request.accepted_media_type, {}) is None)

    @staticmethod
    def _fetch_json(sliced):
        """(JSON of the POC, total) per row; the Python path's items where the database's does not
        apply (then the same tuples as `fetch_tuples`, each POC represented in Python)."""
        rows = s.POC_JSON.fetch(sliced)
        if rows is not None:
            return rows
        tuples = fetch_tuples(sliced)
        return [(item, *row[len(s.POC_READER.columns):])
                for item, row in zip(s.POC_READER.represent(tuples, tuples=True), tuples, strict=True)]

    def retrieve(self, request, *args, **kwargs):
        if not isinstance(request.accepted_renderer, JSONRenderer):
            # The browsable API builds its edit form from the serializer's instance: the usual path.
            return super().retrieve(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset()).values(*s.POC_READER.columns)
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        row = get_object_or_404(queryset, **{self.lookup_field: self.kwargs[lookup_url_kwarg]})
        self.check_object_permissions(request, row)
        data = s.POC_READER.one(row)
        # PocDetailSerializer: PocSerializer's fields, then the criteria as /api/poc-criteria/ shows them.
        criteria = SuccessCriterion.objects.filter(poc_id=row["id"]).order_by(*_ONE_POC_CRITERIA_ORDER)
        data["criteria"] = s.CRITERION_READER.represent(criteria, objects=True)
        response = Response(data)
        response["ETag"] = f'"{row["version"]}"'
        return response

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.PocDetailSerializer
        return super().get_serializer_class()

    def create_object(self, data):
        return services.poc_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.poc_update(actor=self.request.user, poc=instance, expected_version=version, **data)

    def _poc(self):
        poc = self.get_object()
        self._etag_object = poc
        return poc

    @extend_schema(request=s.MoveSerializer, responses=s.PocSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the status (confirm, start, evaluate, conclude, abandon...): 409 with the reasons
        when a guard refuses (the start lists every missing readiness item)."""
        poc = self.get_object()
        serializer = s.MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        poc = services.poc_move(actor=request.user, poc=poc, to_status=data["to_status"], reason=data["reason"],
                                expected_version=data.get("version"))
        self._etag_object = poc
        return Response(s.PocSerializer(poc, context=self.get_serializer_context()).data)

    @extend_schema(request=s.ConfirmationSerializer, responses=s.PocSerializer)
    @action(detail=True, methods=["post"])
    def confirmation(self, request, pk=None):
        """Record the signatures of both sides, or the customer's e-mail confirmation."""
        poc = self.get_object()
        serializer = s.ConfirmationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        poc = services.poc_confirm_launch(actor=request.user, poc=poc, expected_version=version, **data)
        self._etag_object = poc
        return Response(s.PocSerializer(poc, context=self.get_serializer_context()).data)

    @extend_schema(methods=["get"], responses=s.KickoffSerializer)
    @extend_schema(methods=["post"], request=s.KickoffSerializer, responses=s.KickoffSerializer)
    @action(detail=True, methods=["get", "post"])
    def kickoff(self, request, pk=None):
        """The kickoff meeting (POST records or replaces it, attendees included)."""
        poc = self.get_object()
        if request.method == "POST":
            serializer = s.KickoffSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.kickoff_record(actor=request.user, poc=poc, **serializer.validated_data)
        kickoff = KickoffMeeting.objects.prefetch_related("attendees").filter(poc=poc).first()
        if kickoff is None:
            raise NotFound()
        return Response(s.KickoffSerializer(kickoff).data, status=201 if request.method == "POST" else 200)

    @extend_schema(responses=s.ReadinessSerializer)
    @action(detail=True, methods=["get"])
    def readiness(self, request, pk=None):
        """The 16-item self-check: score, threshold, every item (computed or answered)."""
        return Response(s.ReadinessSerializer(selectors.poc_readiness(poc=self.get_object())).data)

    @extend_schema(request=s.AnswerSerializer, responses=s.ReadinessSerializer)
    @action(detail=True, methods=["post"], url_path="readiness/answer")
    def readiness_answer(self, request, pk=None):
        """Answer an item the record cannot decide (11, 12 or 13)."""
        poc = self.get_object()
        serializer = s.AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.readiness_answer(actor=request.user, poc=poc, **serializer.validated_data)
        return Response(s.ReadinessSerializer(selectors.poc_readiness(poc=poc)).data)

    @extend_schema(request=s.ReviewSerializer, responses=s.ReviewResultSerializer)
    @action(detail=True, methods=["post"], url_path="readiness/review")
    def readiness_review(self, request, pk=None):
        """Keep a snapshot of the self-check (review of a running POC, post-loss review)."""
        poc = self.get_object()
        serializer = s.ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.readiness_review(actor=request.user, poc=poc, **serializer.validated_data)
        return Response(s.ReviewResultSerializer(review).data, status=201)

    @extend_schema(responses=s.VerdictSerializer)
    @action(detail=True, methods=["get"])
    def verdict(self, request, pk=None):
        """The verdict per criterion and overall, computed from the measurements."""
        return Response(s.VerdictSerializer(selectors.poc_verdicts(poc=self.get_object())).data)

    @extend_schema(methods=["get"], responses=s.PostMortemSerializer)
    @extend_schema(methods=["post"], request=s.PostMortemSerializer, responses=s.PostMortemSerializer)
    @action(detail=True, methods=["get", "post"], url_path="post-mortem")
    def post_mortem(self, request, pk=None):
        """The post-mortem of a failed or abandoned POC, against the checklist."""
        poc = self.get_object()
        if request.method == "POST":
            serializer = s.PostMortemSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            record = services.post_mortem_record(actor=request.user, poc=poc, **serializer.validated_data)
            return Response(s.PostMortemSerializer(record).data, status=201)
        record = PostMortem.objects.filter(poc=poc).first()
        if record is None:
            raise NotFound()
        return Response(s.PostMortemSerializer(record).data)

    @extend_schema(request={"multipart/form-data": s.ImportSerializer}, responses=s.ImportResultSerializer)
    @action(detail=True, methods=["post"], url_path="measurements/import",
            parser_classes=[MultiPartParser, FormParser])
    def import_measurements(self, request, pk=None):
        """Import a CSV/XLSX file of measurements: all rows or none; 400 lists each row's problems."""
        poc = self.get_object()
        serializer = s.ImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            batch = services.measurement_import(actor=request.user, poc=poc, content=upload.read(),
                                                file_name=upload.name)
        except services.ImportRefused as exc:
            return Response({"code": exc.code, "detail": str(exc.message), "errors": exc.errors,
                             "file_errors": exc.file_errors,
                             "rows": [{"row": row, "errors": errors} for row, errors in exc.rows]}, status=400)
        return Response(s.ImportResultSerializer(batch).data, status=201)

    @extend_schema(parameters=[
        OpenApiParameter("document", str, enum=[*exports.DOCUMENTS], required=True),
        OpenApiParameter("file_format", str, enum=[*exports.FORMATS], required=True),
    ], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The filled launch confirmation or resource list as DOCX or PDF."""
        poc = self.get_object()
        document, fmt = request.query_params.get("document"), request.query_params.get("file_format")
        if document not in exports.DOCUMENTS or fmt not in exports.FORMATS:
            return Response({"code": "invalid", "errors": {
                "document": [f"One of: {', '.join(exports.DOCUMENTS)}"],
                "file_format": [f"One of: {', '.join(exports.FORMATS)}"]}}, status=400)
        content, content_type, file_name = exports.export(poc, document, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{file_name}"'
        return response

    @extend_schema(responses=s.StatsSerializer)
    @action(detail=False, methods=["get"])
    def stats(self, request):
        """POC success rate, verdicts, average duration, hours committed, and the share of lost
        opportunities that had a POC (managers and team leads)."""
        if not permissions.can_coach(request.user):
            raise ApiPermissionDenied()
        return Response(s.StatsSerializer(selectors.poc_stats(user=request.user)).data)

    @extend_schema(responses=s.CoachingRowSerializer(many=True))
    @action(detail=False, methods=["get"])
    def coaching(self, request):
        """The manager's coaching view across POCs (managers and team leads)."""
        if not permissions.can_coach(request.user):
            raise ApiPermissionDenied()
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = selectors.coaching_rows(list(page))
        return self.get_paginated_response(s.CoachingRowSerializer(rows, many=True).data)


class CriterionViewSet(WritableScopedViewSet):
    """Success criteria; a criterion without a number is refused with the reason."""

    model = SuccessCriterion
    serializer_class = s.CriterionSerializer
    filterset_fields = ["poc", "is_key"]
    ordering = ["poc", "-is_key", "position"]

    def list(self, request, *args, **kwargs):
        # The lean read path (core.lean): CriterionSerializer's JSON without its per-field work.
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is None:
            return Response(s.CRITERION_READER.represent(queryset, objects=True))
        return self.get_paginated_response(s.CRITERION_READER.represent(page, objects=True))

    def create_object(self, data):
        return services.criterion_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.criterion_update(actor=self.request.user, criterion=instance, expected_version=version,
                                         **data)


class ResourceViewSet(WritableScopedViewSet):
    """The resource guarantee list of both sides."""

    model = ResourceItem
    serializer_class = s.ResourceSerializer
    filterset_fields = ["poc", "side", "kind"]
    ordering = ["poc", "side", "kind"]

    def create_object(self, data):
        return services.resource_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.resource_update(actor=self.request.user, item=instance, expected_version=version, **data)


class RiskViewSet(WritableScopedViewSet):
    """Risks with their fallback plans."""

    model = Risk
    serializer_class = s.RiskSerializer
    filterset_fields = ["poc"]
    ordering = ["poc", "pk"]

    def create_object(self, data):
        return services.risk_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.risk_update(actor=self.request.user, risk=instance, expected_version=version, **data)


class MeasurementViewSet(CreateMixin, ReadOnlyScopedViewSet):
    """Measurements per criterion; POST records one (source "api")."""

    model = Measurement
    serializer_class = s.MeasurementSerializer
    filterset_class = MeasurementFilterSet
    ordering = ["-measured_at", "-pk"]

    def create_object(self, data):
        return services.measurement_record(actor=self.request.user, source=MeasurementSource.API, **data)


class IncidentViewSet(CreateMixin, ReadOnlyScopedViewSet):
    """Incidents on the escalation clock (`is_overdue`); respond and resolve as actions."""

    model = Incident
    serializer_class = s.IncidentSerializer
    filterset_class = IncidentFilterSet
    ordering = ["status", "response_due_at", "pk"]

    def get_queryset(self):
        return super().get_queryset().annotate(is_overdue=selectors.overdue_expression())

    def create_object(self, data):
        incident = services.incident_open(actor=self.request.user, **data)
        return self.get_queryset().get(pk=incident.pk)

    def _act(self, serializer_class, fn, field):
        incident = self.get_object()
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        fn(actor=self.request.user, incident=incident, expected_version=data.get("version"), **{field: data[field]})
        incident = self.get_queryset().get(pk=incident.pk)
        self._etag_object = incident
        return Response(s.IncidentSerializer(incident, context=self.get_serializer_context()).data)

    @extend_schema(request=s.IncidentRespondSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        return self._act(s.IncidentRespondSerializer, services.incident_respond, "response")

    @extend_schema(request=s.IncidentResolveSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._act(s.IncidentResolveSerializer, services.incident_resolve, "resolution")


class ScopeChangeViewSet(CreateMixin, ReadOnlyScopedViewSet):
    """追加测试要求: proposed, then accepted once both sides confirmed, or rejected."""

    model = ScopeChange
    serializer_class = s.ScopeChangeSerializer
    filterset_fields = ["poc", "status"]
    ordering = ["-requested_on", "-pk"]

    def create_object(self, data):
        return services.scope_change_propose(actor=self.request.user, **data)

    @extend_schema(request=s.ScopeConfirmSerializer, responses=s.ScopeChangeSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        change = self.get_object()
        serializer = s.ScopeConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        change = services.scope_change_confirm(actor=request.user, change=change, expected_version=version, **data)
        self._etag_object = change
        return Response(s.ScopeChangeSerializer(change, context=self.get_serializer_context()).data)

    @extend_schema(request=s.ScopeRejectSerializer, responses=s.ScopeChangeSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        change = self.get_object()
        serializer = s.ScopeRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        change = services.scope_change_reject(actor=request.user, change=change, reason=data["reason"],
                                              expected_version=data.get("version"))
        self._etag_object = change
        return Response(s.ScopeChangeSerializer(change, context=self.get_serializer_context()).data)


class SyncNoteViewSet(CreateMixin, ReadOnlyScopedViewSet):
    """Weekly sync notes."""

    model = SyncNote
    serializer_class = s.SyncNoteSerializer
    filterset_fields = ["poc"]
    ordering = ["-held_on", "-pk"]

    def create_object(self, data):
        return services.sync_note_create(actor=self.request.user, **data)


class GuideViewSet(WritableScopedViewSet):
    """成功标准量化指引: reference data every user reads; managers edit it."""

    model = CriterionGuide
    serializer_class = s.GuideSerializer
    filterset_fields = ["industry", "active"]
    ordering = ["position", "pk"]

    def create_object(self, data):
        return services.guide_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.guide_update(actor=self.request.user, guide=instance, expected_version=version, **data)
