import pytest

from presales.core.concurrency import apply_changes, check_version, save_changes
from presales.core.errors import StaleObjectError
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_check_version():
    customer = CustomerFactory()
    check_version(customer, None)  # no claim, nothing to check (internal callers)
    check_version(customer, 1)
    with pytest.raises(StaleObjectError) as exc:
        check_version(customer, 2)
    assert exc.value.current_version == 1 and exc.value.status_code == 412


def test_apply_changes_reports_only_real_changes():
    customer = CustomerFactory(profile="a")
    assert apply_changes(customer, {"profile": "a", "address": "上海"}) == ["address"]


def test_save_changes_bumps_version_once_and_keeps_history():
    customer = CustomerFactory()
    assert save_changes(customer, {"profile": "x", "address": "y"}) == ["profile", "address"]
    customer.refresh_from_db()
    assert (customer.version, customer.profile, customer.address) == (2, "x", "y")
    assert save_changes(customer, {"profile": "x"}) == []
    customer.refresh_from_db()
    assert customer.version == 2
    assert customer.history.count() == 2
