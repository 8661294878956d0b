from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from presales.core.api import ObjectJSONParser, ReadOnlyScopedViewSet, WritableScopedViewSet, expected_version
from presales.core.errors import PermissionDenied

from .. import metadata, permissions, selectors, services
from ..filtersets import AccessRequestFilterSet, DocumentFilterSet
from ..models import AccessRequest, Document, DocumentCategory, DocumentEvent, DocumentVersion, DownloadLog
from ..responses import serve_version
from .serializers import (
    DocumentAccessDecisionSerializer,
    DocumentAccessLevelSerializer,
    DocumentAccessRequestCreateSerializer,
    DocumentAccessRequestSerializer,
    DocumentCategorySerializer,
    DocumentCreateSerializer,
    DocumentDiffSerializer,
    DocumentDownloadLogSerializer,
    DocumentEventSerializer,
    DocumentReviewSerializer,
    DocumentSerializer,
    DocumentStepSerializer,
    DocumentUpdateSerializer,
    DocumentVersionCreateSerializer,
    DocumentVersionSerializer,
)

REFUSALS = {
    400: OpenApiResponse(description="Bad input: `errors` by field."),
    403: OpenApiResponse(description="Not allowed for this user."),
    404: OpenApiResponse(description="No such document, or not one the caller may read."),
    409: OpenApiResponse(description="Not possible in the document's status: `reasons`."),
    412: OpenApiResponse(description="Stale version: `current_version`."),
    428: OpenApiResponse(description="No version sent (If-Match or `version`)."),
}
NUMBER = OpenApiParameter("number", int, OpenApiParameter.PATH, description="The version number (1, 2, …).")

# Actions that only need the document to be findable (metadata, asking for access); every other
# action reads or changes content and starts from the readable scope.
FINDABLE_ACTIONS = {"list", "retrieve", "request_access"}


class DocumentViewSet(WritableScopedViewSet):
    """Documents. The list and a document's own page show what the caller may find (with
    `can_read`); versions, files, history and every change need read access (404 otherwise).
    Create and new versions are multipart uploads. Lifecycle steps are POST actions carrying the
    version the caller saw (If-Match or `version`). No delete: documents are archived."""

    model = Document
    serializer_class = DocumentSerializer
    read_serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet
    parser_classes = [ObjectJSONParser, MultiPartParser, FormParser]
    ordering_fields = ["created_at", "number", "title"]
    ordering = ["-created_at", "-pk"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False):
            return Document.objects.none()
        scope = (
            Document.objects.findable_to(user)
            if self.action in FINDABLE_ACTIONS
            else Document.objects.visible_to(user)
        )
        return scope.select_related(*selectors.API_RELATED).prefetch_related("named_readers")

    def get_serializer_class(self):
        if self.action == "create":
            return DocumentCreateSerializer
        if self.action == "partial_update":
            return DocumentUpdateSerializer
        return DocumentSerializer

    def _read(self, instance, **context):
        return DocumentSerializer(instance, context={**self.get_serializer_context(), **context}).data

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        readable = selectors.readable_ids(user=request.user, documents=page)
        serializer = DocumentSerializer(
            page, many=True, context={**self.get_serializer_context(), "readable_ids": readable}
        )
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        request={"multipart/form-data": DocumentCreateSerializer},
        responses={201: DocumentSerializer, **REFUSALS},
    )
    def create(self, request, *args, **kwargs):
        if not permissions.can_create(request.user):
            raise PermissionDenied(_("You may not add documents."))
        return super().create(request, *args, **kwargs)

    def create_object(self, data):
        return services.document_create(actor=self.request.user, **data)

    @extend_schema(request=DocumentUpdateSerializer, responses={200: DocumentSerializer, **REFUSALS})
    def partial_update(self, request, *args, **kwargs):
        """Edit the details of a draft or returned document (title, description, validity)."""
        return super().partial_update(request, *args, **kwargs)

    def update_object(self, instance, data, version):
        data = dict(data)
        data.pop("version", None)
        return services.document_update(
            actor=self.request.user, document=instance, expected_version=version, **data
        )

    def _step(self, request, serializer_class, perform):
        document = self.get_object()
        version = expected_version(request)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        instance = perform(document=document, expected_version=version, **data)
        self._etag_object = instance
        return Response(self._read(instance, readable_ids={instance.pk}))

    @extend_schema(request=DocumentStepSerializer, responses={200: DocumentSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The author submits the document to its first review step (a returned one: resubmits)."""
        return self._step(
            request, DocumentStepSerializer, lambda **kw: services.document_submit(actor=request.user, **kw)
        )

    @extend_schema(request=DocumentReviewSerializer, responses={200: DocumentSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve at the current step; the final step needs `final_mode` (and `participants` for a
        meeting)."""
        return self._step(
            request,
            DocumentReviewSerializer,
            lambda **kw: services.document_approve(actor=request.user, **kw),
        )

    @extend_schema(request=DocumentReviewSerializer, responses={200: DocumentSerializer, **REFUSALS})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_author(self, request, pk=None):
        """Return the document to its author; `comment` says what to change."""
        return self._step(
            request, DocumentReviewSerializer, lambda **kw: services.document_return(actor=request.user, **kw)
        )

    @extend_schema(request=DocumentStepSerializer, responses={200: DocumentSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """Archive by hand (read-only afterwards, still findable); `comment` says why."""
        return self._step(
            request, DocumentStepSerializer, lambda **kw: services.document_archive(actor=request.user, **kw)
        )

    @extend_schema(request=DocumentAccessLevelSerializer, responses={200: DocumentSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def access(self, request, pk=None):
        """Set the access level and the named readers (the people responsible for the document)."""
        return self._step(
            request,
            DocumentAccessLevelSerializer,
            lambda **kw: services.document_set_access(actor=request.user, **kw),
        )

    @extend_schema(
        request=DocumentAccessRequestCreateSerializer,
        responses={201: DocumentAccessRequestSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="request-access", url_name="request-access")
    def request_access(self, request, pk=None):
        """Ask to read a project-team document one may find but not read."""
        document = self.get_object()
        serializer = DocumentAccessRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.access_request_create(
            actor=request.user, document=document, **serializer.validated_data
        )
        return Response(DocumentAccessRequestSerializer(created).data, status=201)

    @extend_schema(methods=["get"], responses={200: DocumentVersionSerializer(many=True)})
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": DocumentVersionCreateSerializer},
        responses={201: DocumentVersionSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["get", "post"])
    def versions(self, request, pk=None):
        """GET: the versions, newest first. POST (multipart): upload a new version with what changed."""
        document = self.get_object()
        if request.method == "GET":
            qs = (
                DocumentVersion.objects.filter(document=document)
                .select_related("author", "blob")
                .order_by("-number")
            )
            page = self.paginate_queryset(qs)
            return self.get_paginated_response(DocumentVersionSerializer(page, many=True).data)
        version = expected_version(request)
        serializer = DocumentVersionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        created = services.document_add_version(
            actor=request.user, document=document, expected_version=version, **data
        )
        return Response(DocumentVersionSerializer(created).data, status=201)

    @extend_schema(
        parameters=[NUMBER],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: REFUSALS[404]},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]+)/download",
        url_name="version-download",
    )
    def version_download(self, request, pk=None, number=None):
        """The file of one version, as an attachment (downloads of confidential documents are logged)."""
        document = self.get_object()
        version = selectors.version_of(document=document, number=int(number))
        return serve_version(user=request.user, document=document, version=version, inline=False)

    @extend_schema(
        parameters=[
            NUMBER,
            OpenApiParameter("against", int, description="The other version (default: the previous one)."),
        ],
        responses={200: DocumentDiffSerializer, 404: REFUSALS[404]},
    )
    @action(
        detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]+)/diff", url_name="version-diff"
    )
    def version_diff(self, request, pk=None, number=None):
        """What changed between two versions: the file and the metadata."""
        document = self.get_object()
        version = selectors.version_of(document=document, number=int(number))
        raw = request.query_params.get("against", "")
        against = int(raw) if raw.isdigit() else version.number - 1
        other = DocumentVersion.objects.filter(document=document, number=against).first()
        if other is None:
            raise Http404
        changes = [{**c, "field": str(c["field"])} for c in metadata.diff(other.metadata, version.metadata)]
        return Response(
            DocumentDiffSerializer(
                {"number": version.number, "against": other.number, "changes": changes}
            ).data
        )

    @extend_schema(responses={200: DocumentEventSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """The document's full history: creation, versions, submissions, decisions, access, archiving."""
        document = self.get_object()
        qs = (
            DocumentEvent.objects.filter(document=document)
            .select_related("actor", "version")
            .prefetch_related("participants")
            .order_by("-at", "-pk")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(DocumentEventSerializer(page, many=True).data)

    @extend_schema(responses={200: DocumentDownloadLogSerializer(many=True), 403: REFUSALS[403]})
    @action(detail=True, methods=["get"])
    def downloads(self, request, pk=None):
        """Who downloaded which version of a confidential document, and when (the people responsible)."""
        document = self.get_object()
        if not permissions.can_see_downloads(request.user, document):
            raise PermissionDenied(_("Only the people responsible for the document see its download log."))
        qs = (
            DownloadLog.objects.filter(document=document)
            .select_related("user", "version")
            .order_by("-at", "-pk")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(DocumentDownloadLogSerializer(page, many=True).data)


class AccessRequestViewSet(ReadOnlyScopedViewSet):
    """Access requests the caller made, and those they may decide (on documents they answer for)."""

    model = AccessRequest
    serializer_class = DocumentAccessRequestSerializer
    filterset_class = AccessRequestFilterSet
    select_related_fields = ("document__opportunity", "document__customer", "requester", "decided_by")
    ordering = ["-requested_at", "-pk"]

    @extend_schema(
        request=DocumentAccessDecisionSerializer, responses={200: DocumentAccessRequestSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Grant (until a day) or refuse (with a note) a pending request."""
        access_request = self.get_object()
        serializer = DocumentAccessDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decided = services.access_request_decide(
            actor=request.user,
            access_request=access_request,
            grant=data["decision"] == "grant",
            note=data["note"],
            until=data.get("until"),
        )
        return Response(DocumentAccessRequestSerializer(decided).data)


class DocumentCategoryViewSet(ReadOnlyScopedViewSet):
    """The categories with their stage codes and approval steps (configured by administrators)."""

    model = DocumentCategory
    serializer_class = DocumentCategorySerializer
    ordering = ["position", "kind"]
    pagination_class = None
