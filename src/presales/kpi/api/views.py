"""The KPI library API: the same services, scope and rules as the pages."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from presales.core.api import ReadOnlyScopedViewSet, WritableScopedViewSet, expected_version
from presales.core.errors import DomainError

from .. import ahp, rules, services
from ..filtersets import IndicatorFilterSet, IndicatorReviewFilterSet, SchemeFilterSet, SchemeItemFilterSet
from ..models import Indicator, IndicatorReview, Scheme, SchemeItem
from . import serializers as s


def _score_payload(result: rules.ScoreResult) -> dict:
    return {"rule_type": result.rule_type, "points": result.points, "max_points": result.max_points,
            "normalized": result.normalized, "explanation": result.explanation, "inputs": result.inputs}


class IndicatorViewSet(WritableScopedViewSet):
    """The indicator library (read: everyone logged in; write: managers and committee members)."""

    model = Indicator
    serializer_class = s.IndicatorSerializer
    filterset_class = IndicatorFilterSet
    prefetch_related_fields = ("applicable_roles",)
    ordering = ["code"]

    def get_queryset(self):
        qs = super().get_queryset().order_by("code")
        if self.action == "retrieve":
            qs = qs.prefetch_related("versions")
        return qs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.IndicatorDetailSerializer
        return s.IndicatorSerializer

    def create_object(self, data):
        data = dict(data)
        data.pop("change_summary", None)
        data.setdefault("rule_params", {})
        return services.indicator_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        data = dict(data)
        summary = data.pop("change_summary", "")
        return services.indicator_update(actor=self.request.user, indicator=instance, expected_version=version,
                                         change_summary=summary, **data)

    @extend_schema(request=s.KpiTryRequestSerializer, responses=s.KpiScoreResultSerializer)
    @action(detail=True, methods=["post"], url_path="try")
    def try_rule(self, request, pk=None):
        """Score a value with this indicator's rule (nothing is stored)."""
        indicator = self.get_object()
        serializer = s.KpiTryRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.indicator_try(indicator, serializer.validated_data.get("value") or None)
        return Response(s.KpiScoreResultSerializer(_score_payload(result)).data)


class IndicatorReviewViewSet(mixins.CreateModelMixin, ReadOnlyScopedViewSet):
    """Quarterly reviews of indicators (keep / replace / retire)."""

    model = IndicatorReview
    serializer_class = s.IndicatorReviewSerializer
    filterset_class = IndicatorReviewFilterSet
    select_related_fields = ("indicator",)

    def get_queryset(self):
        return IndicatorReview.objects.filter(
            indicator__in=Indicator.objects.visible_to(self.request.user)).select_related("indicator").order_by(
            "-at", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        review = services.indicator_review(
            actor=request.user, indicator=data["indicator"], quarter=data["quarter"], decision=data["decision"],
            reason=data.get("reason", ""), replaced_by=data.get("replaced_by"), expected_version=data.get("version"),
        )
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)


class SchemeViewSet(WritableScopedViewSet):
    """Schemes (editors see all; others the active ones) with their items, activation and AHP."""

    model = Scheme
    serializer_class = s.SchemeSerializer
    filterset_class = SchemeFilterSet
    select_related_fields = ("role",)

    def get_queryset(self):
        from django.db.models import Prefetch

        return super().get_queryset().with_locked().prefetch_related(
            Prefetch("items", queryset=SchemeItem.objects.select_related("indicator").order_by("position", "pk"))
        ).order_by("code")

    def create_object(self, data):
        return services.scheme_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.scheme_update(actor=self.request.user, scheme=instance, expected_version=version, **data)

    def _respond(self, scheme):
        scheme = self.get_queryset().get(pk=scheme.pk)
        self._etag_object = scheme
        return Response(s.SchemeSerializer(scheme, context=self.get_serializer_context()).data)

    @extend_schema(request=s.KpiVersionSerializer, responses=s.SchemeSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Activate: refused (400, field errors with the current sums) unless the weights add up."""
        scheme = self.get_object()
        return self._respond(services.scheme_activate(actor=request.user, scheme=scheme,
                                                      expected_version=expected_version(request)))

    @extend_schema(request=s.KpiVersionSerializer, responses=s.SchemeSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        scheme = self.get_object()
        return self._respond(services.scheme_retire(actor=request.user, scheme=scheme,
                                                    expected_version=expected_version(request)))

    @extend_schema(request=s.KpiSetWeightsSerializer, responses=s.SchemeSerializer)
    @action(detail=True, methods=["post"], url_path="set-weights")
    def set_weights(self, request, pk=None):
        """Set several item weights (and dimensions) at once."""
        scheme = self.get_object()
        serializer = s.KpiSetWeightsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = serializer.validated_data["weights"]
        scheme = services.scheme_set_weights(
            actor=request.user, scheme=scheme, expected_version=expected_version(request),
            weights={row["item"]: row["weight"] for row in rows},
            dimensions={row["item"]: row["dimension"] for row in rows if row.get("dimension")},
        )
        return self._respond(scheme)

    @extend_schema(request=s.KpiSchemeAhpSerializer, responses=s.KpiAhpRunSerializer)
    @action(detail=True, methods=["post"], url_path="apply-ahp")
    def apply_ahp(self, request, pk=None):
        """Derive the weights of the scheme's items (or one dimension's, in the scheme's order) from a
        pairwise matrix and apply them (CR ≥ 0.1 refused)."""
        scheme = self.get_object()
        serializer = s.KpiSchemeAhpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run = services.scheme_apply_ahp(actor=request.user, scheme=scheme, matrix=data["matrix"],
                                        dimension=data.get("dimension", ""), expected_version=expected_version(request))
        return Response(s.KpiAhpRunSerializer(run).data)


class SchemeItemViewSet(mixins.DestroyModelMixin, WritableScopedViewSet):
    """Items of the schemes the caller may see. Writes name the scheme version (If-Match or
    `version`): every item change bumps the scheme's version."""

    model = SchemeItem
    serializer_class = s.SchemeItemSerializer
    filterset_class = SchemeItemFilterSet

    def get_queryset(self):
        return SchemeItem.objects.filter(scheme__in=Scheme.objects.visible_to(self.request.user)).select_related(
            "indicator").order_by("scheme", "position", "pk")

    def retrieve(self, request, *args, **kwargs):
        item = self.get_object()
        return Response(self.get_serializer(item).data)

    def create_object(self, data):
        scheme = get_object_or_404(Scheme.objects.visible_to(self.request.user), pk=data["scheme"].pk)
        return services.scheme_item_add(actor=self.request.user, scheme=scheme, indicator=data["indicator"],
                                        weight=data["weight"], dimension=data.get("dimension", ""),
                                        expected_version=data.get("version"))

    def update_object(self, instance, data, version):
        return services.scheme_item_update(actor=self.request.user, item=instance, expected_version=version,
                                           weight=data.get("weight"), dimension=data.get("dimension") or None,
                                           position=data.get("position"))

    def destroy(self, request, *args, **kwargs):
        item = self.get_object()
        services.scheme_item_remove(actor=request.user, item=item, expected_version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AhpViewSet(viewsets.ViewSet):
    """Compute AHP weights and the consistency ratio of a pairwise matrix (nothing is stored;
    an inconsistent matrix is answered, with `consistent: false` and the worst judgements)."""

    serializer_class = s.KpiAhpRequestSerializer

    @extend_schema(request=s.KpiAhpRequestSerializer, responses=s.KpiAhpResultSerializer)
    def create(self, request):
        serializer = s.KpiAhpRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = ahp.analyse(serializer.validated_data["matrix"])
        payload = {
            "weights": result.weights, "percentages": ahp.to_percentages(result.weights),
            "lambda_max": result.lambda_max, "ci": result.ci, "cr": result.cr, "consistent": result.consistent,
            "inconsistent_pairs": [{"i": p.i, "j": p.j, "given": p.given, "implied": p.implied}
                                   for p in result.inconsistent_pairs],
        }
        return Response(s.KpiAhpResultSerializer(payload).data)


class RuleTryViewSet(viewsets.ViewSet):
    """Score a value with any rule (type + parameters + full marks) — to try a rule before saving it."""

    serializer_class = s.KpiRuleTryRequestSerializer

    @extend_schema(request=s.KpiRuleTryRequestSerializer, responses=s.KpiScoreResultSerializer)
    def create(self, request):
        serializer = s.KpiRuleTryRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = rules.score(data["rule_type"], data["rule_params"], data.get("value") or None,
                                 data["max_points"])
        except DomainError:
            raise
        return Response(s.KpiScoreResultSerializer(_score_payload(result)).data)
