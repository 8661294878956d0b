"""The gate to solution design and the progress states, computed in a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from presales.core.errors import TransitionRefused
from presales.discovery import selectors, services
from presales.discovery.choices import Progress, RequirementStatus
from presales.discovery.gates import requirements_confirmed
from presales.opportunities.choices import Stage
from presales.opportunities.models import StageEvent
from presales.opportunities.services import opportunity_move
from presales.opportunities.workflow import opportunity_flow
from tests.factories.discovery import add_activity, add_item, confirm, make_opportunity, make_plan, researched
from tests.factories.opportunities import add_communication

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the Chinese catalogue is checked by test_chinese_reasons)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def move(cast, opportunity, **kwargs):
    opportunity.refresh_from_db()
    return opportunity_move(actor=kwargs.pop("actor", cast.engineer_a), opportunity=opportunity,
                            to_stage=kwargs.pop("to_stage", Stage.SOLUTION), **kwargs)


def test_gate_is_registered_on_solution():
    transition = opportunity_flow.get(Stage.DISCOVERY, Stage.SOLUTION)
    assert requirements_confirmed in opportunity_flow.guards_for(transition)


def test_no_items_refused(cast, opportunity):
    add_communication(opportunity)
    make_plan(cast, opportunity)
    with pytest.raises(TransitionRefused) as info:
        move(cast, opportunity)
    assert any("No requirement item" in r for r in info.value.reasons)
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.DISCOVERY


def test_not_confirmed_refused_with_the_count(cast, opportunity):
    add_communication(opportunity)
    researched(cast, opportunity, items=3, confirmed=False)
    with pytest.raises(TransitionRefused) as info:
        move(cast, opportunity)
    assert any("(3 items) is not confirmed" in r for r in info.value.reasons)


def test_outdated_confirmation_refused_with_changes_and_date(cast, opportunity):
    add_communication(opportunity)
    researched(cast, opportunity, items=2, confirmed=False)
    day = timezone.localdate() - timedelta(days=5)
    confirm(cast, opportunity, confirmed_on=day)
    add_item(cast, opportunity, title="新增一")
    add_item(cast, opportunity, title="新增二")
    with pytest.raises(TransitionRefused) as info:
        move(cast, opportunity)
    reason = next(r for r in info.value.reasons if "outdated" in r)
    assert day.strftime("%Y-%m-%d") in reason and "2 items were added, changed or removed" in reason


def test_confirmed_set_allows_the_move(cast, opportunity):
    add_communication(opportunity)
    researched(cast, opportunity)
    event = move(cast, opportunity)
    assert event.to_stage == Stage.SOLUTION and not event.overridden


def test_manager_overrides_the_gate_with_a_reason(cast, opportunity):
    add_communication(opportunity)
    event = move(cast, opportunity, actor=cast.manager, override=True, reason="客户口头确认，书面稍后补")
    assert event.overridden and any("No requirement item" in r for r in event.overridden_reasons)


def test_backward_move_into_solution_is_not_gated(cast):
    opportunity = make_opportunity(cast, stage=Stage.DEMO_POC)
    event = move(cast, opportunity, reason="客户重新讨论方案")
    assert event.to_stage == Stage.SOLUTION
    assert StageEvent.objects.filter(opportunity=opportunity).count() == 1


def test_chinese_reasons(cast, opportunity):
    from django.utils import translation

    with translation.override("zh-hans"):
        reasons = requirements_confirmed(opportunity)
    assert reasons and "需求" in reasons[0]


# --- progress ---------------------------------------------------------------------------------------


def every_state(cast) -> dict[str, object]:
    """One opportunity in each progress state (and an outdated confirmation)."""
    not_started = make_opportunity(cast)
    planning = make_opportunity(cast)
    make_plan(cast, planning)
    add_activity(cast, planning)  # planned, not done
    researching = make_opportunity(cast)
    make_plan(cast, researching)
    add_activity(cast, researching, done=True)
    awaiting = researched(cast, items=2, confirmed=False)
    confirmed = researched(cast, items=1)
    outdated = researched(cast, items=1)
    add_item(cast, outdated, title="确认后新增")
    return {"not_started": not_started, "planning": planning, "researching": researching,
            "awaiting_confirmation": awaiting, "confirmed": confirmed, "outdated": outdated}


def test_every_progress_state(cast):
    states = every_state(cast)
    result = selectors.progress_by_opportunity([o.pk for o in states.values()] + [999999])
    assert result == {
        states["not_started"].pk: Progress.NOT_STARTED, states["planning"].pk: Progress.PLANNING,
        states["researching"].pk: Progress.RESEARCHING,
        states["awaiting_confirmation"].pk: Progress.AWAITING_CONFIRMATION,
        states["confirmed"].pk: Progress.CONFIRMED, states["outdated"].pk: Progress.AWAITING_CONFIRMATION,
    }
    assert selectors.progress_by_opportunity([]) == {}


def test_the_panel_reads_what_with_progress_computes(cast):
    """The opportunity page's research panel (selectors.panel_state, plain queries) shows the same
    figures and progress as the SQL annotation, in every state, and the gate's reasons unless
    confirmed."""
    from presales.opportunities.models import Opportunity

    states = every_state(cast)
    withdrawn = researched(cast, items=1)
    item = withdrawn.requirement_items.get()
    services.item_update(actor=cast.engineer_a, item=item, expected_version=item.version,
                         status=RequirementStatus.WITHDRAWN)
    states["withdrawn"] = withdrawn
    for name, opportunity in states.items():
        expected = selectors.with_progress(Opportunity.objects.filter(pk=opportunity.pk)).values(
            "research_progress", "research_has_plan", "research_activities_done", "research_activities_total",
            "research_items", "research_confirmed_on", "research_confirmed_revision", "research_plan_revision",
        ).get()
        row, reasons = selectors.panel_state(opportunity.pk)
        assert row == expected, name
        gate = selectors.gate_reasons(opportunity)
        assert reasons == ([] if expected["research_progress"] == Progress.CONFIRMED else gate), name
    with CaptureQueriesContext(connection) as ctx:
        selectors.panel_state(states["outdated"].pk)
    assert len(ctx.captured_queries) == 2  # one statement, and the items of an outdated set


def test_withdrawing_every_item_goes_back_to_researching(cast):
    opportunity = researched(cast, items=1)
    item = opportunity.requirement_items.get()
    services.item_update(actor=cast.engineer_a, item=item, expected_version=item.version,
                         status=RequirementStatus.WITHDRAWN)
    assert selectors.progress_by_opportunity([opportunity.pk])[opportunity.pk] == Progress.RESEARCHING


def test_progress_in_one_query_whatever_the_number(cast):
    states = every_state(cast)
    ids = [o.pk for o in states.values()]
    with CaptureQueriesContext(connection) as few:
        selectors.progress_by_opportunity(ids[:2])
    with CaptureQueriesContext(connection) as many:
        selectors.progress_by_opportunity(ids)
    assert len(few.captured_queries) == len(many.captured_queries) == 1


def test_the_opportunity_progress_status_follows(cast):
    """The opportunities app stores a derived status; our bulk updates refresh it too."""
    opportunity = researched(cast, items=1)
    opportunity.refresh_from_db()
    confirmed_status = opportunity.progress
    add_item(cast, opportunity, title="新增")
    opportunity.refresh_from_db()
    assert opportunity.progress == "awaiting_confirmation" != confirmed_status


# --- the snapshot diff, as a property ----------------------------------------------------------------


class Item:
    def __init__(self, pk, number, title, priority="must", status="proposed"):
        self.pk, self.number, self.title, self.priority, self.status = pk, number, title, priority, status
        self.description, self.category = "", "functional"
        self.source_contact_id = self.source_activity_id = None
        self.raised_by = ""


item_sets = st.dictionaries(
    st.integers(1, 30), st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from(["must", "could"])),
    max_size=8)


@settings(max_examples=60, deadline=None)
@given(before=item_sets, after=item_sets)
def test_diff_is_empty_exactly_when_the_sets_read_the_same(before, after):
    old = [Item(pk, pk, title, priority) for pk, (title, priority) in before.items()]
    new = [Item(pk, pk, title, priority) for pk, (title, priority) in after.items()]
    diff = selectors.snapshot_diff(selectors.set_snapshot(old), new)
    assert (selectors.diff_size(diff) == 0) == (before == after)
    assert len(diff["added"]) == len(set(after) - set(before))
    assert len(diff["removed"]) == len(set(before) - set(after))
    assert len(diff["changed"]) == sum(1 for pk in set(before) & set(after) if before[pk] != after[pk])


def test_held_research_activity_is_research_evidence(cast, opportunity):
    """The opportunity's own gate into solution design wants research: a communication record, or
    a research activity held (a planned one is not research yet)."""
    from presales.opportunities.workflow import research_recorded

    assert research_recorded(opportunity) is not None
    make_plan(cast, opportunity)
    activity = add_activity(cast, opportunity, done=False, scheduled_at=timezone.now() - timedelta(hours=3))
    assert research_recorded(opportunity) is not None
    services.activity_complete(actor=cast.engineer_a, activity=activity, notes="访谈纪要：告警误报多")
    assert research_recorded(opportunity) is None
    for i in range(2):
        add_item(cast, opportunity, title=f"需求{i + 1}", source_activity=activity)
    confirm(cast, opportunity)
    assert not opportunity.communications.exists()
    move(cast, opportunity)  # no communication record needed
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.SOLUTION
