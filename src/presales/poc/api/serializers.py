from operator import attrgetter

from rest_framework import serializers

from presales.accounts.models import User
from presales.core.lean import JsonRows, LeanReader
from presales.core.serializers import ReadOnceModelSerializer

from ..choices import (
    ROLES_BY_SIDE,
    AttendeeRole,
    ConfirmationMethod,
    ProblemKind,
    ReviewPurpose,
    Side,
    Status,
)
from ..models import (
    LAUNCH_CONFIRMED_SQL,
    CriterionGuide,
    Incident,
    KickoffMeeting,
    Measurement,
    Poc,
    PostMortem,
    ResourceItem,
    Risk,
    ScopeChange,
    SuccessCriterion,
    SyncNote,
    launch_confirmed,
)


class PocSerializer(ReadOnceModelSerializer):
    """The launch confirmation. Status, number, customer and confirmation change only through their
    own actions (move, confirmation)."""

    hypotheses = serializers.ListField(child=serializers.CharField(allow_blank=True), allow_empty=True,
                                       help_text="1 to 3 verifiable hypotheses.")
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    opportunity_number = serializers.CharField(source="opportunity.number", read_only=True)
    confirmed = serializers.BooleanField(source="is_confirmed", read_only=True)

    class Meta:
        model = Poc
        fields = ["id", "number", "opportunity", "opportunity_number", "customer", "customer_name", "title",
                  "our_company", "industry", "hypotheses", "planned_start_on", "planned_end_on", "next_step",
                  "next_step_other", "our_escalation_contact", "our_escalation_phone", "customer_escalation_contact",
                  "customer_escalation_phone", "response_hours", "confirmation_method", "our_signatory",
                  "our_signed_on", "customer_signatory", "customer_signed_on", "email_reference", "confirmed",
                  "status", "status_changed_at", "started_at", "ended_at", "verdict", "conclusion", "version",
                  "created_at", "updated_at"]
        read_only_fields = ["number", "customer", "confirmation_method", "our_signatory", "our_signed_on",
                            "customer_signatory", "customer_signed_on", "email_reference", "status",
                            "status_changed_at", "started_at", "ended_at", "verdict", "conclusion", "version",
                            "created_at", "updated_at"]
        validators = []

    def adjust_fields(self, fields):
        from presales.opportunities.models import Opportunity

        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            fields["opportunity"].queryset = Opportunity.objects.visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list):
            fields["opportunity"].read_only = True
        fields["our_company"].required = False


class MoveSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class ConfirmationSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ConfirmationMethod.choices)
    our_signatory = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    our_signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    customer_signatory = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    customer_signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    email_reference = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class AttendeeSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=Side.choices)
    role = serializers.ChoiceField(choices=AttendeeRole.choices)
    name = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["role"] not in ROLES_BY_SIDE[attrs["side"]]:
            raise serializers.ValidationError({"role": ["This role does not belong to that side."]})
        return attrs


class KickoffSerializer(serializers.ModelSerializer):
    attendees = AttendeeSerializer(many=True)

    class Meta:
        model = KickoffMeeting
        fields = ["id", "held_at", "duration_minutes", "remote", "location", "minutes", "attendees", "version"]
        read_only_fields = ["version"]


class ReadinessItemSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    group = serializers.CharField()
    label = serializers.CharField()
    computed = serializers.BooleanField()
    done = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    evidence = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    answered = serializers.BooleanField()


class ReadinessSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    total = serializers.IntegerField()
    threshold = serializers.IntegerField()
    can_start = serializers.BooleanField()
    missing = serializers.SerializerMethodField()
    items = ReadinessItemSerializer(many=True)

    def get_missing(self, obj) -> list[str]:
        return [i.title for i in obj.missing]


class AnswerSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    done = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class ReviewSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ReviewPurpose.choices, default=ReviewPurpose.REVIEW)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = serializers.CharField()
    score = serializers.IntegerField()
    threshold = serializers.IntegerField()
    items = serializers.JSONField()
    at = serializers.DateTimeField()


class CriterionVerdictSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion.pk")
    name = serializers.CharField(source="criterion.name")
    is_key = serializers.BooleanField(source="criterion.is_key")
    level = serializers.CharField(source="verdict.level", allow_null=True)
    figure = serializers.DecimalField(source="verdict.figure", max_digits=30, decimal_places=6, allow_null=True)
    samples = serializers.IntegerField(source="verdict.samples")
    sample_size = serializers.IntegerField(source="verdict.sample_size")
    complete = serializers.BooleanField(source="verdict.complete")


class VerdictSerializer(serializers.Serializer):
    level = serializers.CharField(source="overall.level", allow_null=True)
    complete = serializers.BooleanField(source="overall.complete")
    criteria = CriterionVerdictSerializer(source="rows", many=True)


class PostMortemSerializer(serializers.ModelSerializer):
    weak_items = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=16), required=False,
                                       default=list)
    problem_kind = serializers.ChoiceField(choices=ProblemKind.choices)

    class Meta:
        model = PostMortem
        fields = ["id", "held_on", "participants", "problem_kind", "weak_items", "summary", "lessons",
                  "readiness_score", "version"]
        read_only_fields = ["readiness_score", "version"]


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImportResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    file_name = serializers.CharField()
    rows = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    abandoned = serializers.IntegerField()
    excellent = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True)
    average_days = serializers.FloatField(allow_null=True)
    committed_hours = serializers.DecimalField(max_digits=14, decimal_places=1)
    lost_opportunities = serializers.IntegerField()
    lost_after_poc = serializers.IntegerField()
    lost_after_poc_share = serializers.FloatField(allow_null=True)


class CoachingRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="poc.pk")
    number = serializers.CharField(source="poc.number")
    title = serializers.CharField(source="poc.title")
    customer = serializers.CharField(source="poc.customer.name")
    status = serializers.CharField(source="poc.status")
    kickoff_held = serializers.BooleanField()
    criteria_quantified = serializers.BooleanField()
    resources_confirmed = serializers.BooleanField()
    readiness_score = serializers.IntegerField(source="readiness.score")
    days_to_end = serializers.IntegerField(allow_null=True)
    open_incidents = serializers.IntegerField(source="poc.open_incidents")
    overdue_incidents = serializers.IntegerField(source="poc.overdue_incidents")
    scope_pending = serializers.IntegerField()
    verdict_so_far = serializers.CharField(source="verdict.level", allow_null=True)


def _visible_pocs(serializer):
    request = serializer.context.get("request")
    if request is not None and request.user.is_authenticated:
        return Poc.objects.visible_to(request.user)
    return Poc.objects.none()


class PocChildSerializer(ReadOnceModelSerializer):
    """A record of a POC: `poc` is one the caller can see, fixed after creation."""

    def adjust_fields(self, fields):
        if "poc" in fields:
            fields["poc"].queryset = _visible_pocs(self)
            if self.instance is not None and not isinstance(self.instance, list):
                fields["poc"].read_only = True


class CriterionSerializer(PocChildSerializer):
    pass_text = serializers.CharField(read_only=True)
    excellent_text = serializers.CharField(read_only=True)

    class Meta:
        model = SuccessCriterion
        fields = ["id", "poc", "position", "name", "is_key", "unit", "direction", "form", "baseline", "reference",
                  "pass_level", "excellent_level", "pass_text", "excellent_text", "aggregation", "data_source",
                  "data_source_detail", "sampling_frequency", "sample_size", "comparison_baseline", "agreed",
                  "agreed_on", "guide", "notes", "version"]
        read_only_fields = ["position", "version"]
        validators = []


class PocDetailSerializer(PocSerializer):
    """One POC as GET /api/pocs/{id}/ shows it: the launch confirmation with its success criteria
    and their levels, as /api/poc-criteria/ lists them (one request instead of two)."""

    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta(PocSerializer.Meta):
        fields = [*PocSerializer.Meta.fields, "criteria"]


def _row_confirmed(row) -> bool:
    return launch_confirmed(row["confirmation_method"], our_signatory=row["our_signatory"],
                            our_signed_on=row["our_signed_on"], customer_signatory=row["customer_signatory"],
                            customer_signed_on=row["customer_signed_on"],
                            email_reference=row["email_reference"])


# The lean read path of the POC list/detail and the criteria (core.lean; issue 15): the same JSON
# as PocSerializer / PocDetailSerializer / CriterionSerializer, from values() rows (POCs) or the
# criteria objects (their level texts are model properties).
POC_READER = LeanReader(PocSerializer, computed={"confirmed": _row_confirmed},
                        columns=["confirmation_method", "our_signatory", "our_signed_on", "customer_signatory",
                                 "customer_signed_on", "email_reference"])
# The list's rows written as JSON by PostgreSQL (core.lean.JsonRows); elsewhere POC_READER.
POC_JSON = JsonRows(POC_READER, computed_sql={"confirmed": LAUNCH_CONFIRMED_SQL})
CRITERION_READER = LeanReader(CriterionSerializer, computed={"pass_text": attrgetter("pass_text"),
                                                             "excellent_text": attrgetter("excellent_text")})


class ResourceSerializer(PocChildSerializer):
    class Meta:
        model = ResourceItem
        fields = ["id", "poc", "side", "kind", "description", "contact", "quantity", "due_on", "hours", "confirmed",
                  "notes", "version"]
        read_only_fields = ["version"]


class RiskSerializer(PocChildSerializer):
    class Meta:
        model = Risk
        fields = ["id", "poc", "description", "likelihood", "impact", "fallback_plan", "owner", "version"]
        read_only_fields = ["version"]

    def adjust_fields(self, fields):
        super().adjust_fields(fields)
        fields["owner"].queryset = User.objects.filter(is_active=True)


class MeasurementSerializer(PocChildSerializer):
    class Meta:
        model = Measurement
        fields = ["id", "poc", "criterion", "measured_at", "value", "note", "source", "batch", "created_at"]
        read_only_fields = ["source", "batch", "created_at"]

    def adjust_fields(self, fields):
        super().adjust_fields(fields)
        fields["criterion"].queryset = SuccessCriterion.objects.filter(poc__in=_visible_pocs(self).values("pk"))


class IncidentSerializer(PocChildSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "poc", "title", "description", "severity", "occurred_at", "response_due_at", "is_overdue",
                  "status", "responded_at", "response", "resolved_at", "resolution", "version"]
        read_only_fields = ["response_due_at", "status", "responded_at", "response", "resolved_at", "resolution",
                            "version"]


class IncidentRespondSerializer(serializers.Serializer):
    response = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False)


class IncidentResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False)


class ScopeChangeSerializer(PocChildSerializer):
    class Meta:
        model = ScopeChange
        fields = ["id", "poc", "title", "description", "requested_by_side", "requested_on", "impact", "status",
                  "our_confirmed_by", "our_confirmed_at", "customer_confirmed_by", "customer_confirmed_on",
                  "customer_confirmation", "decision_note", "version"]
        read_only_fields = ["status", "our_confirmed_by", "our_confirmed_at", "customer_confirmed_by",
                            "customer_confirmed_on", "customer_confirmation", "decision_note", "version"]


class ScopeConfirmSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=Side.choices)
    customer_confirmed_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    customer_confirmed_on = serializers.DateField(required=False, allow_null=True, default=None)
    customer_confirmation = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    version = serializers.IntegerField(required=False)


class ScopeRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False)


class SyncNoteSerializer(PocChildSerializer):
    class Meta:
        model = SyncNote
        fields = ["id", "poc", "held_on", "attendees", "progress", "issues", "next_steps", "created_at"]
        read_only_fields = ["created_at"]


class GuideSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriterionGuide
        fields = ["id", "industry", "scenario", "metric", "unit", "direction", "form", "baseline", "reference",
                  "pass_level", "excellent_level", "pass_text", "excellent_text", "aggregation", "position", "active",
                  "version"]
        read_only_fields = ["version"]
        validators = []
