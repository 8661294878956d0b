from rest_framework import serializers

from ..choices import MetricKind, MetricUnit


class MetricDefinitionSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    unit = serializers.ChoiceField(choices=MetricUnit.choices, read_only=True)
    unit_label = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=MetricKind.choices, read_only=True)
    description = serializers.CharField(read_only=True, help_text="Definition and formula.")
    sources = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Source app labels."
    )
    higher_is_better = serializers.BooleanField(read_only=True)
    available = serializers.BooleanField(
        read_only=True, help_text="False: the source module is missing; the indicator is entered by hand."
    )


AMOUNT = {"max_digits": 20, "decimal_places": 2, "allow_null": True, "read_only": True}


class MetricValueSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    user = serializers.IntegerField(read_only=True)
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)
    value = serializers.DecimalField(**AMOUNT, help_text="Null: no data in the period.")
    numerator = serializers.DecimalField(**AMOUNT)
    denominator = serializers.DecimalField(**AMOUNT)
    count = serializers.IntegerField(read_only=True, help_text="Source records counted.")


class MetricRecordSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True)
    date = serializers.DateField(read_only=True, allow_null=True)
    url = serializers.CharField(
        read_only=True, allow_null=True, help_text="The record's page, when it has one."
    )
    numerator = serializers.DecimalField(**AMOUNT, help_text="Contribution to the numerator (null: none).")
    denominator = serializers.DecimalField(
        **AMOUNT, help_text="Contribution to the denominator (null: none)."
    )
    note = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)


class MetricBreakdownSerializer(MetricValueSerializer):
    metric = MetricDefinitionSerializer(read_only=True)
    records = MetricRecordSerializer(many=True, read_only=True)


class MetricQuerySerializer(serializers.Serializer):
    """Query parameters: whose values and which period (default: yourself, this quarter)."""

    user = serializers.IntegerField(required=False, min_value=1, help_text="User id; default: yourself.")
    start = serializers.DateField(required=False, help_text="First day (inclusive); default: this quarter.")
    end = serializers.DateField(required=False, help_text="Last day (inclusive); default: this quarter.")
