from django.contrib.auth import get_user_model
from rest_framework import serializers

from ..choices import AwardRoundStatus, MentoringStatus, ReportRating
from ..models import (
    AwardNomination,
    AwardRound,
    AwardScore,
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

User = get_user_model()


def _active_users():
    return User.objects.filter(is_active=True)


class TalentDailyReportSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True)

    class Meta:
        model = DailyReport
        fields = [
            "id",
            "author",
            "author_name",
            "report_date",
            "work_done",
            "problems",
            "plan_tomorrow",
            "opportunities",
            "rating",
            "rating_comment",
            "rated_by",
            "rated_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "author",
            "rating",
            "rating_comment",
            "rated_by",
            "rated_at",
            "version",
            "created_at",
            "updated_at",
        ]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.opportunities.models import Opportunity

        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["opportunities"].child_relation.queryset = Opportunity.objects.visible_to(
                request.user
            )
        self.fields["opportunities"].required = False
        self.fields["report_date"].required = False
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["report_date"].read_only = True


class TalentRateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=ReportRating.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class TalentCertificationSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.__str__", read_only=True)
    expiring_soon = serializers.BooleanField(source="is_expiring_soon", read_only=True)
    expired = serializers.BooleanField(source="is_expired", read_only=True)

    class Meta:
        model = Certification
        fields = [
            "id",
            "person",
            "person_name",
            "name",
            "issuer",
            "kind",
            "credential_id",
            "obtained_on",
            "expires_on",
            "expiring_soon",
            "expired",
            "certificate_document",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["certificate_document", "version", "created_at", "updated_at"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _active_users()
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["person"].read_only = True


class TalentAttendanceSerializer(serializers.ModelSerializer):
    attendee_name = serializers.CharField(source="attendee.__str__", read_only=True)
    passed = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = TrainingAttendance
        fields = ["id", "training", "attendee", "attendee_name", "score", "passed", "version"]
        read_only_fields = ["training", "attendee", "version"]


class TalentTrainingSerializer(serializers.ModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(
        many=True, write_only=True, required=False, queryset=User.objects.filter(is_active=True)
    )
    attendances = TalentAttendanceSerializer(many=True, read_only=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "title",
            "kind",
            "trainer",
            "external_trainer",
            "held_on",
            "hours",
            "description",
            "has_exam",
            "pass_score",
            "attendees",
            "attendances",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = _active_users()
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields.pop("attendees")


class TalentAttendeeAddSerializer(serializers.Serializer):
    attendee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class TalentScoreSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    version = serializers.IntegerField(required=False)


class TalentMentoringNoteSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True)

    class Meta:
        model = MentoringNote
        fields = ["id", "pair", "author", "author_name", "written_on", "text", "created_at"]
        read_only_fields = ["pair", "author", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["written_on"].required = False


class TalentMentoringPairSerializer(serializers.ModelSerializer):
    class Meta:
        model = MentoringPair
        fields = [
            "id",
            "mentor",
            "mentee",
            "started_on",
            "ended_on",
            "goals",
            "status",
            "closing_note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["ended_on", "status", "closing_note", "version", "created_at", "updated_at"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = _active_users()
        self.fields["mentee"].queryset = _active_users()
        if self.instance is not None and not isinstance(self.instance, list):
            for name in ("mentor", "mentee", "started_on"):
                self.fields[name].read_only = True


class TalentMentoringCloseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[MentoringStatus.COMPLETED, MentoringStatus.ENDED])
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class TalentOnboardingTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = OnboardingTask
        fields = ["id", "programme", "title", "due_on", "done", "done_on", "version"]
        read_only_fields = ["done_on", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["programme"].queryset = OnboardingProgramme.objects.visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list):
            for name in ("programme", "title", "due_on"):
                self.fields[name].read_only = True
        else:
            self.fields["done"].read_only = True


class TalentOnboardingProgrammeSerializer(serializers.ModelSerializer):
    tasks = TalentOnboardingTaskSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = OnboardingProgramme
        fields = [
            "id",
            "new_hire",
            "buddy",
            "started_on",
            "ends_on",
            "status",
            "completed_on",
            "progress",
            "tasks",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "completed_on", "version", "created_at", "updated_at"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_hire"].queryset = _active_users()
        self.fields["buddy"].queryset = _active_users()
        self.fields["ends_on"].required = False

    def get_progress(self, obj) -> int:
        """Percentage of tasks done (0–100)."""
        tasks = list(obj.tasks.all())
        return round(100 * sum(1 for t in tasks if t.done) / len(tasks)) if tasks else 0


class TalentVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class TalentPromotionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Promotion
        fields = [
            "id",
            "person",
            "from_level",
            "to_level",
            "from_track",
            "to_track",
            "effective_on",
            "reason",
            "approved_by",
            "created_at",
        ]
        read_only_fields = ["from_level", "from_track", "approved_by", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _active_users()
        self.fields["reason"].allow_blank = True


class TalentAwardRoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardRound
        fields = ["id", "year", "quarter", "status", "prize", "announced_at", "version", "created_at"]
        read_only_fields = ["status", "announced_at", "version", "created_at"]
        validators = []


class TalentAwardMoveSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=[AwardRoundStatus.SCORING, AwardRoundStatus.ANNOUNCED])
    version = serializers.IntegerField(required=False)


class TalentAwardNominationSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardNomination
        fields = [
            "id",
            "round",
            "nominee",
            "opportunity",
            "title",
            "case_description",
            "nominated_by",
            "is_winner",
            "created_at",
        ]
        read_only_fields = ["nominated_by", "is_winner", "created_at"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.opportunities.models import Opportunity

        request = self.context.get("request")
        self.fields["nominee"].queryset = _active_users()
        if request is not None and request.user.is_authenticated:
            self.fields["round"].queryset = AwardRound.objects.visible_to(request.user)
            self.fields["opportunity"].queryset = Opportunity.objects.visible_to(request.user)
        self.fields["case_description"].allow_blank = True


class TalentAwardResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    nominee = serializers.IntegerField(source="nominee_id")
    is_winner = serializers.BooleanField()
    score_count = serializers.IntegerField()
    avg_total = serializers.FloatField(allow_null=True)
    avg_customer_value = serializers.FloatField(allow_null=True)
    avg_innovation = serializers.FloatField(allow_null=True)
    avg_reuse = serializers.FloatField(allow_null=True)
    avg_influence = serializers.FloatField(allow_null=True)


class TalentAwardScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardScore
        fields = [
            "id",
            "nomination",
            "member",
            "customer_value",
            "innovation",
            "reuse",
            "influence",
            "comment",
            "version",
        ]
        read_only_fields = ["nomination", "member", "version"]
