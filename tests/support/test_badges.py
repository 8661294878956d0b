"""The priority and status badges rendered in Python (support_tags.priority_badge / status_badge,
used by the support list and "my work") print exactly what the partial templates print."""

import itertools

import pytest
from django.template import engines
from django.utils import translation

from presales.support.choices import RequestStatus
from presales.support.models import SupportRequest

PRIORITIES = [*SupportRequest._meta.get_field("priority").choices, ("<odd & \"value\">", "")]
STATUSES = [*RequestStatus.choices, ("<odd & \"value\">", "")]


def render(source, r):
    return engines["django"].from_string("{% load support_tags %}" + source).render({"r": r})


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_badges_match_the_templates_byte_for_byte(language):
    with translation.override(language):
        for (priority, _), (status, _) in itertools.product(PRIORITIES, STATUSES):
            r = SupportRequest(priority=priority, status=status)
            assert render("{% priority_badge r %}", r) == render('{% include "support/partials/priority.html" %}', r)
            assert render("{% status_badge r %}", r) == render('{% include "support/partials/status.html" %}', r)


# support/request_list.html's loop before it became {% support_rows object_list %} (the rows now
# plain tuples of `selectors.LIST_COLUMNS`)
LIST_LOOP = """{% load support_tags %}{% for r in object_list %}
<tr>{% with url=r.get_absolute_url %}
  <td class="text-nowrap"><a href="{{ url }}">{{ r.number }}</a></td>
  <td><a href="{{ url }}">{{ r.title }}</a><div class="small text-muted">{{ r.customer.name }}{% if r.opportunity %} · {{ r.opportunity.number }}{% endif %}</div></td>
  <td>{{ r.get_request_type_display }}</td>
  <td>{% priority_badge r %}</td>
  <td>{% status_badge r %}</td>
  <td>{{ r.requester }}</td>
  <td>{{ r.assignee|default:"—" }}</td>
  <td class="text-nowrap small">{{ r.submitted_at|date:"Y-m-d H:i" }}</td>
  <td>{% response_badge r now %}</td>
  <td>{% due_state_badge r now %}</td>{% endwith %}
</tr>
{% endfor %}"""  # noqa: E501


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_list_rows_match_the_template_loop_byte_for_byte(cast, language):
    from datetime import timedelta

    from django.utils import timezone

    from presales.core.lean import fetch_tuples
    from presales.support.choices import Priority, RequestType
    from presales.support.selectors import list_rows
    from presales.support.templatetags.support_tags import support_rows
    from tests.factories.customers import CustomerFactory
    from tests.factories.support import OpportunityFactory, SupportRequestFactory

    now = timezone.now()
    customer = CustomerFactory(name="华为 & <技术>", sales_owner=cast.sales_a, presales_owner=cast.engineer_a,
                               team=cast.team_a)
    opportunity = OpportunityFactory(customer=customer)
    made = []
    combos = itertools.product(RequestStatus.values, Priority.values, [RequestType.DEMO, RequestType.POC])
    for i, (status, priority, kind) in enumerate(combos):
        submitted = now - timedelta(hours=3 * i + 1)
        made.append(SupportRequestFactory(
            customer=customer, status=status, priority=priority, request_type=kind,
            title=f'申请 "{i}" <b>', assignee=cast.engineer_a if i % 2 else None,
            opportunity=opportunity if i % 3 else None, submitted_at=submitted,
            response_due_at=submitted + timedelta(hours=4 + i % 5),
            wanted_by=submitted + timedelta(hours=6 * (i % 7)),
            first_response_at=submitted + timedelta(hours=i % 6) if i % 4 == 0 else None,
            done_at=now - timedelta(minutes=i) if status == RequestStatus.DONE else None,
        ))
    made[1].requester.display_name = ""  # a name from the other columns (`User.label_of`)
    made[1].requester.save()
    queryset = SupportRequest.objects.filter(pk__in=[r.pk for r in made]).order_by("pk")
    rows = list(queryset.select_related("customer", "opportunity", "requester", "assignee"))
    # the page reads plain rows (`selectors.list_rows`, through `fetch_tuples` as the view does)
    plain = fetch_tuples(list_rows(queryset))
    with translation.override(language):
        expected = engines["django"].from_string(LIST_LOOP).render({"object_list": rows, "now": now})
        assert support_rows(plain, now) == expected
    assert expected.count("<tr>") == len(made) > 20
