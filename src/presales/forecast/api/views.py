"""The forecast API: model versions with their holdout evaluation, the estimates of open
opportunities (filter `opportunity=<id>` for one opportunity's `win_probability`), the weighted
pipeline and the traits of high-value customers. Same selectors and permissions as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from presales.core.api import ReadOnlyScopedViewSet

from .. import permissions, selectors
from ..filtersets import PredictionFilterSet
from ..models import Prediction, WinModel
from . import serializers as s


class WinModelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Trained model versions, newest first (managers, team leads, the appraisal committee)."""

    serializer_class = s.WinModelSerializer
    queryset = WinModel.objects.order_by("-version")
    ordering_fields = ["version", "trained_at"]
    ordering = ["-version"]
    filterset_class = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not permissions.can_view_model(request.user):
            raise PermissionDenied()


class PredictionViewSet(ReadOnlyScopedViewSet):
    """Win-probability estimates of the open opportunities the caller may see: the newest model's,
    unless `model` names a version's id. `?opportunity=<id>` gives one opportunity's estimate."""

    model = Prediction
    serializer_class = s.PredictionSerializer
    filterset_class = PredictionFilterSet
    select_related_fields = ("opportunity", "model")
    ordering_fields = ["probability", "created_at"]
    ordering = ["-probability", "pk"]

    def get_queryset(self):
        qs = (
            super()
            .get_queryset()
            .only(
                "pk",
                "probability",
                "factors",
                "created_at",
                "opportunity__id",
                "opportunity__number",
                "model__id",
                "model__version",
            )
        )
        if "model" not in self.request.query_params:
            qs = qs.current()
        return qs


class PipelineViewSet(viewsets.ViewSet):
    """The weighted pipeline (amount × win probability) per open stage, over the opportunities the
    caller may see; `team` narrows it to one presales team."""

    pagination_class = None

    @extend_schema(parameters=[s.PipelineQuerySerializer], responses=s.PipelineSerializer)
    def list(self, request):
        params = s.PipelineQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = selectors.weighted_pipeline(request.user, team=params.validated_data.get("team"))
        return Response(s.PipelineSerializer(data).data)


class TraitsViewSet(viewsets.ViewSet):
    """Traits of high-value customers: per trait value, closed and won counts, win rate, won
    amount, average won amount and lift (managers, team leads, the appraisal committee)."""

    pagination_class = None

    @extend_schema(responses=s.TraitsSerializer)
    def list(self, request):
        if not permissions.can_view_traits(request.user):
            raise PermissionDenied()
        return Response(s.TraitsSerializer(selectors.customer_traits(request.user)).data)
