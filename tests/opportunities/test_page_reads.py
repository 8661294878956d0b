"""The opportunity page reads its POCs, demos, bids, solutions and research figures once for its
gates (the moves it offers) and its panels (`selectors.on_page`, issue 15). Here: each gate gives
the same reasons from the page's rows as from its own query, the panels print the same as when
they read their own (scoped) rows, and the page asks fewer queries than gates + panels did."""

from datetime import timedelta

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone, translation

from presales.bids.choices import Result
from presales.bids.choices import Status as BidStatus
from presales.bids.gates import bids_in_preparation, bids_without_result
from presales.bids.models import Bid
from presales.demos.choices import Status as DemoStatus
from presales.demos.gates import unsettled_demos
from presales.demos.models import Demo
from presales.discovery.gates import requirements_confirmed, research_activity_held
from presales.opportunities import selectors
from presales.opportunities.models import Opportunity
from presales.opportunities.workflow import research_recorded
from presales.poc.choices import Status as PocStatus
from presales.poc.gates import unsettled_pocs
from presales.poc.models import PostMortem
from presales.solutions.gates import solution_not_passed
from presales.solutions.models import Solution
from tests.factories import discovery as research
from tests.factories.bids import make_bid
from tests.factories.demos import make_demo
from tests.factories.metrics import poc_row
from tests.factories.solutions import make_solution

GATES = [
    unsettled_pocs,
    unsettled_demos,
    solution_not_passed,
    bids_in_preparation,
    bids_without_result,
    requirements_confirmed,
    research_activity_held,
    research_recorded,
]


def _page_read(opportunity, user):
    """The opportunity as its page reads it: in the user's scope, marked as the page's."""
    page = selectors.opportunity_page_queryset(user=user).get(pk=opportunity.pk)
    page.page_memo = {}
    return page


def _everything(cast):
    """An opportunity with POCs, demos, bids, solutions and research in many states."""
    opportunity = research.make_opportunity(cast, stage="demo_poc")
    for status in [
        PocStatus.PASSED,
        PocStatus.RUNNING,
        PocStatus.FAILED,
        PocStatus.ABANDONED,
        PocStatus.FAILED,
        PocStatus.DRAFT,
    ]:
        poc_row(opportunity, status=status)
    written = opportunity.pocs.filter(status=PocStatus.FAILED).order_by("pk").first()
    PostMortem.objects.create(
        poc=written,
        created_by=cast.engineer_a,
        held_on=timezone.localdate(),
        problem_kind="technical",
        summary="s",
        lessons="l",
    )
    now = timezone.now()
    for days, status in [
        (-3, DemoStatus.PLANNED),
        (-1, DemoStatus.DELIVERED),
        (2, DemoStatus.PLANNED),
        (-5, DemoStatus.PREPARED),
        (-2, DemoStatus.CANCELLED),
        (-4, DemoStatus.DELIVERED),
    ]:
        demo = make_demo(cast, opportunity=opportunity, planned_at=now + timedelta(days=abs(days)))
        Demo.objects.filter(pk=demo.pk).update(status=status, planned_at=now + timedelta(days=days))
    for i, (status, result) in enumerate(
        [
            (BidStatus.PREPARING, ""),
            (BidStatus.SUBMITTED, ""),
            (BidStatus.SUBMITTED, Result.WON),
            (BidStatus.PREPARING, ""),
        ]
    ):
        bid = make_bid(cast, opportunity=opportunity, project_name=f"项目 <{i}> & “标”")
        submitted = (
            {"submitted_at": timezone.now(), "submitted_by": cast.engineer_a}
            if status == BidStatus.SUBMITTED
            else {}
        )
        Bid.objects.filter(pk=bid.pk).update(status=status, result=result, **submitted)
    for title in ["方案 A", "方案 <B>"]:
        make_solution(cast, opportunity=opportunity, title=title)
    research.researched(cast, opportunity, items=2, confirmed=True)
    research.add_item(cast, opportunity, title="新需求 <x>")  # the confirmation is now outdated
    return opportunity


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_gates_give_the_same_reasons_from_the_page_rows(cast, language):
    full = _everything(cast)
    bare = research.make_opportunity(cast, stage="discovery")
    for opportunity in (full, bare):
        with translation.override(language):
            for gate in GATES:
                own = gate(Opportunity.objects.get(pk=opportunity.pk))
                page = _page_read(opportunity, cast.manager)
                assert gate(page) == own, gate.__name__
                assert gate(page) == own, gate.__name__  # and again from the page's memo
    assert unsettled_pocs(Opportunity.objects.get(pk=full.pk))  # the data exercises the gates
    assert unsettled_demos(Opportunity.objects.get(pk=full.pk))
    assert bids_in_preparation(Opportunity.objects.get(pk=full.pk))
    assert bids_without_result(Opportunity.objects.get(pk=full.pk))
    assert solution_not_passed(Opportunity.objects.get(pk=full.pk))
    assert requirements_confirmed(Opportunity.objects.get(pk=full.pk))


PANELS = """{% load poc_tags demos_tags bids_tags solutions_tags discovery_tags %}
{% opportunity_pocs opportunity %}{% opportunity_demos opportunity user %}
{% opportunity_bids opportunity user %}
{% opportunity_solutions opportunity user %}{% opportunity_discovery opportunity user %}"""


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_panels_print_the_same_from_the_page_rows(cast, language):
    opportunity = _everything(cast)
    Solution.objects.filter(opportunity=opportunity).update(status="passed")
    for user in (cast.manager, cast.engineer_a):
        request = RequestFactory().get("/")
        request.user = user
        template = engines["django"].from_string(PANELS)
        now = timezone.now()
        with translation.override(language):
            # the panels' own reads: an opportunity not read by its page (scoped reads)
            own = template.render(
                {
                    "opportunity": Opportunity.objects.get(pk=opportunity.pk),
                    "user": user,
                    "request": request,
                    "now": now,
                }
            )
            page = _page_read(opportunity, user)
            selectors.opportunity_detail_context(opportunity=page, user=user)  # the gates fill the memo
            assert set(page.page_memo) >= {"pocs", "demos", "bids", "solutions"}
            shown = template.render({"opportunity": page, "user": user, "request": request, "now": now})
        assert shown == own
        assert "项目 &lt;0&gt; &amp; “标”" in shown


@pytest.mark.django_db
def test_reads_outside_the_page_are_not_shared(cast):
    """A move (or anything but the page) reads afresh: nothing is marked, nothing is kept."""
    opportunity = _everything(cast)
    plain = Opportunity.objects.get(pk=opportunity.pk)
    before = unsettled_pocs(plain)
    PostMortem.objects.create(
        poc=opportunity.pocs.get(status=PocStatus.ABANDONED),
        created_by=cast.engineer_a,
        held_on=timezone.localdate(),
        problem_kind="technical",
        summary="s",
        lessons="l",
    )
    assert unsettled_pocs(plain) != before
    assert not hasattr(plain, "page_memo")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_stage_history_prints_the_same_from_plain_rows(cast, language):
    """The history reads plain rows (`page_events`) where it read events with their actors."""
    from presales.accounts.models import User
    from presales.opportunities.models import StageEvent

    opportunity = research.make_opportunity(cast, stage="solution")
    cast.engineer_a.display_name = ""  # a name from the other columns (`User.label_of`)
    cast.engineer_a.first_name, cast.engineer_a.last_name = "Li", "<Lei> & co"
    cast.engineer_a.save()
    for i, (actor, reasons) in enumerate(
        [(cast.manager, ["方案未通过 <评审>", "POC “A” & B"]), (cast.engineer_a, []), (cast.sales_a, None)]
    ):
        StageEvent.objects.create(
            opportunity=opportunity,
            from_stage="lead" if i else "",
            to_stage="discovery",
            actor=actor,
            reason=f"原因 <{i}> & “推进”" if i != 1 else "",
            overridden=reasons is not None,
            overridden_reasons=reasons or [],
        )
    old = list(
        opportunity.stage_events.select_related("actor")
        .only(
            "opportunity",
            "from_stage",
            "to_stage",
            "actor",
            "at",
            "reason",
            "overridden",
            "overridden_reasons",
            *(f"actor__{name}" for name in User.LABEL_FIELDS),
        )
        .order_by("-at", "-pk")[:50]
    )
    template = engines["django"].from_string("{% load opportunity_tags %}{% stage_event_rows events %}")
    with translation.override(language):
        new = template.render({"events": selectors.page_events(opportunity)})
        assert new == template.render({"events": old})
    assert "Li &lt;Lei&gt; &amp; co" in new and new.count("<tr>") >= 3
