"""Customer rules, through the services (the same functions the pages, API and commands call)."""

import pytest
from django.db import IntegrityError, transaction

from presales.accounts.choices import RoleCode
from presales.core.errors import DomainError, PermissionDenied, StaleObjectError
from presales.customers import services
from presales.customers.choices import OwnerKind
from presales.customers.models import Customer, OwnershipChange
from tests.factories import CustomerFactory, make_user
from tests.kit import snapshot

pytestmark = pytest.mark.django_db


def create(cast, **overrides):
    data = dict(actor=cast.engineer_a, name="苏州新能储能科技有限公司", industry="energy_storage", region="east",
                presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    data.update(overrides)
    return services.customer_create(**data)


def test_create_records_both_owners_and_defaults_team(cast):
    customer = create(cast)
    assert customer.team == cast.team_a
    assert customer.created_by == cast.engineer_a
    kinds = set(OwnershipChange.objects.filter(customer=customer).values_list("kind", "to_user"))
    assert kinds == {(OwnerKind.PRESALES, cast.engineer_a.pk), (OwnerKind.SALES, cast.sales_a.pk)}
    assert customer.history.count() == 1


def test_name_is_unique_case_insensitively(cast):
    create(cast, name="Acme Robotics")
    with pytest.raises(DomainError) as exc:
        create(cast, name="  acme robotics ")
    assert "name" in exc.value.errors
    assert Customer.objects.count() == 1


@pytest.mark.parametrize(
    "owner_key, sales_key, field",
    [
        ("sales_a", "sales_a", "presales_owner"),  # a sales rep cannot be the presales interface
        ("engineer_a", "engineer_a2", "sales_owner"),  # an engineer is not a sales owner
        ("nobody", "sales_a", "presales_owner"),
    ],
)
def test_owner_roles_are_enforced(cast, owner_key, sales_key, field):
    with pytest.raises(DomainError) as exc:
        create(cast, presales_owner=getattr(cast, owner_key), sales_owner=getattr(cast, sales_key))
    assert field in exc.value.errors
    assert not Customer.objects.exists()


def test_database_refuses_same_person_as_both_owners(cast):
    both = make_user(RoleCode.PRESALES_ENGINEER, RoleCode.SALES, team=cast.team_a)
    with pytest.raises(DomainError):
        create(cast, presales_owner=both, sales_owner=both)
    customer = create(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(sales_owner=customer.presales_owner)


def test_exactly_one_presales_owner_is_a_database_rule(cast):
    customer = create(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(presales_owner=None)


def test_user_without_role_cannot_create(cast):
    with pytest.raises(PermissionDenied):
        create(cast, actor=cast.nobody)


def test_update_bumps_version_and_refuses_stale_write(cast):
    customer = create(cast)
    services.customer_update(actor=cast.engineer_a, customer=customer, expected_version=1, profile="储能BMS")
    customer.refresh_from_db()
    assert customer.version == 2 and customer.profile == "储能BMS"
    before = snapshot(Customer)
    with pytest.raises(StaleObjectError):
        services.customer_update(actor=cast.sales_a, customer=customer, expected_version=1, profile="lost edit")
    assert snapshot(Customer) == before


def test_update_without_change_keeps_version(cast):
    customer = create(cast)
    services.customer_update(actor=cast.engineer_a, customer=customer, expected_version=1, name=customer.name)
    customer.refresh_from_db()
    assert customer.version == 1


def test_owners_cannot_be_changed_through_update(cast):
    customer = create(cast)
    with pytest.raises(DomainError):
        services.customer_update(actor=cast.manager, customer=customer, expected_version=1,
                                 presales_owner=cast.engineer_a2)


def test_update_permission(cast):
    customer = create(cast)
    with pytest.raises(PermissionDenied):
        services.customer_update(actor=cast.engineer_a2, customer=customer, expected_version=1, profile="x")
    services.customer_update(actor=cast.lead_a, customer=customer, expected_version=1, profile="lead may")


def test_reassign_records_reason_and_refuses_without_one(cast):
    customer = create(cast)
    with pytest.raises(DomainError) as exc:
        services.customer_reassign(actor=cast.lead_a, customer=customer, kind=OwnerKind.PRESALES,
                                   to_user=cast.engineer_a2, reason="  ")
    assert exc.value.field == "reason"
    change = services.customer_reassign(actor=cast.lead_a, customer=customer, kind=OwnerKind.PRESALES,
                                        to_user=cast.engineer_a2, reason="张工调岗")
    customer.refresh_from_db()
    assert customer.presales_owner == cast.engineer_a2
    assert (change.from_user, change.to_user, change.actor) == (cast.engineer_a, cast.engineer_a2, cast.lead_a)


def test_reassign_only_by_manager_or_lead(cast):
    customer = create(cast)
    with pytest.raises(PermissionDenied):
        services.customer_reassign(actor=cast.engineer_a, customer=customer, kind=OwnerKind.PRESALES,
                                   to_user=cast.engineer_a2, reason="想换人")
    with pytest.raises(DomainError):
        services.customer_reassign(actor=cast.manager, customer=customer, kind=OwnerKind.SALES,
                                   to_user=cast.engineer_a2, reason="not a sales rep")
    with pytest.raises(DomainError):
        services.customer_reassign(actor=cast.manager, customer=customer, kind=OwnerKind.PRESALES,
                                   to_user=cast.engineer_a, reason="same person")


def test_contact_needs_a_channel(cast):
    customer = create(cast)
    with pytest.raises(DomainError) as exc:
        services.contact_create(actor=cast.engineer_a, customer=customer, name="周总", role="decision_maker")
    assert exc.value.field == "phone"
    contact = services.contact_create(actor=cast.engineer_a, customer=customer, name="周总", role="decision_maker",
                                      phone="13800000000")
    assert contact.customer == customer


class TestVisibility:
    def test_scope(self, cast):
        own = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
        secret = CustomerFactory(presales_owner=cast.engineer_a2, sales_owner=cast.sales_a, confidential=True)
        other = CustomerFactory(presales_owner=cast.engineer_b, sales_owner=make_user(RoleCode.SALES))
        visible = lambda user: set(Customer.objects.visible_to(user))  # noqa: E731
        assert visible(cast.manager) == {own, secret, other}
        assert visible(cast.engineer_a) == {own}  # team A, not the confidential one
        assert visible(cast.engineer_a2) == {own, secret}  # involved in the confidential one
        assert visible(cast.lead_a) == {own, secret}  # leads team A
        assert visible(cast.sales_a) == {own, secret}  # sales owner of both
        assert visible(cast.engineer_b) == {other}
        assert visible(cast.nobody) == set()

    def test_assistant_sees_confidential_customer(self, cast):
        secret = CustomerFactory(presales_owner=cast.engineer_a2, sales_owner=cast.sales_a, confidential=True)
        secret.assistants.add(cast.engineer_b)
        assert list(Customer.objects.visible_to(cast.engineer_b)) == [secret]
        assert Customer.objects.visible_to(cast.engineer_b).count() == 1  # no duplicates from the join
