"""The opportunity page reads its opportunity in the user's scope and marks it so; its panels then
apply no scope of their own (a POC, demo, bid or solution of a visible opportunity is visible), and
show the same rows as through the scope. Elsewhere (no mark, another user) the panels keep it."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from presales.opportunities.models import Opportunity
from presales.opportunities.selectors import opportunity_page_queryset, read_in_scope
from tests.factories.bids import make_bid
from tests.factories.demos import make_demo
from tests.factories.discovery import make_opportunity
from tests.factories.poc import make_poc
from tests.factories.solutions import make_solution

pytestmark = pytest.mark.django_db


@pytest.fixture
def opp(cast):
    """A confidential opportunity of engineer_a with one record of each panel."""
    opportunity = make_opportunity(cast, stage="solution", confidential=True, name="保密项目")
    make_solution(cast, opportunity=opportunity)
    make_demo(cast, opportunity=opportunity)
    make_poc(cast, opportunity=opportunity)
    make_bid(cast, opportunity=opportunity)
    return opportunity


def test_the_mark_is_the_reader_s(cast, opp):
    read = opportunity_page_queryset(user=cast.engineer_a).get(pk=opp.pk)
    assert read_in_scope(read, cast.engineer_a)
    assert not read_in_scope(read, cast.engineer_b)
    assert not read_in_scope(Opportunity.objects.get(pk=opp.pk), cast.engineer_a)
    assert not opportunity_page_queryset(user=cast.engineer_b).filter(pk=opp.pk).exists()


PANELS = "{% load poc_tags bids_tags demos_tags solutions_tags %}" \
    "{% opportunity_pocs opportunity %}{% opportunity_bids opportunity user %}" \
    "{% opportunity_demos opportunity user %}{% opportunity_solutions opportunity user %}"


def render(opportunity, user):
    request = RequestFactory().get("/")
    request.user = user
    return Template(PANELS).render(Context({"opportunity": opportunity, "user": user, "request": request}))


def test_panels_show_the_same_with_and_without_the_mark(cast, opp):
    marked = opportunity_page_queryset(user=cast.engineer_a).get(pk=opp.pk)
    plain = Opportunity.objects.get(pk=opp.pk)
    shown = render(marked, cast.engineer_a)
    assert shown == render(plain, cast.engineer_a)
    assert all(row in shown for row in (opp.pocs.get().number, opp.bids.get().number, opp.demos.get().title,
                                        opp.solutions.get().title))
    # read for engineer_a, shown to engineer_b (who may not see it): the panels apply the scope
    hidden = render(marked, cast.engineer_b)
    assert hidden == render(plain, cast.engineer_b)
    assert opp.pocs.get().number not in hidden and opp.bids.get().number not in hidden
