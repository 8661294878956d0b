from django.utils import timezone
from rest_framework import serializers

from presales.accounts.models import User

from ..models import SupportRequest, SupportRequestEvent


class SupportRequestSerializer(serializers.ModelSerializer):
    """Read: the request, its people's names and both SLA clocks as of now."""

    customer_name = serializers.CharField(source="customer.name", read_only=True)
    requester_name = serializers.CharField(source="requester.__str__", read_only=True)
    assignee_name = serializers.SerializerMethodField()
    response_state = serializers.SerializerMethodField()
    due_state = serializers.SerializerMethodField()
    response_hours = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            "number",
            "title",
            "request_type",
            "priority",
            "description",
            "customer",
            "customer_name",
            "opportunity",
            "requester",
            "requester_name",
            "team",
            "assignee",
            "assignee_name",
            "status",
            "wanted_by",
            "submitted_at",
            "response_due_at",
            "assigned_at",
            "first_response_at",
            "done_at",
            "outcome",
            "response_state",
            "due_state",
            "response_hours",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_assignee_name(self, obj) -> str | None:
        return str(obj.assignee) if obj.assignee_id else None

    def _now(self):
        if "now" not in self.context:
            self.context["now"] = timezone.now()
        return self.context["now"]

    def get_response_state(self, obj) -> str:
        return str(obj.response_clock(self._now()).state)

    def get_due_state(self, obj) -> str:
        return str(obj.due_clock(self._now()).state)


class SupportRequestCreateSerializer(serializers.ModelSerializer):
    """Write: what sales asks for. Number, team, status and clocks are the service's business."""

    class Meta:
        model = SupportRequest
        fields = ["title", "request_type", "priority", "description", "customer", "opportunity", "wanted_by"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.customers.models import Customer
        from presales.opportunities.models import Opportunity

        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["customer"].queryset = Customer.objects.visible_to(request.user)
            self.fields["opportunity"].queryset = Opportunity.objects.visible_to(request.user)
        self.fields["wanted_by"].required = True


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class RespondSerializer(serializers.Serializer):
    note = serializers.CharField()
    version = serializers.IntegerField(required=False)


class CompleteSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    version = serializers.IntegerField(required=False)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField()
    version = serializers.IntegerField(required=False)


class SupportRequestEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.__str__", read_only=True)

    class Meta:
        model = SupportRequestEvent
        fields = [
            "id",
            "request",
            "action",
            "from_status",
            "to_status",
            "actor",
            "actor_name",
            "assignee",
            "at",
            "note",
        ]
        read_only_fields = fields
