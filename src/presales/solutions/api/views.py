"""The solutions API: the same services, scope and rules as the pages."""

from django.http import HttpResponse
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from presales.core.api import ReadOnlyScopedViewSet, ScopedViewSet, WritableScopedViewSet, expected_version

from .. import exports, selectors, services
from ..choices import Decision
from ..filtersets import SolutionFilterSet
from ..models import ReviewRound, SectionTemplate, Solution, SolutionSection, SolutionVersion
from ..views import section_diff
from . import serializers as s


class SolutionViewSet(WritableScopedViewSet):
    """Solutions of the opportunities the caller may see (and those the caller reviews). The
    review moves as actions: submit (or resubmit), approve, return, departments, revise,
    make-current; 409 with the reasons when a rule refuses."""

    model = Solution
    serializer_class = s.SolutionSerializer
    filterset_class = SolutionFilterSet
    select_related_fields = ("opportunity", "author")
    ordering_fields = ["created_at", "status", "completeness", "title"]
    ordering = ["-created_at"]

    def create_object(self, data):
        return services.solution_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.solution_update(
            actor=self.request.user, solution=instance, expected_version=version, **data
        )

    def _answer(self, solution, status=200):
        self._etag_object = solution
        return Response(
            s.SolutionSerializer(solution, context=self.get_serializer_context()).data, status=status
        )

    def _data(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        return data, expected_version(self.request)

    @extend_schema(request=s.SolutionSubmitSerializer, responses=s.SolutionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft, or resubmit a returned solution (change_summary required): freezes a
        version and starts the review at level 1."""
        solution = self.get_object()
        data, version = self._data(s.SolutionSubmitSerializer)
        return self._answer(
            services.solution_submit(actor=request.user, solution=solution, expected_version=version, **data)
        )

    @extend_schema(request=s.SolutionSubmitSerializer, responses=s.SolutionSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        """Resubmit a returned solution after revision (same as submit; change_summary required)."""
        return self.submit(request, pk)

    @extend_schema(request=s.SolutionApproveSerializer, responses=s.SolutionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The assigned reviewer of the level under review approves it."""
        solution = self.get_object()
        data, version = self._data(s.SolutionApproveSerializer)
        return self._answer(
            services.review_decide(
                actor=request.user,
                solution=solution,
                decision=Decision.APPROVED,
                comments=data["comments"],
                expected_version=version,
            )
        )

    @extend_schema(request=s.SolutionReturnSerializer, responses=s.SolutionSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """The assigned reviewer of the level under review returns it to the author (comments required)."""
        solution = self.get_object()
        data, version = self._data(s.SolutionReturnSerializer)
        return self._answer(
            services.review_decide(
                actor=request.user,
                solution=solution,
                decision=Decision.RETURNED,
                comments=data["comments"],
                expected_version=version,
            )
        )

    @extend_schema(request=s.SolutionDepartmentSerializer, responses=s.SolutionSerializer)
    @action(detail=True, methods=["post"])
    def departments(self, request, pk=None):
        """Record one department's decision in the cross-department review."""
        solution = self.get_object()
        data, version = self._data(s.SolutionDepartmentSerializer)
        return self._answer(
            services.department_record(
                actor=request.user, solution=solution, expected_version=version, **data
            )
        )

    @extend_schema(request=s.SolutionReasonSerializer, responses=s.SolutionSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """Reopen a passed solution for a revision (reason required)."""
        solution = self.get_object()
        data, version = self._data(s.SolutionReasonSerializer)
        return self._answer(
            services.solution_revise(
                actor=request.user, solution=solution, reason=data["reason"], expected_version=version
            )
        )

    @extend_schema(request=s.SolutionReasonSerializer, responses=s.SolutionSerializer)
    @action(detail=True, methods=["post"], url_path="make-current")
    def make_current(self, request, pk=None):
        """Make this the opportunity's current solution."""
        solution = self.get_object()
        _data, version = self._data(s.SolutionReasonSerializer)
        return self._answer(
            services.solution_make_current(actor=request.user, solution=solution, expected_version=version)
        )

    @extend_schema(responses=s.SolutionSectionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def sections(self, request, pk=None):
        """The solution's sections in catalogue order."""
        return Response(s.SolutionSectionSerializer(selectors.sections_of(self.get_object()), many=True).data)

    @extend_schema(responses=s.SolutionCompletenessSerializer)
    @action(detail=True, methods=["get"])
    def completeness(self, request, pk=None):
        """The live completeness score with the missing required sections."""
        return Response(
            s.SolutionCompletenessSerializer(selectors.solution_completeness(self.get_object())).data
        )

    @extend_schema(responses=s.SolutionReviewRoundSerializer(many=True))
    @action(detail=True, methods=["get"])
    def rounds(self, request, pk=None):
        """Every review round with its level decisions and department reviews."""
        return Response(
            s.SolutionReviewRoundSerializer(
                selectors.detail_context(solution=self.get_object())["rounds"], many=True
            ).data
        )

    @extend_schema(
        parameters=[OpenApiParameter("a", int, required=True), OpenApiParameter("b", int, required=True)],
        responses=s.SolutionDiffSectionSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        """The differences of the section texts between versions a and b."""
        solution = self.get_object()
        versions = {v.number: v for v in SolutionVersion.objects.filter(solution=solution)}
        try:
            a, b = (
                versions[int(request.query_params.get("a", ""))],
                versions[int(request.query_params.get("b", ""))],
            )
        except (KeyError, ValueError):
            raise ValidationError({"a": ["Give two version numbers of this solution."]}) from None
        return Response(s.SolutionDiffSectionSerializer(section_diff(a.sections, b.sections), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("version", int, required=False)],
        responses={(200, exports.CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The DOCX of a version (default: the latest)."""
        solution = self.get_object()
        versions = SolutionVersion.objects.filter(solution=solution).order_by("-number")
        raw = request.query_params.get("version", "")
        version = versions.filter(number=int(raw)).first() if raw.isdigit() else versions.first()
        if version is None:
            raise NotFound()
        response = HttpResponse(exports.solution_docx(solution, version), content_type=exports.CONTENT_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="solution-{solution.pk}-v{version.number}.docx"'
        )
        return response

    @extend_schema(
        parameters=[OpenApiParameter("ids", str, required=True, description="Comma-separated ids")],
        responses=s.SolutionProgressSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def progress(self, request):
        """Solution progress (none, drafting, in_review, returned, passed) of visible opportunities."""
        from presales.opportunities.models import Opportunity

        raw = [p for p in request.query_params.get("ids", "").split(",") if p.strip().isdigit()][:500]
        ids = list(
            Opportunity.objects.visible_to(request.user).filter(pk__in=raw).values_list("pk", flat=True)
        )
        result = selectors.progress_by_opportunity(ids)
        return Response([{"opportunity": k, "progress": v} for k, v in sorted(result.items())])

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATETIME, required=False),
            OpenApiParameter("end", OpenApiTypes.DATETIME, required=False),
        ],
        responses=s.SolutionFirstPassSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="first-pass")
    def first_pass(self, request):
        """内部评审一次通过率 per author: visible solutions whose first round was decided in [start, end)."""
        bounds = {}
        for name in ("start", "end"):
            raw = request.query_params.get(name)
            if raw:
                value = parse_datetime(raw)
                if value is None:
                    raise ValidationError({name: ["An ISO 8601 date-time is required."]})
                bounds[name] = value
        rows = selectors.first_pass_stats(queryset=Solution.objects.visible_to(request.user), **bounds)
        return Response(
            s.SolutionFirstPassSerializer([{**r.__dict__, "rate": r.rate} for r in rows], many=True).data
        )


class SectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, ScopedViewSet
):
    """Sections of visible solutions; PUT/PATCH the content (If-Match: the section's version)."""

    model = SolutionSection
    serializer_class = s.SolutionSectionSerializer
    select_related_fields = ("template",)
    filterset_fields = ["solution"]
    ordering = ["solution", "template__position"]
    http_method_names = ["get", "put", "patch", "head", "options"]

    def retrieve(self, request, *args, **kwargs):
        section = self.get_object()
        self._etag_object = section
        return Response(self.get_serializer(section).data)

    def update(self, request, *args, **kwargs):
        section = self.get_object()
        version = expected_version(request)
        serializer = self.get_serializer(section, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        section = services.section_save(
            actor=request.user,
            section=section,
            content=serializer.validated_data.get("content", section.content),
            expected_version=version,
        )
        self._etag_object = section
        return Response(self.get_serializer(section).data)


class VersionViewSet(ReadOnlyScopedViewSet):
    """Frozen versions (one per submission) with their sections and score."""

    model = SolutionVersion
    serializer_class = s.SolutionVersionSerializer
    filterset_fields = ["solution"]
    ordering = ["solution", "-number"]


class RoundViewSet(ReadOnlyScopedViewSet):
    """Review rounds (one per submission): the first-pass data of the appraisal."""

    model = ReviewRound
    serializer_class = s.SolutionReviewRoundSerializer
    select_related_fields = ("version",)
    prefetch_related_fields = ("decisions", "department_reviews")
    filterset_fields = ["solution", "outcome", "internal_passed"]
    ordering = ["solution", "number"]


class SectionTemplateViewSet(WritableScopedViewSet):
    """The section catalogue (方案目录): everybody reads; managers edit."""

    model = SectionTemplate
    serializer_class = s.SectionTemplateSerializer
    filterset_fields = ["required", "active"]
    ordering = ["position", "pk"]

    def create_object(self, data):
        return services.template_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.template_update(
            actor=self.request.user, template=instance, expected_version=version, **data
        )
