from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from presales.accounts.models import Role

from ..choices import EvaluationSource, ReviewDecision, RuleType
from ..models import AhpRun, Indicator, IndicatorReview, IndicatorVersion, Scheme, SchemeItem


@extend_schema_field(OpenApiTypes.STR)
class RoleCodeField(serializers.SlugRelatedField):
    """A role by its code (e.g. "presales_engineer")."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Role.objects.all(), **kwargs)


class IndicatorVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorVersion
        fields = ["number", "snapshot", "change_summary", "changed_by", "at"]


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator of the library. `version` increments on every change; `versions` (detail only)
    keeps the full snapshot of each. `effective_data_source` is "manual" for a computed indicator
    whose metric is not available yet."""

    applicable_roles = RoleCodeField(many=True, required=False)
    evaluation_sources = serializers.ListField(
        child=serializers.ChoiceField(choices=EvaluationSource.choices), required=False)
    rule_params = serializers.JSONField(required=False)
    metric_available = serializers.BooleanField(read_only=True)
    effective_data_source = serializers.CharField(read_only=True)
    change_summary = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=300)

    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "dimension", "definition", "data_source", "metric_code", "unit", "rule_type",
                  "rule_params", "max_points", "applicable_roles", "evaluation_sources", "status", "replaced_by",
                  "metric_available", "effective_data_source", "version", "created_at", "updated_at",
                  "change_summary"]
        read_only_fields = ["status", "replaced_by", "version", "created_at", "updated_at"]
        validators = []
        extra_kwargs = {"code": {"validators": []}}


class IndicatorDetailSerializer(IndicatorSerializer):
    versions = IndicatorVersionSerializer(many=True, read_only=True)

    class Meta(IndicatorSerializer.Meta):
        fields = [*IndicatorSerializer.Meta.fields, "versions"]


class IndicatorReviewSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(write_only=True, required=False,
                                       help_text="The indicator version you reviewed (optimistic lock).")
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)

    class Meta:
        model = IndicatorReview
        fields = ["id", "indicator", "quarter", "decision", "reason", "replaced_by", "reviewer", "at",
                  "indicator_version", "version"]
        read_only_fields = ["reviewer", "at", "indicator_version"]
        validators = []
        extra_kwargs = {"reason": {"allow_blank": True}}


class SchemeItemSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    dimension = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(write_only=True, required=False,
                                       help_text="The scheme version you edited (optimistic lock).")

    class Meta:
        model = SchemeItem
        fields = ["id", "scheme", "indicator", "indicator_code", "indicator_name", "weight", "dimension", "position",
                  "version"]
        validators = []


class SchemeSerializer(serializers.ModelSerializer):
    """A scheme with its items. Items change through /kpi-scheme-items/ or `set-weights`; the
    status through `activate` / `retire`."""

    role = RoleCodeField(required=False, allow_null=True)
    dimension_weights = serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=2),
                                              required=False)
    items = SchemeItemSerializer(many=True, read_only=True)
    locked = serializers.BooleanField(source="is_locked", read_only=True)

    class Meta:
        model = Scheme
        fields = ["id", "code", "name", "description", "role", "position", "status", "dimension_weights", "items",
                  "locked", "activated_at", "version", "created_at", "updated_at"]
        read_only_fields = ["status", "activated_at", "version", "created_at", "updated_at"]
        validators = []
        extra_kwargs = {"code": {"validators": []}}


class KpiVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The scheme version you edited.")


class KpiWeightSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    dimension = serializers.CharField(required=False)


class KpiSetWeightsSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)
    weights = KpiWeightSerializer(many=True)


class KpiAhpRequestSerializer(serializers.Serializer):
    matrix = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Square matrix; numbers or fractions as strings, e.g. [["1","3"],["1/3","1"]].')
    labels = serializers.ListField(child=serializers.CharField(), required=False)


class KpiAhpPairSerializer(serializers.Serializer):
    i = serializers.IntegerField()
    j = serializers.IntegerField()
    given = serializers.FloatField()
    implied = serializers.FloatField()


class KpiAhpResultSerializer(serializers.Serializer):
    weights = serializers.ListField(child=serializers.FloatField())
    percentages = serializers.ListField(child=serializers.DecimalField(max_digits=5, decimal_places=2))
    lambda_max = serializers.FloatField()
    ci = serializers.FloatField()
    cr = serializers.FloatField()
    consistent = serializers.BooleanField()
    inconsistent_pairs = KpiAhpPairSerializer(many=True)


class KpiSchemeAhpSerializer(serializers.Serializer):
    matrix = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    dimension = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class KpiAhpRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = AhpRun
        fields = ["id", "scheme", "dimension", "indicator_codes", "matrix", "weights", "applied_weights",
                  "consistency_ratio", "lambda_max", "by", "at"]


class KpiTryRequestSerializer(serializers.Serializer):
    value = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                  help_text="The value to score; empty or null = no data.")


class KpiRuleTryRequestSerializer(KpiTryRequestSerializer):
    rule_type = serializers.ChoiceField(choices=RuleType.choices)
    rule_params = serializers.JSONField()
    max_points = serializers.DecimalField(max_digits=7, decimal_places=2)


class KpiScoreResultSerializer(serializers.Serializer):
    rule_type = serializers.CharField()
    points = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    max_points = serializers.DecimalField(max_digits=9, decimal_places=2)
    normalized = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    explanation = serializers.CharField()
    inputs = serializers.DictField()
