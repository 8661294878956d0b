from datetime import date
from decimal import Decimal

import pytest

from presales.metrics.registry import METRICS

# The period of most tests: the first quarter of 2026, both ends inclusive.
START, END = date(2026, 1, 1), date(2026, 3, 31)
BEFORE, AFTER = date(2025, 12, 31), date(2026, 4, 1)


def value_of(code, user, start=START, end=END):
    return METRICS[code].compute([user.pk], start, end)[user.pk]


def assert_records_explain(code, user, start=START, end=END):
    """The drill-down adds up to the value: the contributions of the records sum to the
    numerator and the denominator."""
    metric = METRICS[code]
    value = metric.compute([user.pk], start, end)[user.pk]
    records = metric.records(user, start, end)
    num = sum((Decimal(r.numerator) for r in records if r.numerator is not None), Decimal(0))
    den = sum((Decimal(r.denominator) for r in records if r.denominator is not None), Decimal(0))
    if value.numerator is not None:
        assert num == Decimal(value.numerator), (code, num, value)
    if value.denominator is not None:
        assert den == Decimal(value.denominator), (code, den, value)
    return records


@pytest.fixture
def committee(db):
    from presales.accounts.choices import RoleCode
    from tests.factories import make_user

    return make_user(RoleCode.COMMITTEE, username="committee", display_name="考核小组成员")
