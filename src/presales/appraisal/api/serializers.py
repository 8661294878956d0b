from rest_framework import serializers

from ..choices import AppealOutcome, CycleKind, Source, Step
from ..models import Adjustment, Appeal, Appraisal, AppraisalEvent, Cycle, IndicatorScore, SourceEntry


class CycleGradeBandSerializer(serializers.Serializer):
    grade = serializers.CharField(max_length=8)
    min = serializers.DecimalField(max_digits=6, decimal_places=2)
    coefficient = serializers.DecimalField(max_digits=5, decimal_places=2)


class AppraisalCycleSerializer(serializers.ModelSerializer):
    grade_bands = CycleGradeBandSerializer(many=True, required=False)
    kind = serializers.ChoiceField(choices=CycleKind.choices, required=False)

    class Meta:
        model = Cycle
        fields = [
            "id",
            "name",
            "kind",
            "year",
            "quarter",
            "start_on",
            "end_on",
            "status",
            "weight_self",
            "weight_supervisor",
            "weight_customer",
            "weight_peer",
            "grade_bands",
            "self_due_on",
            "supervisor_due_on",
            "feedback_due_on",
            "committee_due_on",
            "opened_at",
            "closed_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "opened_at", "closed_at", "version", "created_at", "updated_at"]

    def validate(self, attrs):  # the service validates the rules (one DomainError with every field)
        return attrs

    def run_validators(self, value):
        return None

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if "grade_bands" in value:
            value["grade_bands"] = [
                {"grade": b["grade"], "min": str(b["min"]), "coefficient": str(b["coefficient"])}
                for b in value["grade_bands"]
            ]
        return value


class CycleParticipantSerializer(serializers.Serializer):
    employee = serializers.IntegerField()
    scheme = serializers.IntegerField()
    supervisor = serializers.IntegerField(required=False, allow_null=True)


# What an employee does not see of their own appraisal before it is published (the scores and the
# supervisor's comment): in the answer, but null. One shape for every caller, as the schema says.
SCORE_FIELDS = (
    "supervisor_comment",
    "weighted_total",
    "adjustment",
    "final_score",
    "grade",
    "bonus_coefficient",
    "computed_at",
    "published_at",
    "acknowledged_at",
)


class AppraisalSerializer(serializers.ModelSerializer):
    """An appraisal. The fields of SCORE_FIELDS are null for a caller who may not see the scores
    yet (`AppraisalSummarySerializer`)."""

    employee_name = serializers.CharField(source="employee.__str__", read_only=True)
    cycle_name = serializers.CharField(source="cycle.name", read_only=True)
    status = serializers.ChoiceField(choices=Step.choices, read_only=True)

    class Meta:
        model = Appraisal
        fields = [
            "id",
            "cycle",
            "cycle_name",
            "employee",
            "employee_name",
            "team",
            "scheme",
            "supervisor",
            "status",
            "self_summary",
            *SCORE_FIELDS,
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {name: {"allow_null": True} for name in SCORE_FIELDS}


class AppraisalSummarySerializer(AppraisalSerializer):
    """An appraisal with its scores withheld (null): the employee's own, before publication."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name in SCORE_FIELDS:
            data[name] = None
        return data


class AppraisalIndicatorScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorScore
        fields = [
            "id",
            "appraisal",
            "indicator",
            "position",
            "indicator_version",
            "code",
            "name",
            "dimension",
            "data_source",
            "metric_code",
            "rule_type",
            "rule_params",
            "max_points",
            "weight",
            "dimension_weight",
            "value",
            "numerator",
            "denominator",
            "record_count",
            "sources",
            "points",
            "normalized",
            "weighted",
            "explanation",
            "inputs",
            "computed_at",
        ]
        read_only_fields = fields


class AppraisalSourceEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = SourceEntry
        fields = [
            "id",
            "appraisal",
            "indicator",
            "source",
            "evaluator",
            "value",
            "comment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AppraisalAdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Adjustment
        fields = ["id", "appraisal", "points", "reason", "actor", "at"]
        read_only_fields = ["id", "appraisal", "actor", "at"]
        extra_kwargs = {"reason": {"required": False, "allow_blank": True}}


class AppraisalAppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = [
            "id",
            "appraisal",
            "reason",
            "filed_by",
            "filed_at",
            "outcome",
            "answer",
            "answered_by",
            "answered_at",
        ]
        read_only_fields = fields


class AppraisalEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppraisalEvent
        fields = ["id", "from_status", "to_status", "actor", "at", "reason"]
        read_only_fields = fields


class AppraisalScorecardSerializer(serializers.Serializer):
    appraisal = AppraisalSerializer()
    scores = AppraisalIndicatorScoreSerializer(many=True)
    adjustments = AppraisalAdjustmentSerializer(many=True)
    appeals = AppraisalAppealSerializer(many=True)
    events = AppraisalEventSerializer(many=True)


class AppraisalEntriesSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=Source.choices)
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True, allow_null=True),
        help_text="{indicator id: value}; an empty value removes your entry.",
    )
    comments = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    summary = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    version = serializers.IntegerField(required=False)


class AppraisalMoveSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Step.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class AppraisalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class AppraisalAdjustmentInputSerializer(serializers.Serializer):
    points = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class AppealAnswerSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AppealOutcome.choices)
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)
