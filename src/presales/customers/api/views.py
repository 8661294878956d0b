from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from presales.core.api import WritableScopedViewSet

from .. import services
from ..filtersets import CustomerFilterSet
from ..models import Contact, Customer
from .serializers import ContactSerializer, CustomerSerializer, OwnershipChangeSerializer, ReassignSerializer


class CustomerViewSet(WritableScopedViewSet):
    """Customers the caller may see. Writes go through the same services as the pages."""

    model = Customer
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilterSet
    select_related_fields = ("presales_owner", "sales_owner", "team")
    prefetch_related_fields = ("assistants",)
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name"]

    def create_object(self, data):
        return services.customer_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.customer_update(actor=self.request.user, customer=instance, expected_version=version, **data)

    @extend_schema(request=ReassignSerializer, responses=OwnershipChangeSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """Change the presales or the sales owner; the reason is recorded."""
        customer = self.get_object()
        serializer = ReassignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = services.customer_reassign(actor=request.user, customer=customer, **serializer.validated_data)
        return Response(OwnershipChangeSerializer(change).data, status=201)


class ContactViewSet(WritableScopedViewSet):
    model = Contact
    serializer_class = ContactSerializer
    filterset_fields = ["customer", "role"]
    select_related_fields = ("customer",)
    ordering = ["customer", "name"]

    def create_object(self, data):
        return services.contact_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        return services.contact_update(actor=self.request.user, contact=instance, expected_version=version, **data)
