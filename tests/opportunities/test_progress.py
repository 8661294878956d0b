"""The progress status (进度状态) derived from the stage and the artefacts: the pure rule, its
storage kept current by signals, the board by progress and the list filter."""

from itertools import product

import pytest
from django.core.management import call_command
from django.urls import reverse

from presales.opportunities import progress
from presales.opportunities.choices import CLOSED_STAGES, OPEN_PROGRESS, OPEN_STAGES, Progress, Stage
from presales.opportunities.models import Opportunity
from presales.opportunities.progress import decide
from tests.factories import CustomerFactory
from tests.factories.opportunities import OpportunityFactory
from tests.factories.poc import make_opportunity, make_poc
from tests.kit import assert_constant_queries, check_access, with_lazy_parts

BIDS = ("none", "preparing", "submitted", "won", "lost")
POCS = (None, "running")
DEMOS = ("none", "preparing", "delivered", "summarised")
SOLUTIONS = ("none", "drafting", "in_review", "returned", "passed")
RESEARCH = ("not_started", "planning", "researching", "awaiting_confirmation", "confirmed")


def states(bids="none", poc=None, demos="none", solutions="none", discovery="not_started"):
    result = {"bids": bids, "demos": demos, "solutions": solutions, "discovery": discovery}
    if poc:
        result["poc"] = poc
    return result


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", CLOSED_STAGES)
def test_a_closed_opportunity_shows_its_outcome_whatever_its_artefacts(stage):
    for bids, demos, solutions in product(BIDS, DEMOS, SOLUTIONS):
        assert decide(stage=stage, has_lead=True, states=states(bids, "running", demos, solutions)) == stage


@pytest.mark.parametrize(
    "bids, expected",
    [("preparing", Progress.BIDDING), ("submitted", Progress.BID_SUBMITTED), ("won", Progress.NEGOTIATING),
     ("lost", Progress.CLOSING)],
)
def test_bids_come_first(bids, expected):
    for stage in OPEN_STAGES:
        assert decide(stage=stage, has_lead=True, states=states(bids, "running", "preparing", "in_review",
                                                                "awaiting_confirmation")) == expected


def test_negotiation_stage_without_bid():
    assert decide(stage=Stage.NEGOTIATION, has_lead=True, states=states(poc="running")) == Progress.NEGOTIATING


def test_a_running_poc_before_demos_and_solutions():
    assert decide(stage=Stage.DEMO_POC, has_lead=True, states=states(poc="running", demos="preparing",
                                                                     solutions="in_review")) == Progress.VALIDATING


@pytest.mark.parametrize("demos, expected", [("preparing", Progress.DEMONSTRATING), ("delivered", Progress.DEMONSTRATING),
                                             ("summarised", Progress.DEMONSTRATING), ("none", Progress.DEMONSTRATING)])
def test_demo_stage(demos, expected):
    assert decide(stage=Stage.DEMO_POC, has_lead=True, states=states(demos=demos, solutions="passed")) == expected


@pytest.mark.parametrize(
    "solutions, expected",
    [("in_review", Progress.IN_REVIEW), ("drafting", Progress.DESIGNING), ("returned", Progress.DESIGNING),
     ("passed", Progress.DESIGNING), ("none", Progress.DESIGNING)],
)
def test_solution_stage(solutions, expected):
    assert decide(stage=Stage.SOLUTION, has_lead=True, states=states(solutions=solutions, discovery="confirmed")) == expected


@pytest.mark.parametrize(
    "research, expected",
    [("not_started", Progress.RESEARCHING), ("planning", Progress.RESEARCHING), ("researching", Progress.RESEARCHING),
     ("awaiting_confirmation", Progress.AWAITING_CONFIRMATION), ("confirmed", Progress.DESIGNING)],
)
def test_discovery_stage(research, expected):
    assert decide(stage=Stage.DISCOVERY, has_lead=True, states=states(discovery=research)) == expected


def test_lead_stage_not_started_until_someone_works_on_it():
    assert decide(stage=Stage.LEAD, has_lead=False, states={}) == Progress.NOT_STARTED
    assert decide(stage=Stage.LEAD, has_lead=True, states={}) == Progress.NOT_STARTED
    assert decide(stage=Stage.LEAD, has_lead=True, states=states(discovery="planning")) == Progress.RESEARCHING


def test_modules_not_installed_fall_back_to_the_stage():
    expected = [Progress.NOT_STARTED, Progress.RESEARCHING, Progress.DESIGNING, Progress.DEMONSTRATING,
                Progress.BIDDING, Progress.NEGOTIATING]
    assert [decide(stage=s, has_lead=True, states={}) for s in OPEN_STAGES] == expected


def test_every_combination_gives_one_status_and_open_opportunities_never_show_an_outcome():
    """All 18,000 combinations of stage, lead and module states (exhaustive, not sampled)."""
    for stage, has_lead, bids, poc, demos, solutions, research in product(
        Stage.values, (True, False), BIDS, POCS, DEMOS, SOLUTIONS, RESEARCH
    ):
        result = decide(stage=stage, has_lead=has_lead, states=states(bids, poc, demos, solutions, research))
        assert result in Progress.values
        if stage in OPEN_STAGES:
            assert result in OPEN_PROGRESS
            # work further along the SOP wins over earlier work
            if bids == "preparing":
                assert result == Progress.BIDDING
            elif bids == "none" and stage != Stage.NEGOTIATION and poc == "running":
                assert result == Progress.VALIDATING


# --- stored and kept current ---------------------------------------------------------------------


@pytest.mark.django_db
def test_stage_moves_refresh_the_stored_progress(cast):
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    opportunity = OpportunityFactory(customer=customer)
    assert Opportunity.objects.get(pk=opportunity.pk).progress == Progress.NOT_STARTED
    Opportunity.objects.filter(pk=opportunity.pk).update(progress=Progress.WON)  # stale on purpose
    opportunity.stage = Stage.SOLUTION
    opportunity.save()
    assert Opportunity.objects.get(pk=opportunity.pk).progress == Progress.DESIGNING


@pytest.mark.django_db
def test_a_poc_drives_the_progress_while_it_runs(cast):
    from presales.poc.choices import Status

    opportunity = make_opportunity(cast)
    assert Opportunity.objects.get(pk=opportunity.pk).progress == Progress.DEMONSTRATING
    poc = make_poc(cast, opportunity=opportunity)
    assert Opportunity.objects.get(pk=opportunity.pk).progress == Progress.VALIDATING
    poc.status = Status.PASSED
    poc.save(update_fields=["status"])
    assert Opportunity.objects.get(pk=opportunity.pk).progress == Progress.DEMONSTRATING
    poc.delete()
    assert Opportunity.objects.get(pk=opportunity.pk).progress == Progress.DEMONSTRATING


@pytest.mark.django_db
def test_deferred_refreshes_once_at_the_end_of_the_block(cast):
    """progress.deferred(): the signals only note the opportunities; the block's end refreshes them
    (a builder writing many artefacts of the same opportunities refreshes each once)."""
    opportunity = make_opportunity(cast)
    assert Opportunity.objects.get(pk=opportunity.pk).progress == Progress.DEMONSTRATING
    with progress.deferred():
        poc = make_poc(cast, opportunity=opportunity)
        assert Opportunity.objects.get(pk=opportunity.pk).progress == Progress.DEMONSTRATING  # not yet
        with progress.deferred():  # nested: refreshed at the outermost end
            Opportunity.objects.get(pk=opportunity.pk).save()
        assert Opportunity.objects.get(pk=opportunity.pk).progress == Progress.DEMONSTRATING
    assert Opportunity.objects.get(pk=opportunity.pk).progress == Progress.VALIDATING
    poc.delete()  # and outside a block, at once again
    assert Opportunity.objects.get(pk=opportunity.pk).progress == Progress.DEMONSTRATING


@pytest.mark.django_db
def test_deferred_refreshes_nothing_after_an_error(cast):
    opportunity = make_opportunity(cast)
    with pytest.raises(RuntimeError), progress.deferred():
        Opportunity.objects.filter(pk=opportunity.pk).update(progress=Progress.WON)
        progress.refresh([opportunity.pk])
        raise RuntimeError
    assert Opportunity.objects.get(pk=opportunity.pk).progress == Progress.WON  # the caller rolls back


@pytest.mark.django_db
def test_refresh_command_repairs_every_row(cast):
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    rows = [OpportunityFactory(customer=customer, stage=stage) for stage in Stage.values]
    Opportunity.objects.update(progress=Progress.NOT_STARTED)
    call_command("refresh_progress")
    stored = dict(Opportunity.objects.values_list("pk", "progress"))
    assert stored == progress.derive([o.pk for o in rows])
    assert stored[rows[-1].pk] == Progress.ABANDONED


@pytest.mark.django_db
def test_derive_queries_do_not_grow_with_the_number_of_opportunities(cast, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    few = [OpportunityFactory(customer=customer).pk for _ in range(2)]
    many = few + [OpportunityFactory(customer=customer, stage=Stage.BID).pk for _ in range(30)]
    with CaptureQueriesContext(connection) as small:
        progress.derive(few)
    with CaptureQueriesContext(connection) as large:
        progress.derive(many)
    assert len(small) == len(large) <= 8


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_board_by_progress(client, cast):
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    OpportunityFactory(customer=customer, stage=Stage.BID, name="投标中的商机")
    OpportunityFactory(customer=customer, stage=Stage.SOLUTION)
    OpportunityFactory(customer=customer, stage=Stage.WON)
    board = reverse("opportunities:board") + "?by=progress"
    check_access(client, cast, board, permitted=["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a",
                                                "engineer_b", "nobody"])
    client.force_login(cast.engineer_a)
    response = client.get(board)
    columns = {c.stage: c for c in response.context["columns"]}
    assert list(columns) == list(OPEN_PROGRESS)
    assert columns[Progress.BIDDING].count == 1 and columns[Progress.DESIGNING].count == 1
    assert sum(c.count for c in columns.values()) == 2  # the won one is closed
    body = with_lazy_parts(client, response.content.decode())
    assert "投标中的商机" in body and 'data-progress="bidding"' in body
    client.force_login(cast.engineer_b)  # another team: nothing
    assert all(c.count == 0 for c in client.get(board).context["columns"])


@pytest.mark.django_db
def test_board_by_progress_queries_constant(client, cast):
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    OpportunityFactory(customer=customer, stage=Stage.BID)
    client.force_login(cast.manager)

    def grow():
        for stage in OPEN_STAGES:
            for _ in range(3):
                OpportunityFactory(customer=customer, stage=stage)

    assert_constant_queries(client, reverse("opportunities:board") + "?by=progress", grow)


@pytest.mark.django_db
def test_list_filters_by_progress_and_refuses_unknown_values(client, cast):
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    bid = OpportunityFactory(customer=customer, stage=Stage.BID)
    OpportunityFactory(customer=customer, stage=Stage.SOLUTION)
    client.force_login(cast.manager)
    response = client.get(reverse("opportunities:list"), {"progress": "bidding"})
    assert [o.pk for o in response.context["object_list"]] == [bid.pk]
    response = client.get(reverse("opportunities:list"), {"progress": "nonsense"})
    assert "progress" in response.context["filterset"].errors
    api = client.get(reverse("opportunity-list"), {"progress": "bidding"})
    assert [row["progress"] for row in api.json()["results"]] == ["bidding"]
