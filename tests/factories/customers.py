import factory

from presales.accounts.choices import RoleCode
from presales.customers.choices import Industry, Region
from presales.customers.models import Customer

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
