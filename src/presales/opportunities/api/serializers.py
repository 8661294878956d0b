from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from presales.accounts.models import User
from presales.customers.choices import Industry
from presales.customers.models import Customer

from ..choices import Stage
from ..models import Handover, Opportunity, Retrospective, StageEvent

# `stage` is the one field documented as the StageEnum component; the other stage fields (to_stage,
# from_stage) are documented as strings naming the same values: drf-spectacular would otherwise
# give that one choice set several component names.
STAGE_VALUES = ", ".join(f"`{value}`" for value in Stage.values)


@extend_schema_field({"type": "string", "description": STAGE_VALUES})
class StageField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Stage.choices, **kwargs)


class OpportunitySerializer(serializers.ModelSerializer):
    """Read and write. Customer, presales lead and team are set at creation; later the lead
    changes through the `assign-lead` action and the stage through `move`."""

    customer_name = serializers.CharField(source="customer.name", read_only=True)
    presales_lead_name = serializers.CharField(source="presales_lead.__str__", read_only=True, default=None)
    sales_owner_name = serializers.CharField(source="sales_owner.__str__", read_only=True)
    industry = serializers.ChoiceField(choices=Industry.choices, required=False, allow_blank=True)
    members = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.filter(is_active=True), required=False
    )
    early_involvement_seconds = serializers.SerializerMethodField()

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "number",
            "name",
            "customer",
            "customer_name",
            "source",
            "industry",
            "description",
            "estimated_amount",
            "budget",
            "procurement_method",
            "competitors",
            "expected_close_on",
            "sales_owner",
            "sales_owner_name",
            "presales_lead",
            "presales_lead_name",
            "members",
            "team",
            "stage",
            "progress",
            "stage_changed_at",
            "presales_assigned_at",
            "early_involvement_seconds",
            "closed_at",
            "confidential",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "number",
            "stage",
            "progress",
            "stage_changed_at",
            "presales_assigned_at",
            "closed_at",
            "version",
            "created_at",
            "updated_at",
        ]
        validators = []  # the service decides, with translated messages
        extra_kwargs = {"sales_owner": {"required": False}, "team": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["customer"].queryset = Customer.objects.visible_to(request.user)
        self.fields["sales_owner"].queryset = User.objects.filter(is_active=True)
        self.fields["presales_lead"].queryset = User.objects.filter(is_active=True)
        if self.instance is not None and not isinstance(self.instance, list):
            for name in ("customer", "presales_lead", "team"):
                self.fields[name].read_only = True

    def get_early_involvement_seconds(self, obj) -> int | None:
        delta = obj.early_involvement
        return None if delta is None else int(delta.total_seconds())


class OpportunityMoveSerializer(serializers.Serializer):
    to_stage = StageField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    override = serializers.BooleanField(required=False, default=False)
    version = serializers.IntegerField(required=False, help_text=_("Or send If-Match with the ETag."))


class OpportunityMoveOptionSerializer(serializers.Serializer):
    """One move the workflow allows from the current stage, as seen by the caller."""

    to_stage = serializers.CharField(source="target")
    label = serializers.CharField()
    kind = serializers.CharField(help_text=_("forward, skip, close or back"))
    permitted = serializers.BooleanField(help_text=_("The caller may make this move."))
    ready = serializers.BooleanField(help_text=_("Every gate is met."))
    allowed = serializers.BooleanField(help_text=_("Permitted and ready: the move would succeed now."))
    can_override = serializers.BooleanField(help_text=_("The caller may move anyway, with a reason."))
    reasons = serializers.ListField(child=serializers.CharField(), help_text=_("The unmet gates."))


class OpportunityAssignLeadSerializer(serializers.Serializer):
    presales_lead = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    version = serializers.IntegerField(required=False)


class StageEventSerializer(serializers.ModelSerializer):
    from_stage = StageField(read_only=True, allow_blank=True)
    to_stage = StageField(read_only=True)
    actor_name = serializers.CharField(source="actor.__str__", read_only=True)

    class Meta:
        model = StageEvent
        fields = [
            "id",
            "opportunity",
            "from_stage",
            "to_stage",
            "actor",
            "actor_name",
            "at",
            "reason",
            "overridden",
            "overridden_reasons",
        ]
        read_only_fields = fields


class OpportunityChildSerializer(serializers.ModelSerializer):
    """The opportunity is chosen at creation among those the caller sees, fixed afterwards."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["opportunity"].queryset = Opportunity.objects.visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["opportunity"].read_only = True


class RetrospectiveSerializer(OpportunityChildSerializer):
    class Meta:
        model = Retrospective
        fields = [
            "id",
            "opportunity",
            "outcome",
            "summary",
            "went_well",
            "went_wrong",
            "decisive_factors",
            "lessons",
            "competitor_won",
            "held_on",
            "participants",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        validators = []


class HandoverSerializer(OpportunityChildSerializer):
    class Meta:
        model = Handover
        fields = [
            "id",
            "opportunity",
            "delivery_owner",
            "handover_on",
            "responsibilities",
            "open_commitments",
            "documents",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_owner"].queryset = User.objects.filter(is_active=True)
