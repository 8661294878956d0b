"""Read-only API of the computed metrics: the definitions with their availability, and the
values of a person for a period, with the source records behind one metric's value."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from ..forms import PeriodForm
from ..permissions import can_view_person
from ..registry import METRICS, compute_many
from . import serializers as s

CODE = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Metric code.", enum=list(METRICS)
)


class MetricViewSet(viewsets.ViewSet):
    """The computed metrics (definitions), and their values for a person and period."""

    lookup_field = "code"
    lookup_value_regex = "[a-z_]+"
    pagination_class = None

    def _metric(self, code):
        metric = METRICS.get(code)
        if metric is None:
            raise NotFound()
        return metric

    def _query(self, request):
        """(person, start, end) from the query string, or a 400 with field errors / 404 for a
        person the caller may not see."""
        params = s.MetricQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        form = PeriodForm({k: v for k, v in request.query_params.items() if k in ("start", "end")})
        if not form.is_valid():
            raise serializers.ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        user_id = params.validated_data.get("user", request.user.pk)
        person = get_user_model().objects.filter(pk=user_id).first()
        if person is None or not can_view_person(request.user, person):
            raise NotFound(_("No such person."))
        return person, form.cleaned_data["start"], form.cleaned_data["end"]

    @extend_schema(responses=s.MetricDefinitionSerializer(many=True))
    def list(self, request):
        """Every metric: definition, unit, source apps and whether it can be computed here."""
        return Response(s.MetricDefinitionSerializer([m.as_dict() for m in METRICS.values()], many=True).data)

    @extend_schema(parameters=[CODE], responses=s.MetricDefinitionSerializer)
    def retrieve(self, request, code=None):
        return Response(s.MetricDefinitionSerializer(self._metric(code).as_dict()).data)

    @extend_schema(parameters=[s.MetricQuerySerializer], responses=s.MetricValueSerializer(many=True))
    @action(detail=False, methods=["get"])
    def values(self, request):
        """The values of every available metric for one person and period (no records)."""
        person, start, end = self._query(request)
        values = compute_many(METRICS, [person.pk], start, end)
        data = [
            {
                "code": code,
                "user": person.pk,
                "start": start,
                "end": end,
                **values[(code, person.pk)].as_dict(),
            }
            for code in METRICS
            if (code, person.pk) in values
        ]
        return Response(s.MetricValueSerializer(data, many=True).data)

    @extend_schema(parameters=[CODE, s.MetricQuerySerializer], responses=s.MetricBreakdownSerializer)
    @action(detail=True, methods=["get"])
    def compute(self, request, code=None):
        """One metric for one person and period: the value, its numerator and denominator, and the
        source records with what each contributes. 404 when the metric is not available here."""
        metric = self._metric(code)
        person, start, end = self._query(request)
        if not metric.is_available():
            raise NotFound(_("This metric cannot be computed in this installation: it is entered by hand."))
        value = metric.compute([person.pk], start, end)[person.pk]
        data = {
            "code": metric.code,
            "user": person.pk,
            "start": start,
            "end": end,
            **value.as_dict(),
            "metric": metric.as_dict(),
            "records": [r.as_dict() for r in metric.records(person, start, end)],
        }
        return Response(s.MetricBreakdownSerializer(data).data)
