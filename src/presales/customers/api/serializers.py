from django.utils import timezone
from rest_framework import serializers

from presales.accounts.models import User

from ..choices import FeedbackStatus, IssueStatus, OwnerKind
from ..models import (
    CommunicationLog,
    Complaint,
    Contact,
    Customer,
    FeedbackItem,
    OwnershipChange,
    SatisfactionSurvey,
    TechnicalIssue,
)


class CustomerSerializer(serializers.ModelSerializer):
    """Read and write. Owners are set at creation; later changes go through the reassign action."""

    presales_owner_name = serializers.CharField(source="presales_owner.__str__", read_only=True)
    sales_owner_name = serializers.CharField(source="sales_owner.__str__", read_only=True)
    assistants = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.filter(is_active=True), required=False
    )

    class Meta:
        model = Customer
        fields = ["id", "name", "short_name", "industry", "region", "size", "status", "profile", "website", "address",
                  "presales_owner", "presales_owner_name", "sales_owner", "sales_owner_name", "assistants", "team",
                  "confidential", "version", "created_at", "updated_at"]
        read_only_fields = ["version", "created_at", "updated_at"]
        validators = []  # uniqueness and constraints: the service decides, with translated messages

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list):
            for name in ("presales_owner", "sales_owner", "team"):
                self.fields[name].read_only = True
        self.fields["team"].required = False
        self.fields["presales_owner"].queryset = User.objects.filter(is_active=True)
        self.fields["sales_owner"].queryset = User.objects.filter(is_active=True)


class ReassignSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OwnerKind.choices)
    to_user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    reason = serializers.CharField()
    version = serializers.IntegerField(required=False)


class OwnershipChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = OwnershipChange
        fields = ["id", "customer", "kind", "from_user", "to_user", "reason", "actor", "changed_at"]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "customer", "name", "role", "title", "department", "phone", "email", "wechat", "notes",
                  "version", "created_at"]
        read_only_fields = ["version", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["customer"].queryset = Customer.objects.visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["customer"].read_only = True


# --- the customer's records ----------------------------------------------------------------------


class CustomerRecordSerializer(serializers.ModelSerializer):
    """Base of the record serializers: `customer` and `opportunity` choose only among what the caller
    may see (anything else is "invalid pk", as for an id that does not exist); the customer is fixed
    once the record exists. State fields are read-only: they change through the actions."""

    customer_name = serializers.CharField(source="customer.name", read_only=True)
    opportunity_number = serializers.CharField(source="opportunity.number", read_only=True, default=None)
    created_by_name = serializers.CharField(source="created_by.__str__", read_only=True, default=None)

    common_read_only = ["version", "created_by", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.opportunities.models import Opportunity

        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.fields["customer"].queryset = Customer.objects.visible_to(user)
            opportunities = Opportunity.objects.visible_to(user)
            current = (
                getattr(self.instance, "opportunity_id", None)
                if not isinstance(self.instance, list)
                else None
            )
            if current:  # the opportunity already on the record may stay
                opportunities = opportunities | Opportunity.objects.filter(pk=current)
            self.fields["opportunity"].queryset = opportunities
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["customer"].read_only = True


class CommunicationSerializer(CustomerRecordSerializer):
    class Meta:
        model = CommunicationLog
        fields = [
            "id",
            "customer",
            "customer_name",
            "opportunity",
            "opportunity_number",
            "occurred_at",
            "channel",
            "participants",
            "subject",
            "content",
            "result",
            "next_step",
            "next_contact_on",
            "is_follow_up",
            "created_by",
            "created_by_name",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = CustomerRecordSerializer.common_read_only


class TechnicalIssueSerializer(CustomerRecordSerializer):
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = TechnicalIssue
        fields = [
            "id",
            "customer",
            "customer_name",
            "opportunity",
            "opportunity_number",
            "title",
            "description",
            "severity",
            "raised_on",
            "due_on",
            "owner",
            "owner_name",
            "status",
            "is_overdue",
            "resolved_at",
            "resolution",
            "created_by",
            "created_by_name",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [*CustomerRecordSerializer.common_read_only, "status", "resolved_at", "resolution"]

    def get_is_overdue(self, obj) -> bool:
        return obj.status == IssueStatus.OPEN and obj.due_on < timezone.localdate()


class ComplaintSerializer(CustomerRecordSerializer):
    against_name = serializers.CharField(source="against.__str__", read_only=True, default=None)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "customer",
            "customer_name",
            "opportunity",
            "opportunity_number",
            "received_on",
            "severity",
            "against",
            "against_name",
            "description",
            "status",
            "handling",
            "handled_at",
            "created_by",
            "created_by_name",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [*CustomerRecordSerializer.common_read_only, "status", "handling", "handled_at"]


class SurveySerializer(CustomerRecordSerializer):
    engineer_name = serializers.CharField(source="engineer.__str__", read_only=True)

    class Meta:
        model = SatisfactionSurvey
        fields = [
            "id",
            "customer",
            "customer_name",
            "opportunity",
            "opportunity_number",
            "engineer",
            "engineer_name",
            "surveyed_on",
            "respondent",
            "score",
            "nps",
            "comments",
            "created_by",
            "created_by_name",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = CustomerRecordSerializer.common_read_only


class FeedbackItemSerializer(CustomerRecordSerializer):
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)

    class Meta:
        model = FeedbackItem
        fields = [
            "id",
            "customer",
            "customer_name",
            "opportunity",
            "opportunity_number",
            "source",
            "raised_on",
            "content",
            "owner",
            "owner_name",
            "due_on",
            "status",
            "resolution",
            "created_by",
            "created_by_name",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [*CustomerRecordSerializer.common_read_only, "status", "resolution"]


# State changes. The required texts are checked by the services (same message as the pages).


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, help_text="Or send If-Match with the ETag.")


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, help_text="Or send If-Match with the ETag.")


class HandleSerializer(serializers.Serializer):
    handling = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, help_text="Or send If-Match with the ETag.")


class SetStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FeedbackStatus.choices)
    resolution = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, help_text="Or send If-Match with the ETag.")


class SurveySummarySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    average_score = serializers.FloatField(allow_null=True)
    average_nps = serializers.FloatField(allow_null=True)
    nps_answers = serializers.IntegerField()
    promoters = serializers.IntegerField()
    detractors = serializers.IntegerField()
    nps = serializers.IntegerField(allow_null=True, help_text="% promoters (9–10) − % detractors (0–6)")
