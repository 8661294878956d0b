from rest_framework import serializers

from ..choices import ActivityKind, ConfirmationMethod, Progress
from ..models import RequirementConfirmation, RequirementItem, ResearchActivity, ResearchPlan, ResearchReport


def _user(serializer):
    request = serializer.context.get("request")
    return request.user if request is not None and request.user.is_authenticated else None


class OpportunityScopedSerializer(serializers.ModelSerializer):
    """The opportunity is one the caller may see, and fixed once the record exists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.accounts.models import User
        from presales.customers.models import Contact
        from presales.opportunities.models import Opportunity

        user = _user(self)
        if "opportunity" in self.fields:
            if self.instance is not None and not isinstance(self.instance, list):
                self.fields["opportunity"].read_only = True
            elif user is not None:
                self.fields["opportunity"].queryset = Opportunity.objects.visible_to(user)
        if "our_participants" in self.fields:
            self.fields["our_participants"].child_relation.queryset = User.objects.filter(is_active=True)
        if "customer_contacts" in self.fields and user is not None:
            self.fields["customer_contacts"].child_relation.queryset = Contact.objects.visible_to(user)


class ResearchPlanSerializer(OpportunityScopedSerializer):
    methods = serializers.ListField(child=serializers.ChoiceField(choices=ActivityKind.choices), allow_empty=True)

    class Meta:
        model = ResearchPlan
        fields = ["id", "opportunity", "goals", "content", "methods", "our_participants", "customer_contacts",
                  "other_participants", "starts_on", "ends_on", "requirements_revision", "requirements_changed_at",
                  "version", "created_at", "updated_at"]
        read_only_fields = ["requirements_revision", "requirements_changed_at", "version", "created_at",
                            "updated_at"]
        validators = []


class ResearchActivitySerializer(OpportunityScopedSerializer):
    done = serializers.BooleanField(write_only=True, required=False, default=False,
                                    help_text="Create the activity as already done (notes required).")

    class Meta:
        model = ResearchActivity
        fields = ["id", "opportunity", "kind", "subject", "scheduled_at", "duration_minutes", "location",
                  "our_participants", "customer_contacts", "other_participants", "notes", "status", "done_at",
                  "attachments", "done", "version", "created_at", "updated_at"]
        read_only_fields = ["status", "done_at", "attachments", "version", "created_at", "updated_at"]

    def validate(self, attrs):
        if self.instance is not None:
            attrs.pop("done", None)
        return attrs


class ActivityDoneSerializer(serializers.Serializer):
    notes = serializers.CharField(allow_blank=True)
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False)


class ActivityCancelSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class ActivityAttachSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ResearchDocumentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()


class ResearchReportSerializer(OpportunityScopedSerializer):
    class Meta:
        model = ResearchReport
        fields = ["id", "opportunity", "summary", "current_state", "pain_points", "findings", "recommendations",
                  "version", "created_at", "updated_at"]
        read_only_fields = ["version", "created_at", "updated_at"]
        validators = []


class RequirementItemSerializer(OpportunityScopedSerializer):
    code = serializers.CharField(read_only=True)

    class Meta:
        model = RequirementItem
        fields = ["id", "opportunity", "number", "code", "title", "description", "priority", "category", "status",
                  "source_activity", "source_contact", "raised_by", "version", "created_at", "updated_at"]
        read_only_fields = ["number", "version", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.customers.models import Contact

        user = _user(self)
        if user is not None:
            self.fields["source_activity"].queryset = ResearchActivity.objects.visible_to(user)
            self.fields["source_contact"].queryset = Contact.objects.visible_to(user)


class RequirementConfirmationSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequirementConfirmation
        fields = ["id", "opportunity", "round", "method", "confirmed_on", "contact", "signatory_name",
                  "signatory_title", "reference", "notes", "snapshot", "revision", "item_count", "created_by",
                  "created_at"]
        read_only_fields = fields


class RequirementConfirmSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ConfirmationMethod.choices)
    confirmed_on = serializers.DateField()
    contact = serializers.PrimaryKeyRelatedField(queryset=RequirementConfirmation.contact.field.related_model.objects,
                                                 required=False, allow_null=True, default=None)
    signatory_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    signatory_title = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    reference = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.customers.models import Contact

        user = _user(self)
        if user is not None:
            self.fields["contact"].queryset = Contact.objects.visible_to(user)


class RequirementDiffSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.CharField())
    changed = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())


class ResearchStateSerializer(serializers.Serializer):
    """Where the research of the opportunity stands, and whether solution design may start."""

    opportunity = serializers.IntegerField()
    progress = serializers.ChoiceField(choices=Progress.choices)
    items = serializers.IntegerField()
    confirmed = serializers.BooleanField(help_text="A confirmation round holds for the current set.")
    latest_round = serializers.IntegerField(allow_null=True)
    changes_since_confirmation = RequirementDiffSerializer(allow_null=True)
    gate_reasons = serializers.ListField(child=serializers.CharField(),
                                         help_text="Why the move to solution design is refused (empty: allowed).")
