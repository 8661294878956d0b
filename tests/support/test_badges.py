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
