"""The talent API: the same services, scopes and rules as the pages."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from presales.core.api import ReadOnlyScopedViewSet, WritableScopedViewSet, expected_version

from .. import selectors, services
from ..filtersets import (
    AwardRoundFilterSet,
    CertificationFilterSet,
    DailyReportFilterSet,
    MentoringFilterSet,
    OnboardingFilterSet,
    PromotionFilterSet,
    TrainingFilterSet,
)
from ..models import (
    AwardNomination,
    AwardRound,
    Certification,
    DailyReport,
    MentoringNote,
    MentoringPair,
    OnboardingProgramme,
    OnboardingTask,
    Promotion,
    Training,
    TrainingAttendance,
)
from . import serializers as s


class CreateOnlyMixin:
    """POST creates through `create_object` (a service call); no update."""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_object(serializer.validated_data)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)


class DailyReportViewSet(WritableScopedViewSet):
    """Daily reports the caller may see (own, their team's if they lead it, all for managers).
    POST writes the caller's own report; PATCH edits it until rated; `rate` rates it."""

    model = DailyReport
    serializer_class = s.TalentDailyReportSerializer
    filterset_class = DailyReportFilterSet
    select_related_fields = ("author", "rated_by")
    prefetch_related_fields = ("opportunities",)
    ordering = ["-report_date", "-pk"]

    def create_object(self, data):
        return services.daily_report_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.daily_report_update(
            actor=self.request.user, report=instance, expected_version=version, **data
        )

    @extend_schema(request=s.TalentRateSerializer, responses=s.TalentDailyReportSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """Rate the quality: −1 perfunctory (comment required), 0 normal, +1 constructive."""
        report = self.get_object()
        serializer = s.TalentRateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services.daily_report_rate(
            actor=request.user,
            report=report,
            rating=data["rating"],
            comment=data["comment"],
            expected_version=data.get("version"),
        )
        self._etag_object = report
        return Response(s.TalentDailyReportSerializer(report, context=self.get_serializer_context()).data)


class CertificationViewSet(WritableScopedViewSet):
    """Certifications (the certificate file is uploaded on the page, registered as a document)."""

    model = Certification
    serializer_class = s.TalentCertificationSerializer
    filterset_class = CertificationFilterSet
    select_related_fields = ("person",)
    ordering = ["-obtained_on", "-pk"]

    def create_object(self, data):
        return services.certification_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.certification_update(
            actor=self.request.user, certification=instance, expected_version=version, **data
        )


class TrainingViewSet(WritableScopedViewSet):
    """Trainings with their attendees and exam scores; `attendees` adds one."""

    model = Training
    serializer_class = s.TalentTrainingSerializer
    filterset_class = TrainingFilterSet
    select_related_fields = ("trainer",)
    ordering = ["-held_on", "-pk"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch(
                    "attendances", queryset=TrainingAttendance.objects.select_related("attendee", "training")
                )
            )
        )

    def create_object(self, data):
        return services.training_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.training_update(
            actor=self.request.user, training=instance, expected_version=version, **data
        )

    @extend_schema(request=s.TalentAttendeeAddSerializer, responses={201: s.TalentAttendanceSerializer})
    @action(detail=True, methods=["post"])
    def attendees(self, request, pk=None):
        training = self.get_object()
        serializer = s.TalentAttendeeAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attendance = services.attendance_add(
            actor=request.user, training=training, attendee=serializer.validated_data["attendee"]
        )
        return Response(s.TalentAttendanceSerializer(attendance).data, status=201)


class AttendanceViewSet(ReadOnlyScopedViewSet):
    """Attendances of the trainings the caller may see; `score` records an exam score."""

    model = TrainingAttendance
    serializer_class = s.TalentAttendanceSerializer
    ordering = ["training", "pk"]

    def get_queryset(self):
        visible = Training.objects.visible_to(self.request.user).values("pk")
        qs = TrainingAttendance.objects.filter(training__in=visible).select_related("attendee", "training")
        training = self.request.query_params.get("training")
        if training and training.isdigit():
            qs = qs.filter(training_id=int(training))
        return qs.order_by("training", "pk")

    @extend_schema(request=s.TalentScoreSerializer, responses=s.TalentAttendanceSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        attendance = self.get_object()
        serializer = s.TalentScoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attendance = services.attendance_score(
            actor=request.user,
            attendance=attendance,
            score=serializer.validated_data["score"],
            expected_version=serializer.validated_data.get("version"),
        )
        self._etag_object = attendance
        return Response(s.TalentAttendanceSerializer(attendance).data)


class MentoringPairViewSet(WritableScopedViewSet):
    """Mentoring pairs; PATCH changes the goals; `close` completes or ends; `notes` lists and adds
    progress notes."""

    model = MentoringPair
    serializer_class = s.TalentMentoringPairSerializer
    filterset_class = MentoringFilterSet
    select_related_fields = ("mentor", "mentee")
    ordering = ["-started_on", "-pk"]

    def create_object(self, data):
        return services.mentoring_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.mentoring_update(
            actor=self.request.user,
            pair=instance,
            expected_version=version,
            goals=data.get("goals", instance.goals),
        )

    @extend_schema(request=s.TalentMentoringCloseSerializer, responses=s.TalentMentoringPairSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        pair = self.get_object()
        serializer = s.TalentMentoringCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        pair = services.mentoring_close(actor=request.user, pair=pair, expected_version=version, **data)
        self._etag_object = pair
        return Response(s.TalentMentoringPairSerializer(pair).data)

    @extend_schema(methods=["get"], responses=s.TalentMentoringNoteSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=s.TalentMentoringNoteSerializer,
        responses={201: s.TalentMentoringNoteSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def notes(self, request, pk=None):
        pair = self.get_object()
        if request.method == "POST":
            serializer = s.TalentMentoringNoteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            note = services.mentoring_note_add(actor=request.user, pair=pair, **serializer.validated_data)
            return Response(s.TalentMentoringNoteSerializer(note).data, status=201)
        notes = MentoringNote.objects.filter(pair=pair).select_related("author")
        return Response(s.TalentMentoringNoteSerializer(notes, many=True).data)


class OnboardingViewSet(mixins.CreateModelMixin, ReadOnlyScopedViewSet):
    """Onboarding camps with their tasks and progress; `complete` closes one (every task done)."""

    model = OnboardingProgramme
    serializer_class = s.TalentOnboardingProgrammeSerializer
    filterset_class = OnboardingFilterSet
    select_related_fields = ("new_hire", "buddy")
    prefetch_related_fields = ("tasks",)
    ordering = ["-started_on", "-pk"]

    def perform_create(self, serializer):
        serializer.instance = services.onboarding_create(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=s.TalentVersionSerializer, responses=s.TalentOnboardingProgrammeSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        programme = self.get_object()
        serializer = s.TalentVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        programme = services.onboarding_complete(
            actor=request.user, programme=programme, expected_version=serializer.validated_data.get("version")
        )
        return Response(s.TalentOnboardingProgrammeSerializer(programme).data)


class OnboardingTaskViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyScopedViewSet):
    """Tasks of the onboarding camps the caller may see; POST adds one, PATCH ticks it (done)."""

    model = OnboardingTask
    serializer_class = s.TalentOnboardingTaskSerializer
    ordering = ["due_on", "pk"]

    def get_queryset(self):
        visible = OnboardingProgramme.objects.visible_to(self.request.user).values("pk")
        return OnboardingTask.objects.filter(programme__in=visible).order_by("due_on", "pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.onboarding_task_add(
            actor=self.request.user, programme=data["programme"], title=data["title"], due_on=data["due_on"]
        )

    def update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        task = self.get_object()
        version = expected_version(request)
        serializer = self.get_serializer(task, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        task = services.onboarding_task_set_done(
            actor=request.user,
            task=task,
            done=serializer.validated_data.get("done", task.done),
            expected_version=version,
        )
        self._etag_object = task
        return Response(self.get_serializer(task).data)


class PromotionViewSet(CreateOnlyMixin, mixins.CreateModelMixin, ReadOnlyScopedViewSet):
    """Promotions; POST records one (managers) and updates the person's level and track."""

    model = Promotion
    serializer_class = s.TalentPromotionSerializer
    filterset_class = PromotionFilterSet
    select_related_fields = ("person", "approved_by")
    ordering = ["-effective_on", "-pk"]

    def create_object(self, data):
        return services.promotion_record(actor=self.request.user, **data)


class AwardRoundViewSet(CreateOnlyMixin, mixins.CreateModelMixin, ReadOnlyScopedViewSet):
    """Gold presales award rounds; `move` closes nominations or announces; `results` ranks the
    nominations by the committee's average score."""

    model = AwardRound
    serializer_class = s.TalentAwardRoundSerializer
    filterset_class = AwardRoundFilterSet
    ordering = ["-year", "-quarter"]

    def create_object(self, data):
        return services.award_round_create(actor=self.request.user, **data)

    @extend_schema(request=s.TalentAwardMoveSerializer, responses=s.TalentAwardRoundSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        award_round = self.get_object()
        serializer = s.TalentAwardMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        award_round = services.award_round_move(
            actor=request.user,
            award_round=award_round,
            to_status=serializer.validated_data["to_status"],
            expected_version=serializer.validated_data.get("version"),
        )
        self._etag_object = award_round
        return Response(s.TalentAwardRoundSerializer(award_round).data)

    @extend_schema(responses=s.TalentAwardResultSerializer(many=True))
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        award_round = self.get_object()
        return Response(
            s.TalentAwardResultSerializer(
                selectors.nomination_list(user=request.user, award_round=award_round), many=True
            ).data
        )


class AwardNominationViewSet(CreateOnlyMixin, mixins.CreateModelMixin, ReadOnlyScopedViewSet):
    """Nominations the caller may see; POST nominates (round open); `score` (committee, scoring)."""

    model = AwardNomination
    serializer_class = s.TalentAwardNominationSerializer
    select_related_fields = ("round", "nominee", "nominated_by")
    ordering = ["round", "pk"]

    def create_object(self, data):
        data = dict(data)
        return services.nomination_create(actor=self.request.user, award_round=data.pop("round"), **data)

    @extend_schema(request=s.TalentAwardScoreSerializer, responses=s.TalentAwardScoreSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        nomination = self.get_object()
        serializer = s.TalentAwardScoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        score = services.nomination_score(
            actor=request.user, nomination=nomination, **serializer.validated_data
        )
        return Response(s.TalentAwardScoreSerializer(score).data)
