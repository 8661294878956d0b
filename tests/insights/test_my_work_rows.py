"""The "my work" request lists read plain rows (`selectors.RequestRow`, issue 15) where they read
model instances: the row tags print the same bytes from either, in both languages; their SLA
badges, written with texts looked up once per list, are the support tags' badges."""

import itertools
from datetime import timedelta

import pytest
from django.db.models import Count, F, Window
from django.utils import timezone, translation

from presales.insights import selectors
from presales.insights.templatetags.my_work_tables import (
    _due,
    _response,
    assigned_rows,
    submitted_rows,
    unassigned_rows,
)
from presales.support.choices import Priority, RequestStatus
from presales.support.models import SupportRequest
from presales.support.templatetags.support_tags import _clock_texts, due_state_badge, response_badge
from tests.factories import CustomerFactory
from tests.factories.support import SupportRequestFactory


def _instances(queryset, *people, extra=()):
    """The rows as `_request_rows` read them before: model instances of the printed columns."""
    columns = {"customer_name": F("customer__name")}
    for path in people:
        columns.update(selectors._person_columns(path))
    rows = list(queryset.only(*selectors.REQUEST_ROW_FIELDS).annotate(**columns)[: selectors.LIST_LIMIT])
    for r in rows:
        for path in people:
            setattr(r, f"{path}_label", selectors._person_label(r, path))
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_request_rows_print_the_same_as_model_instances(cast, language):
    now = timezone.now()
    customer = CustomerFactory(
        name="华为 & <技术>", sales_owner=cast.sales_a, presales_owner=cast.engineer_a, team=cast.team_a
    )
    cast.sales_a.display_name = ""  # a name from the other columns (`User.label_of`)
    cast.sales_a.save()
    made = []
    for i, (status, priority) in enumerate(itertools.product(RequestStatus.values, Priority.values)):
        submitted = now - timedelta(hours=3 * i + 1)
        made.append(
            SupportRequestFactory(
                customer=customer,
                status=status,
                priority=priority,
                title=f'申请 "{i}" <b>',
                team=cast.team_a,
                requester=cast.sales_a,
                assignee=cast.engineer_a if i % 2 else None,
                submitted_at=submitted,
                response_due_at=submitted + timedelta(hours=4 + i % 5),
                wanted_by=submitted + timedelta(hours=6 * (i % 7)),
                first_response_at=submitted + timedelta(hours=i % 6) if i % 4 == 0 else None,
                done_at=now - timedelta(minutes=i) if status == RequestStatus.DONE else None,
            )
        )
    pks = [r.pk for r in made]
    shown = 0
    with translation.override(language):
        for start in range(0, len(pks), selectors.LIST_LIMIT):
            queryset = SupportRequest.objects.filter(
                pk__in=pks[start : start + selectors.LIST_LIMIT]
            ).order_by("pk")
            for tag, people in ((assigned_rows, ("requester",)), (submitted_rows, ("assignee",))):
                new = tag(selectors._request_rows(queryset, *people), now)
                assert new == tag(_instances(queryset, *people), now)
                shown += new.count("data-sla")
            waiting = queryset.annotate(section_total=Window(Count("pk")), team_name=F("team__name"))
            new = unassigned_rows(
                selectors._request_rows(waiting, "requester", extra=("section_total", "team_name")), now
            )
            assert new == unassigned_rows(_instances(waiting, "requester"), now)
    assert shown > 40
    # the lists' SLA badges (texts looked up once per list) are the support tags' badges
    with translation.override(language):
        texts = _clock_texts()
        for r in SupportRequest.objects.filter(pk__in=pks):
            assert _response(texts, r, now) == response_badge(r, now)
            assert _due(texts, r, now) == due_state_badge(r, now)
