import itertools
from datetime import timedelta

import factory
from django.utils import timezone

from presales.accounts.choices import RoleCode
from presales.customers.choices import Channel, FeedbackSource, Industry, Region
from presales.customers.models import (
    CommunicationLog,
    Complaint,
    Customer,
    FeedbackItem,
    SatisfactionSurvey,
    TechnicalIssue,
)

from .accounts import make_user


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer of the presales owner's team; pass presales_owner/sales_owner to place it."""

    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    industry = Industry.MANUFACTURING
    region = Region.EAST
    presales_owner = factory.LazyFunction(lambda: make_user(RoleCode.PRESALES_ENGINEER))
    sales_owner = factory.LazyFunction(lambda: make_user(RoleCode.SALES))
    team = factory.LazyAttribute(lambda c: c.presales_owner.team)


# --- the customer's records (each on a customer; the author and owners default to its presales owner)

_opportunity_numbers = itertools.count(1)


def make_opportunity(customer, **kwargs):
    """An opportunity of `customer` in its team, led by its owners (no stage logic involved)."""
    from presales.opportunities.models import Opportunity

    n = next(_opportunity_numbers)
    data = dict(
        number=f"SJ-T-{n:05d}",
        name=f"测试商机{n}",
        customer=customer,
        source="inquiry",
        sales_owner=customer.sales_owner,
        presales_lead=customer.presales_owner,
        team=customer.team,
    )
    data.update(kwargs)
    return Opportunity.objects.create(**data)


def _today():
    return timezone.localdate()


class CommunicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunicationLog

    customer = factory.SubFactory(CustomerFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    channel = Channel.PHONE
    participants = "张工；客户王总"
    subject = factory.Sequence(lambda n: f"沟通{n}：需求澄清")
    content = "讨论了储能BMS数据采集方案和现场网络条件。"
    created_by = factory.LazyAttribute(lambda o: o.customer.presales_owner)


class TechnicalIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechnicalIssue

    customer = factory.SubFactory(CustomerFactory)
    title = factory.Sequence(lambda n: f"技术问题{n}：接口超时")
    raised_on = factory.LazyFunction(lambda: _today() - timedelta(days=5))
    due_on = factory.LazyFunction(lambda: _today() + timedelta(days=5))
    owner = factory.LazyAttribute(lambda o: o.customer.presales_owner)
    created_by = factory.LazyAttribute(lambda o: o.customer.presales_owner)


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    customer = factory.SubFactory(CustomerFactory)
    received_on = factory.LazyFunction(_today)
    description = factory.Sequence(lambda n: f"投诉{n}：演示环境多次不可用")
    created_by = factory.LazyAttribute(lambda o: o.customer.presales_owner)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SatisfactionSurvey

    customer = factory.SubFactory(CustomerFactory)
    engineer = factory.LazyAttribute(lambda o: o.customer.presales_owner)
    surveyed_on = factory.LazyFunction(_today)
    score = 85
    nps = 9
    created_by = factory.LazyAttribute(lambda o: o.customer.presales_owner)


class FeedbackItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackItem

    customer = factory.SubFactory(CustomerFactory)
    source = FeedbackSource.PRESENTATION
    raised_on = factory.LazyFunction(_today)
    content = factory.Sequence(lambda n: f"反馈{n}：担心与现有MES的集成成本")
    owner = factory.LazyAttribute(lambda o: o.customer.presales_owner)
    created_by = factory.LazyAttribute(lambda o: o.customer.presales_owner)
