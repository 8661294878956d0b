from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from presales.core.api import ScopedViewSet, WritableScopedViewSet, expected_version
from presales.core.errors import PermissionDenied
from presales.solutions.models import Solution

from .. import permissions, services, similar
from ..filtersets import ArticleFilterSet
from ..forms import SearchForm
from ..models import Article
from ..search import search
from .serializers import (
    ArticleListSerializer,
    ArticleSerializer,
    ArticleWriteSerializer,
    CitationSerializer,
    CiteSerializer,
    OutlineRequestSerializer,
    OutlineResultSerializer,
    PublishSerializer,
    RetireSerializer,
    SearchResultSerializer,
    SimilarCaseSerializer,
)

REFUSALS = {
    400: OpenApiResponse(description="Bad input: `errors` by field."),
    403: OpenApiResponse(description="Not allowed for this user."),
    409: OpenApiResponse(description="Not possible in the article's status: `reasons`."),
    412: OpenApiResponse(description="Stale version: `current_version`."),
    428: OpenApiResponse(description="No version sent (If-Match or `version`)."),
}
SEARCH_PARAMS = [
    OpenApiParameter("q", str, required=True, description="The query (1–200 characters), segmented like the index."),
    OpenApiParameter("kind", str), OpenApiParameter("industry", str), OpenApiParameter("tag", str),
    OpenApiParameter("published_from", OpenApiTypes.DATE), OpenApiParameter("published_to", OpenApiTypes.DATE),
    OpenApiParameter("page", int),
]


class ArticleViewSet(WritableScopedViewSet):
    """Knowledge articles the caller may read. Create writes a draft; update needs the version
    (If-Match or `version`); publish / retire / cite are POST actions. `search` ranks by full text;
    `similar` lists the cases most like an opportunity. No delete: articles are retired."""

    model = Article
    filterset_class = ArticleFilterSet
    select_related_fields = ("owner",)
    prefetch_related_fields = ("tags",)
    ordering_fields = ["updated_at", "published_at", "title"]
    ordering = ["-updated_at", "-pk"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ArticleWriteSerializer
        if self.action == "list":
            return ArticleListSerializer
        return ArticleSerializer

    read_serializer_class = ArticleSerializer

    @extend_schema(request=ArticleWriteSerializer, responses={201: ArticleSerializer, **REFUSALS})
    def create(self, request, *args, **kwargs):
        if not permissions.can_create(request.user):
            raise PermissionDenied(_("You may not write knowledge articles."))
        return super().create(request, *args, **kwargs)

    @extend_schema(request=ArticleWriteSerializer, responses={200: ArticleSerializer, **REFUSALS})
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(request=ArticleWriteSerializer, responses={200: ArticleSerializer, **REFUSALS})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def create_object(self, data):
        return services.article_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.article_update(actor=self.request.user, article=instance, expected_version=version, **data)

    def _step(self, request, serializer_class, perform):
        article = self.get_object()
        version = expected_version(request)
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        instance = perform(article=article, expected_version=version, **data)
        self._etag_object = instance
        return Response(ArticleSerializer(instance, context=self.get_serializer_context()).data)

    @extend_schema(request=PublishSerializer, responses={200: ArticleSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft: the team's lead or a manager."""
        return self._step(request, PublishSerializer, lambda **kw: services.article_publish(actor=request.user, **kw))

    @extend_schema(request=RetireSerializer, responses={200: ArticleSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """Retire a published article, with the reason."""
        return self._step(request, RetireSerializer, lambda **kw: services.article_retire(actor=request.user, **kw))

    @extend_schema(request=CiteSerializer, responses={201: CitationSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def cite(self, request, pk=None):
        """Record that an opportunity or a solution uses this article."""
        article = self.get_object()
        if not permissions.can_create(request.user):
            raise PermissionDenied(_("You may not cite this article."))
        serializer = CiteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        citation = services.citation_add(actor=request.user, article=article, **serializer.validated_data)
        return Response(CitationSerializer(citation).data, status=201)

    @extend_schema(parameters=SEARCH_PARAMS, responses={200: SearchResultSerializer, 400: REFUSALS[400]})
    @action(detail=False, methods=["get"])
    def search(self, request):
        """Ranked full-text search (Chinese segmentation) with highlighted snippets; the count and
        the results include only articles the caller may read. Unknown parameters or values → 400."""
        unknown = set(request.query_params) - set(SearchForm.base_fields) - {"format"}
        form = SearchForm(request.query_params)
        errors = {} if form.is_valid() else {k: [str(m) for m in v] for k, v in form.errors.items()}
        for name in sorted(unknown):
            errors[name] = [_("Unknown filter.")]
        if errors:
            raise exceptions.ValidationError(errors)
        result = search(request.user, form.cleaned_data["q"], form.filters(), page=form.cleaned_data.get("page") or 1)
        return Response(SearchResultSerializer(result).data)

    @extend_schema(
        parameters=[OpenApiParameter("opportunity", int, required=True), OpenApiParameter("limit", int)],
        responses={200: SimilarCaseSerializer(many=True), 400: REFUSALS[400]},
    )
    @action(detail=False, methods=["get"])
    def similar(self, request):
        """The published cases most similar to an opportunity the caller may see, best first, with
        the matched words as the reason."""
        from presales.opportunities.models import Opportunity

        raw, raw_limit = request.query_params.get("opportunity", ""), request.query_params.get("limit", "5")
        if not raw.isdigit():
            raise exceptions.ValidationError({"opportunity": [_("Give the opportunity's id.")]})
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 20:
            raise exceptions.ValidationError({"limit": [_("A whole number from 1 to 20.")]})
        opportunity = get_object_or_404(Opportunity.objects.visible_to(request.user), pk=int(raw))
        matches = similar.similar_cases(opportunity, request.user, limit=int(raw_limit))
        return Response(SimilarCaseSerializer(matches, many=True).data)


class OutlineViewSet(ScopedViewSet):
    """Solution-outline drafting: POST an opportunity (and optionally a title) to draft its first
    solution from the confirmed requirement items, the section catalogue, matching templates and
    similar cases. The answer is the new draft solution (an ordinary one: the three-level review
    applies), its sections with the items they answer and the passages they reuse (each with its
    source article), the cited articles and any warnings. 400 on the field at fault (e.g. no
    confirmed requirements: `opportunity`; an unknown field), 403 when the caller may not write
    its solution."""

    model = Solution
    serializer_class = OutlineRequestSerializer
    http_method_names = ["post", "options"]

    @extend_schema(request=OutlineRequestSerializer, responses={201: OutlineResultSerializer, **REFUSALS})
    def create(self, request):
        from presales.solutions import permissions as solution_permissions

        if not (solution_permissions.can_create_any(request.user) and permissions.can_create(request.user)):
            raise PermissionDenied(_("Only the opportunity's presales people, the team lead or a manager write its "
                                     "solution."))
        serializer = self.get_serializer(data=request.data)  # unknown fields → 400 (ScopedViewSet)
        serializer.is_valid(raise_exception=True)
        result = services.outline_draft(actor=request.user, **serializer.validated_data)
        return Response(OutlineResultSerializer(result, context=self.get_serializer_context()).data, status=201)
