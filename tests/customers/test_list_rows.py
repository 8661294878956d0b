"""The customer list's rows come from a Python tag (customer_tags.customer_rows); it must print
what the template loop it replaced printed, byte for byte, in both languages."""

import itertools

import pytest
from django.template import engines
from django.utils import translation

from presales.customers.choices import CustomerStatus, Industry, Region
from presales.customers.selectors import customer_list
from presales.customers.templatetags.customer_tags import customer_rows
from tests.factories.customers import CustomerFactory, make_opportunity

pytestmark = pytest.mark.django_db

# customers/customer_list.html's loop before it became {% customer_rows object_list %}
LOOP = """{% for customer in object_list %}
<tr>
  <td><a href="{{ customer.get_absolute_url }}">{{ customer.name }}</a>{% if customer.confidential %} <i class="bi bi-lock-fill text-warning" title="{% translate 'Confidential' %}"></i>{% endif %}</td>
  <td>{{ customer.get_industry_display }}</td><td>{{ customer.get_region_display }}</td><td>{{ customer.get_status_display }}</td>
  <td>{{ customer.presales_owner }}</td><td>{{ customer.sales_owner }}</td><td>{{ customer.team }}</td>
  <td class="text-end">{{ customer.open_opportunities }}</td>
</tr>
{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_match_the_template_loop_byte_for_byte(cast, language):
    combos = itertools.product(Industry.values[:4], Region.values[:3], CustomerStatus.values, [False, True])
    for i, (industry, region, status, confidential) in enumerate(combos):
        customer = CustomerFactory(name=f'客户 "{i}" & <b>', industry=industry, region=region, status=status,
                                   confidential=confidential, presales_owner=cast.engineer_a,
                                   sales_owner=cast.sales_a, team=cast.team_a)
        for _ in range(i % 3):
            make_opportunity(customer)
    rows = list(customer_list(user=cast.manager).order_by("pk"))
    assert len(rows) > 20 and {r.open_opportunities for r in rows} >= {0, 1, 2}
    with translation.override(language):
        expected = engines["django"].from_string(LOOP).render({"object_list": rows})
        assert customer_rows(rows) == expected
