from rest_framework import serializers

from presales.accounts.models import User

from ..choices import QuestionStatus, Side, Status
from ..models import Demo, DemoAttendee, DemoMaterial, DemoQuestion


class DemoAttendeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DemoAttendee
        fields = ["id", "side", "name", "role", "contact", "user"]


class DemoSerializer(serializers.ModelSerializer):
    """The demo's plan, with its preparation, delivery and summary (those change through their own
    actions: preparation, environment-check, deck, delivery, summary, move)."""

    presenters = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=User.objects.filter(is_active=True),
        allow_empty=True,
        help_text="User ids of the presenters (at least one).",
    )
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    opportunity_number = serializers.CharField(source="opportunity.number", read_only=True)
    attendees = DemoAttendeeSerializer(many=True, read_only=True)

    class Meta:
        model = Demo
        fields = [
            "id",
            "opportunity",
            "opportunity_number",
            "customer",
            "customer_name",
            "title",
            "scenario",
            "goals",
            "presenters",
            "planned_at",
            "mode",
            "location",
            "deck_document",
            "environment_url",
            "environment_notes",
            "environment_checked",
            "environment_checked_by",
            "environment_checked_at",
            "rehearsal_on",
            "rehearsal_participants",
            "rehearsal_done",
            "rehearsal_notes",
            "delivered_at",
            "duration_minutes",
            "delivery_notes",
            "attendees",
            "customer_reaction",
            "strengths",
            "issues",
            "follow_up_actions",
            "next_steps",
            "summarised_at",
            "summary_document",
            "status",
            "status_changed_at",
            "cancel_reason",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "customer",
            "deck_document",
            "environment_url",
            "environment_notes",
            "environment_checked",
            "environment_checked_by",
            "environment_checked_at",
            "rehearsal_on",
            "rehearsal_participants",
            "rehearsal_done",
            "rehearsal_notes",
            "delivered_at",
            "duration_minutes",
            "delivery_notes",
            "customer_reaction",
            "strengths",
            "issues",
            "follow_up_actions",
            "next_steps",
            "summarised_at",
            "summary_document",
            "status",
            "status_changed_at",
            "cancel_reason",
            "version",
            "created_at",
            "updated_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.opportunities.models import Opportunity

        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["opportunity"].queryset = Opportunity.objects.visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["opportunity"].read_only = True


class DemoPreparationSerializer(serializers.Serializer):
    environment_url = serializers.CharField(required=False, allow_blank=True, max_length=255)
    environment_notes = serializers.CharField(required=False, allow_blank=True)
    rehearsal_on = serializers.DateField(required=False, allow_null=True)
    rehearsal_participants = serializers.CharField(required=False, allow_blank=True, max_length=255)
    rehearsal_done = serializers.BooleanField(required=False)
    rehearsal_notes = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class DemoEnvironmentCheckSerializer(serializers.Serializer):
    checked = serializers.BooleanField(default=True)
    version = serializers.IntegerField(required=False)


class DemoDeckSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    change_summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class DemoMoveSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class DemoAttendeeInputSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=Side.choices)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    role = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    contact = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A contact of the demo's customer (customer side).",
    )
    user = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A colleague (our side)."
    )


class DemoDeliverySerializer(serializers.Serializer):
    delivered_at = serializers.DateTimeField(allow_null=True)
    duration_minutes = serializers.IntegerField(allow_null=True, min_value=0)
    attendees = DemoAttendeeInputSerializer(many=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class DemoSummarySerializer(serializers.Serializer):
    customer_reaction = serializers.CharField(allow_blank=True)
    strengths = serializers.CharField(allow_blank=True)
    issues = serializers.CharField(allow_blank=True)
    follow_up_actions = serializers.CharField(allow_blank=True)
    next_steps = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False)


class DemoProgressSerializer(serializers.Serializer):
    opportunity = serializers.IntegerField()
    progress = serializers.CharField()


class DemoMaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = DemoMaterial
        fields = ["id", "demo", "kind", "description", "required", "ready", "document", "position", "version"]
        read_only_fields = ["document", "position", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["demo"].queryset = Demo.objects.visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["demo"].read_only = True


class DemoQuestionSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=QuestionStatus.choices, default=QuestionStatus.OPEN)

    class Meta:
        model = DemoQuestion
        fields = [
            "id",
            "demo",
            "question",
            "asked_by",
            "asked_by_contact",
            "answer",
            "status",
            "feedback_item",
            "version",
            "created_at",
        ]
        read_only_fields = ["feedback_item", "version", "created_at"]
        extra_kwargs = {"question": {"allow_blank": True}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.customers.models import Contact

        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["demo"].queryset = Demo.objects.visible_to(request.user)
            self.fields["asked_by_contact"].queryset = Contact.objects.visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["demo"].read_only = True
