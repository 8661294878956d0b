"""Support request factories: `SupportRequestFactory` writes rows directly (any status and
timestamps, for SLA and list tests); `submit` goes through the service like a user would."""

from datetime import timedelta

import factory
from django.utils import timezone

from presales.opportunities.choices import Source, Stage
from presales.opportunities.models import Opportunity
from presales.support import services
from presales.support.choices import Priority, RequestStatus, RequestType
from presales.support.models import SupportRequest

from .customers import CustomerFactory


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A minimal opportunity of a customer (the opportunities app's tests have their own)."""

    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"SJ-T-{n:05d}")
    name = factory.Sequence(lambda n: f"测试商机{n}")
    customer = factory.SubFactory(CustomerFactory)
    source = Source.INQUIRY
    sales_owner = factory.LazyAttribute(lambda o: o.customer.sales_owner)
    presales_lead = factory.LazyAttribute(lambda o: o.customer.presales_owner)
    team = factory.LazyAttribute(lambda o: o.customer.team)
    stage = Stage.DISCOVERY

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class SupportRequestFactory(factory.django.DjangoModelFactory):
    """A request row as it would be after `status`; pass times to place it on the clocks."""

    class Meta:
        model = SupportRequest

    number = factory.Sequence(lambda n: f"ZC-T-{n:05d}")
    title = factory.Sequence(lambda n: f"支持申请{n}")
    request_type = RequestType.DEMO
    priority = Priority.NORMAL
    description = "客户希望看到产品演示"
    customer = factory.SubFactory(CustomerFactory)
    requester = factory.LazyAttribute(lambda r: r.customer.sales_owner)
    team = factory.LazyAttribute(lambda r: r.customer.team)
    status = RequestStatus.NEW
    submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    response_due_at = factory.LazyAttribute(lambda r: r.submitted_at + timedelta(hours=8))
    wanted_by = factory.LazyAttribute(lambda r: r.submitted_at + timedelta(days=5))
    created_by = factory.LazyAttribute(lambda r: r.requester)


def submit(*, actor, customer, **overrides) -> SupportRequest:
    data = dict(
        title="储能BMS方案演示",
        request_type=RequestType.DEMO,
        priority=Priority.HIGH,
        description="客户技术总监下周到访，需要演示BMS监控平台。",
        wanted_by=timezone.now() + timedelta(days=3),
    )
    data.update(overrides)
    return services.support_request_submit(actor=actor, customer=customer, **data)
