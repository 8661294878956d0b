"""The appraisal API: the same services, scope and rules as the pages."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from presales.core.api import ReadOnlyScopedViewSet, WritableScopedViewSet

from .. import permissions, selectors, services
from ..choices import PUBLISHED_STEPS, Step
from ..models import Adjustment, Appraisal, Cycle, IndicatorScore, SourceEntry
from . import serializers as s


class CycleViewSet(WritableScopedViewSet):
    """Appraisal cycles (quarterly, annual); create and edit: managers and the committee. Start,
    close and recompute as actions; participants added with `participants`."""

    model = Cycle
    serializer_class = s.AppraisalCycleSerializer
    ordering = ["-year", "-quarter"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Cycle.objects.none()
        return super().get_queryset().order_by("-year", "-quarter", "-pk")

    def create_object(self, data):
        return services.cycle_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.cycle_update(
            actor=self.request.user, cycle=instance, changes=data, expected_version=version
        )

    def _done(self, cycle, code=status.HTTP_200_OK):
        self._etag_object = cycle
        return Response(s.AppraisalCycleSerializer(cycle).data, status=code)

    @extend_schema(request=s.AppraisalReasonSerializer, responses=s.AppraisalCycleSerializer)
    @action(detail=True, methods=["post"], url_path="open")
    def open_cycle(self, request, pk=None):
        """Start the cycle (draft → running); an annual cycle builds its appraisals from the quarters."""
        cycle = self.get_object()
        return self._done(
            services.cycle_open(actor=request.user, cycle=cycle, expected_version=request.data.get("version"))
        )

    @extend_schema(request=s.AppraisalReasonSerializer, responses=s.AppraisalCycleSerializer)
    @action(detail=True, methods=["post"], url_path="close")
    def close_cycle(self, request, pk=None):
        cycle = self.get_object()
        return self._done(
            services.cycle_close(
                actor=request.user, cycle=cycle, expected_version=request.data.get("version")
            )
        )

    @extend_schema(request=None, responses=s.AppraisalCycleSerializer)
    @action(detail=True, methods=["post"])
    def compute(self, request, pk=None):
        """Recompute the scorecards of every unpublished participant."""
        cycle = self.get_object()
        services.cycle_compute(actor=request.user, cycle=cycle)
        return self._done(cycle)

    @extend_schema(request=s.CycleParticipantSerializer, responses=s.AppraisalSerializer)
    @action(detail=True, methods=["post"])
    def participants(self, request, pk=None):
        from presales.accounts.models import User
        from presales.kpi.models import Scheme

        cycle = self.get_object()
        serializer = s.CycleParticipantSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        errors = {}
        employee = User.objects.filter(pk=data["employee"]).first()
        scheme = Scheme.objects.filter(pk=data["scheme"]).first()
        supervisor = User.objects.filter(pk=data["supervisor"]).first() if data.get("supervisor") else None
        if employee is None:
            errors["employee"] = ["Unknown person."]
        if scheme is None:
            errors["scheme"] = ["Unknown scheme."]
        if data.get("supervisor") and supervisor is None:
            errors["supervisor"] = ["Unknown person."]
        if errors:
            raise ValidationError(errors)
        appraisal = services.participant_add(
            actor=request.user, cycle=cycle, employee=employee, scheme=scheme, supervisor=supervisor
        )
        return Response(s.AppraisalSerializer(appraisal).data, status=status.HTTP_201_CREATED)


class AppraisalViewSet(ReadOnlyScopedViewSet):
    """Appraisals the caller may see (own, supervised, led teams; managers and the committee all).
    The steps as actions: `entries` (self / supervisor / customer / peer values), `move`, `publish`,
    `acknowledge`, `appeal`, `adjustments` (committee, with a reason), `answer` (the appeal), and
    `scorecard` (every indicator with value, score, weight and explanation)."""

    model = Appraisal
    serializer_class = s.AppraisalSerializer
    select_related_fields = ("cycle", "employee")
    filterset_fields = ["cycle", "employee", "status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Appraisal.objects.none()
        qs = super().get_queryset().order_by("cycle", "pk")
        if self.action in ("entries",):
            user = self.request.user
            if user.team_id:  # 360° peers enter values for their team's colleagues
                qs = Appraisal.objects.filter(
                    Q(pk__in=qs.values("pk")) | Q(team_id=user.team_id)
                ).select_related("cycle", "employee")
        return qs

    def get_serializer_class(self):
        return s.AppraisalSerializer

    def _out(self, appraisal):
        self._etag_object = appraisal
        user = self.request.user
        if permissions.can_see_scores(user, appraisal):
            return s.AppraisalSerializer(appraisal).data
        return s.AppraisalSummarySerializer(appraisal).data

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = [self._out(a) for a in page]
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self._out(self.get_object()))

    @extend_schema(responses=s.AppraisalScorecardSerializer)
    @action(detail=True, methods=["get"])
    def scorecard(self, request, pk=None):
        appraisal = self.get_object()
        if not permissions.can_see_scores(request.user, appraisal):
            raise ApiPermissionDenied()
        data = {
            "appraisal": appraisal,
            "scores": selectors.scorecard(appraisal),
            "adjustments": list(appraisal.adjustments.all()),
            "appeals": list(appraisal.appeals.all()),
            "events": list(appraisal.events.all()),
        }
        return Response(s.AppraisalScorecardSerializer(data).data)

    @extend_schema(request=s.AppraisalEntriesSerializer, responses=s.AppraisalSerializer)
    @action(detail=True, methods=["post"])
    def entries(self, request, pk=None):
        appraisal = self.get_object()
        serializer = s.AppraisalEntriesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        appraisal = services.entries_save(
            actor=request.user,
            appraisal=appraisal,
            source=d["source"],
            values=d["values"],
            comments=d.get("comments"),
            summary=d.get("summary"),
            expected_version=d.get("version"),
        )
        return Response(self._out(appraisal))

    def _move(self, request, to_status, reason):
        appraisal = self.get_object()
        appraisal = services.appraisal_move(
            actor=request.user,
            appraisal=appraisal,
            to_status=to_status,
            reason=reason,
            expected_version=request.data.get("version"),
        )
        return Response(self._out(appraisal))

    @extend_schema(request=s.AppraisalMoveSerializer, responses=s.AppraisalSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Any step of the workflow (409 with the reasons when a guard refuses)."""
        serializer = s.AppraisalMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._move(
            request, serializer.validated_data["to_status"], serializer.validated_data["reason"]
        )

    @extend_schema(request=s.AppraisalReasonSerializer, responses=s.AppraisalSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._move(request, Step.PUBLISHED, request.data.get("reason", ""))

    @extend_schema(request=s.AppraisalReasonSerializer, responses=s.AppraisalSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._move(request, Step.ACKNOWLEDGED, request.data.get("reason", ""))

    @extend_schema(request=s.AppraisalReasonSerializer, responses=s.AppraisalSerializer)
    @action(detail=True, methods=["post"])
    def appeal(self, request, pk=None):
        return self._move(request, Step.APPEALED, request.data.get("reason", ""))

    @extend_schema(request=s.AppraisalAdjustmentInputSerializer, responses=s.AppraisalAdjustmentSerializer)
    @action(detail=True, methods=["post"])
    def adjustments(self, request, pk=None):
        appraisal = self.get_object()
        serializer = s.AppraisalAdjustmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        adjustment = services.adjustment_add(
            actor=request.user,
            appraisal=appraisal,
            points=d["points"],
            reason=d["reason"],
            expected_version=d.get("version"),
        )
        return Response(s.AppraisalAdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AppealAnswerSerializer, responses=s.AppraisalAppealSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        appraisal = self.get_object()
        serializer = s.AppealAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        appeal = services.appeal_answer(
            actor=request.user,
            appraisal=appraisal,
            outcome=d["outcome"],
            answer=d["answer"],
            expected_version=d.get("version"),
        )
        return Response(s.AppraisalAppealSerializer(appeal).data)


def _scores_scope(user):
    visible = Appraisal.objects.visible_to(user)
    if permissions.is_committee(user):
        return visible
    # the employee sees their own scores once published
    return visible.filter(Q(status__in=PUBLISHED_STEPS) | ~Q(employee=user))


class IndicatorScoreViewSet(ReadOnlyScopedViewSet):
    """The indicator scores (with their snapshots) of the appraisals whose scores the caller may see."""

    model = IndicatorScore
    serializer_class = s.AppraisalIndicatorScoreSerializer
    filterset_fields = ["appraisal", "code"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IndicatorScore.objects.none()
        return IndicatorScore.objects.filter(
            appraisal__in=_scores_scope(self.request.user).values("pk")
        ).order_by("appraisal", "position", "pk")


class SourceEntryViewSet(ReadOnlyScopedViewSet):
    """Evaluators' entries: your own, and those of the appraisals whose scores you may see."""

    model = SourceEntry
    serializer_class = s.AppraisalSourceEntrySerializer
    filterset_fields = ["appraisal", "source"]

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not user.is_authenticated:
            return SourceEntry.objects.none()
        scope = _scores_scope(user).exclude(employee=user)
        return SourceEntry.objects.filter(Q(appraisal__in=scope.values("pk")) | Q(evaluator=user)).order_by(
            "appraisal", "indicator", "source", "pk"
        )


class AdjustmentViewSet(ReadOnlyScopedViewSet):
    model = Adjustment
    serializer_class = s.AppraisalAdjustmentSerializer
    filterset_fields = ["appraisal"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Adjustment.objects.none()
        return Adjustment.objects.filter(
            appraisal__in=_scores_scope(self.request.user).values("pk")
        ).order_by("appraisal", "at", "pk")
