from rest_framework import serializers

from presales.accounts.models import User

from ..choices import OwnerKind
from ..models import Contact, Customer, OwnershipChange


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
