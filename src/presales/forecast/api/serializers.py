from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from presales.accounts.models import Team
from presales.opportunities.choices import Stage

from ..models import Prediction, WinModel
from ..selectors import explained


class CalibrationBinSerializer(serializers.Serializer):
    low = serializers.FloatField()
    high = serializers.FloatField()
    count = serializers.IntegerField()
    predicted = serializers.FloatField(help_text="Mean predicted probability in the bin.")
    observed = serializers.FloatField(help_text="Observed win rate in the bin.")


class WinModelSerializer(serializers.ModelSerializer):
    calibration = CalibrationBinSerializer(many=True, read_only=True)
    features = serializers.ListField(child=serializers.CharField(), read_only=True)
    params = serializers.JSONField(
        read_only=True,
        help_text="Encoded columns, scaler means and scales, "
        "coefficients and intercept: enough to score without the pipeline.",
    )

    class Meta:
        model = WinModel
        fields = [
            "id",
            "version",
            "trained_at",
            "algorithm",
            "sample_size",
            "train_size",
            "holdout_size",
            "won_count",
            "train_closed_until",
            "holdout_closed_from",
            "holdout_closed_until",
            "auc",
            "brier",
            "baseline_brier",
            "base_rate",
            "holdout_win_rate",
            "calibration",
            "predictions_count",
            "features",
            "params",
        ]
        read_only_fields = fields


class FactorSerializer(serializers.Serializer):
    feature = serializers.CharField()
    label = serializers.CharField()
    value = serializers.JSONField()
    value_label = serializers.CharField()
    contribution = serializers.FloatField(
        help_text="Signed shift in log-odds against the average opportunity."
    )
    raises = serializers.BooleanField()


class PredictionSerializer(serializers.ModelSerializer):
    """`win_probability` of an open opportunity, by the newest model unless `model` is asked for."""

    win_probability = serializers.FloatField(source="probability", read_only=True)
    opportunity_number = serializers.CharField(source="opportunity.number", read_only=True)
    model_version = serializers.IntegerField(source="model.version", read_only=True)
    factors = serializers.SerializerMethodField()

    class Meta:
        model = Prediction
        fields = [
            "id",
            "opportunity",
            "opportunity_number",
            "model",
            "model_version",
            "win_probability",
            "factors",
            "created_at",
        ]
        read_only_fields = fields

    def get_factors(self, obj) -> list[dict]:
        return FactorSerializer(explained(obj.factors), many=True).data


class PipelineQuerySerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, help_text="Only this presales team's opportunities."
    )


class PipelineStageSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    estimated = serializers.IntegerField(help_text="Opportunities with an estimate of the newest model.")
    weighted_amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    expected_wins = serializers.FloatField()


# One object answered by a viewset's `list` route (not a page of them): `many=False` keeps the
# schema generator from documenting it as an array.
@extend_schema_serializer(many=False)
class PipelineSerializer(serializers.Serializer):
    model_version = serializers.IntegerField(allow_null=True)
    stages = PipelineStageSerializer(many=True)
    count = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    estimated = serializers.IntegerField()
    weighted_amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    expected_wins = serializers.FloatField()


class TraitValueSerializer(serializers.Serializer):
    value = serializers.JSONField()
    label = serializers.CharField()
    closed = serializers.IntegerField()
    won = serializers.IntegerField()
    win_rate = serializers.FloatField(allow_null=True)
    won_amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    average_won_amount = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    lift = serializers.FloatField(allow_null=True)


class TraitSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    values = TraitValueSerializer(many=True)


class OverallSerializer(serializers.Serializer):
    closed = serializers.IntegerField()
    won = serializers.IntegerField()
    win_rate = serializers.FloatField(allow_null=True)
    won_amount = serializers.DecimalField(max_digits=18, decimal_places=2)


@extend_schema_serializer(many=False)  # see PipelineSerializer
class TraitsSerializer(serializers.Serializer):
    overall = OverallSerializer()
    traits = TraitSerializer(many=True)
