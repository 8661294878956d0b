"""The opportunity workflow: the transition table, every gate with its exact reasons, overrides,
closed-is-final, unknown and backward moves — all through `opportunity_move`, the one service
that moves a stage."""

from itertools import product

import pytest
from django.utils import translation

from presales.core.errors import DomainError, PermissionDenied, StaleObjectError, TransitionRefused
from presales.opportunities import services
from presales.opportunities.choices import CLOSED_STAGES, OPEN_STAGES, Outcome, Stage
from presales.opportunities.models import Opportunity, StageEvent
from presales.opportunities.workflow import BACK, CLOSE, FORWARD, SKIP, available_moves, opportunity_flow
from tests.factories.opportunities import (
    HandoverFactory,
    OpportunityFactory,
    RetrospectiveFactory,
    add_communication,
    ready_for_negotiation,
)
from tests.kit import snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("foundation_gates")]

L, D, S, P, B, N = Stage.LEAD, Stage.DISCOVERY, Stage.SOLUTION, Stage.DEMO_POC, Stage.BID, Stage.NEGOTIATION
WON, LOST, ABANDONED = Stage.WON, Stage.LOST, Stage.ABANDONED

# The whole table, written out by hand: any change to the workflow must change this test.
TABLE = {
    (L, D): FORWARD,
    (D, S): FORWARD,
    (S, P): FORWARD,
    (P, B): FORWARD,
    (B, N): FORWARD,
    (N, WON): FORWARD,
    (S, B): SKIP,
    (S, N): SKIP,
    (P, N): SKIP,
    **{(s, t): CLOSE for s in OPEN_STAGES for t in (LOST, ABANDONED)},
    (D, L): BACK,
    (S, D): BACK,
    (P, S): BACK,
    (B, P): BACK,
    (N, B): BACK,
}

NO_LEAD = "No presales lead is assigned: assign the presales lead who runs this opportunity."
NO_RESEARCH = (
    "No communication record or held research activity for this opportunity: record at least one "
    "contact with the customer (the research behind the solution)."
)
NO_AMOUNT = "The estimated amount is missing: fill it in before negotiating."
NO_DATE = "The expected close date is missing: fill it in before negotiating."
NO_HANDOVER = "No handover to delivery is recorded: record the delivery owner, responsibilities and date."


def no_retro(outcome):
    return f"No retrospective yet: write the retrospective with the outcome “{outcome}” before closing."


def wrong_retro(recorded, outcome):
    return (
        f"The retrospective records the outcome “{recorded}”: closing as “{outcome}” needs a retrospective "
        f"with that outcome."
    )


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def bare(cast, stage, **kwargs):
    """An opportunity of team A in `stage` with none of the gates' artefacts."""
    return OpportunityFactory(
        customer__presales_owner=cast.engineer_a, customer__sales_owner=cast.sales_a, stage=stage, **kwargs
    )


def complete(cast, stage, outcome=None):
    """An opportunity in `stage` with every artefact the gates ask for (the retrospective's outcome
    given by `outcome`)."""
    opp = bare(cast, stage, presales_lead=cast.engineer_a, **ready_for_negotiation())
    add_communication(opp)
    if outcome:
        RetrospectiveFactory(opportunity=opp, outcome=outcome)
    HandoverFactory(opportunity=opp)
    return opp


def move(opp, to, actor, **kwargs):
    return services.opportunity_move(actor=actor, opportunity=opp, to_stage=to, **kwargs)


def test_the_table_is_exactly_the_documented_one():
    actual = {(t.source, t.target): t.action for s in Stage.values for t in opportunity_flow.targets_from(s)}
    assert actual == TABLE
    assert all(not opportunity_flow.get(*key).gated for key, kind in TABLE.items() if kind == BACK)
    assert all(opportunity_flow.get(*key).gated for key, kind in TABLE.items() if kind != BACK)
    assert not any(opportunity_flow.targets_from(s) for s in CLOSED_STAGES)


@pytest.mark.parametrize("source, target", sorted(TABLE))
def test_every_allowed_move_succeeds_when_its_gates_are_met(cast, source, target):
    outcome = target if target in CLOSED_STAGES else None
    opp = complete(cast, source, outcome=outcome)
    reason = "客户重新评估范围" if TABLE[(source, target)] == BACK else ""
    event = move(opp, target, cast.lead_a, reason=reason, expected_version=opp.version)
    opp.refresh_from_db()
    assert opp.stage == target and opp.version == 2
    assert (event.from_stage, event.to_stage, event.actor, event.overridden) == (
        source,
        target,
        cast.lead_a,
        False,
    )
    assert opp.stage_changed_at == event.at or abs((opp.stage_changed_at - event.at).total_seconds()) < 5
    assert (opp.closed_at is not None) == (target in CLOSED_STAGES)


@pytest.mark.parametrize(
    "source, target", [(s, t) for s, t in product(OPEN_STAGES, Stage.values) if (s, t) not in TABLE]
)
def test_every_other_move_from_an_open_stage_is_unknown(cast, source, target):
    opp = complete(cast, source, outcome=Outcome.WON)
    before = snapshot(Opportunity, StageEvent)
    with pytest.raises(DomainError) as exc:
        move(opp, target, cast.manager, reason="强制", override=True)
    assert exc.value.code == "unknown_move" and exc.value.field == "to_stage"
    assert snapshot(Opportunity, StageEvent) == before


@pytest.mark.parametrize("source, target", list(product(CLOSED_STAGES, Stage.values)))
def test_closed_is_final_even_for_a_manager_overriding(cast, source, target):
    opp = complete(cast, source, outcome=source)
    before = snapshot(Opportunity, StageEvent)
    with pytest.raises(DomainError) as exc:
        move(opp, target, cast.manager, reason="重新打开", override=True)
    assert exc.value.code == "closed"
    assert snapshot(Opportunity, StageEvent) == before
    assert available_moves(opp, cast.manager) == []


def test_an_unknown_stage_name_is_refused(cast):
    opp = complete(cast, L)
    with pytest.raises(DomainError) as exc:
        move(opp, "signed", cast.manager)
    assert exc.value.code == "unknown_move"


# Exact reasons for each gated move of an opportunity that has nothing yet.
BARE_REASONS = {
    (L, D): [NO_LEAD],
    (D, S): [NO_LEAD, NO_RESEARCH],
    (S, P): [NO_LEAD],
    (P, B): [NO_LEAD],
    (B, N): [NO_LEAD, NO_AMOUNT, NO_DATE],
    (N, WON): [NO_LEAD, no_retro("Won"), NO_HANDOVER],
    (S, B): [NO_LEAD],
    (S, N): [NO_LEAD, NO_AMOUNT, NO_DATE],
    (P, N): [NO_LEAD, NO_AMOUNT, NO_DATE],
    **{(s, LOST): [no_retro("Lost")] for s in OPEN_STAGES},
    **{(s, ABANDONED): [no_retro("Abandoned")] for s in OPEN_STAGES},
}


def test_every_gated_move_has_its_reasons_listed():
    assert set(BARE_REASONS) == {key for key, kind in TABLE.items() if kind != BACK}


@pytest.mark.parametrize("source, target", sorted(BARE_REASONS))
def test_refused_move_lists_every_reason_and_changes_nothing(cast, source, target):
    opp = bare(cast, source)
    before = snapshot(Opportunity, StageEvent)
    with pytest.raises(TransitionRefused) as exc:
        move(opp, target, cast.manager, expected_version=opp.version)
    assert exc.value.reasons == BARE_REASONS[(source, target)]
    assert exc.value.status_code == 409
    assert str(Stage(target).label) in exc.value.message
    assert snapshot(Opportunity, StageEvent) == before
    # the same reasons are shown before anyone tries
    shown = {m.target: m for m in available_moves(opp, cast.manager)}
    assert list(shown[target].reasons) == BARE_REASONS[(source, target)]
    assert shown[target].permitted and not shown[target].allowed and shown[target].can_override


@pytest.mark.parametrize("source, target", [key for key, kind in TABLE.items() if kind == BACK])
def test_backward_moves_pass_no_gate_but_need_a_reason(cast, source, target):
    opp = bare(cast, source)
    with pytest.raises(DomainError) as exc:
        move(opp, target, cast.manager, reason="  ")
    assert exc.value.field == "reason"
    event = move(opp, target, cast.manager, reason="客户要求重新调研")
    assert event.to_stage == target and not event.overridden


def test_retrospective_with_another_outcome_does_not_open_the_gate(cast):
    opp = complete(cast, N, outcome=Outcome.LOST)
    with pytest.raises(TransitionRefused) as exc:
        move(opp, WON, cast.lead_a)
    assert exc.value.reasons == [wrong_retro("Lost", "Won")]
    with pytest.raises(TransitionRefused) as exc:
        move(opp, ABANDONED, cast.lead_a)
    assert exc.value.reasons == [wrong_retro("Lost", "Abandoned")]
    move(opp, LOST, cast.lead_a)
    opp.refresh_from_db()
    assert opp.stage == LOST


def test_each_fix_removes_its_reason(cast):
    opp = bare(cast, D)
    reasons = lambda: list({m.target: m for m in available_moves(opp, cast.manager)}[S].reasons)  # noqa: E731
    assert reasons() == [NO_LEAD, NO_RESEARCH]
    services.opportunity_assign_lead(actor=cast.lead_a, opportunity=opp, presales_lead=cast.engineer_a)
    opp.refresh_from_db()
    assert reasons() == [NO_RESEARCH]
    add_communication(opp)
    assert reasons() == []


class TestOverride:
    def test_needs_a_manager(self, cast):
        opp = bare(cast, L, presales_lead=None)
        before = snapshot(Opportunity, StageEvent)
        for user in (cast.lead_a, cast.sales_a):
            with pytest.raises(PermissionDenied):
                move(opp, D, user, reason="赶进度", override=True)
        assert snapshot(Opportunity, StageEvent) == before

    def test_team_lead_may_move_but_not_override(self, cast):
        opp = bare(cast, B, presales_lead=cast.engineer_a)
        with pytest.raises(PermissionDenied):
            move(opp, N, cast.lead_a, reason="客户催促", override=True)

    def test_needs_a_reason(self, cast):
        opp = bare(cast, L)
        with pytest.raises(DomainError) as exc:
            move(opp, D, cast.manager, reason=" ", override=True)
        assert exc.value.field == "reason"
        assert Opportunity.objects.get(pk=opp.pk).stage == L

    def test_records_the_overridden_reasons(self, cast):
        opp = bare(cast, B)
        event = move(
            opp,
            N,
            cast.manager,
            reason="招标取消，转单一来源谈判",
            override=True,
            expected_version=opp.version,
        )
        assert event.overridden
        assert event.overridden_reasons == [NO_LEAD, NO_AMOUNT, NO_DATE]
        assert event.reason == "招标取消，转单一来源谈判"
        assert Opportunity.objects.get(pk=opp.pk).stage == N

    def test_without_unmet_gates_is_a_plain_move(self, cast):
        opp = complete(cast, L)
        event = move(opp, D, cast.lead_a, override=True)
        assert not event.overridden and event.overridden_reasons == []


class TestWhoMoves:
    @pytest.mark.parametrize("who", ["manager", "lead_a", "engineer_a"])
    def test_presales_side_moves_anything(self, cast, who):
        opp = complete(cast, S)
        move(opp, P, getattr(cast, who))

    def test_sales_owner_moves_only_the_commercial_stages(self, cast):
        opp = complete(cast, S)
        with pytest.raises(PermissionDenied):
            move(opp, P, cast.sales_a)
        with pytest.raises(PermissionDenied):
            move(opp, D, cast.sales_a, reason="back")
        move(opp, N, cast.sales_a)
        RetrospectiveFactory(opportunity=opp, outcome=Outcome.WON)
        opp.refresh_from_db()
        move(opp, WON, cast.sales_a)

    def test_members_and_teammates_do_not_move(self, cast):
        opp = complete(cast, S)
        opp.members.add(cast.engineer_a2)
        for user in (cast.engineer_a2, cast.nobody):
            with pytest.raises(PermissionDenied):
                move(opp, P, user)
        moves = available_moves(opp, cast.engineer_a2)
        assert moves and not any(m.permitted for m in moves)

    def test_available_moves_mark_what_the_user_may_make(self, cast):
        opp = complete(cast, S)
        moves = {m.target: m for m in available_moves(opp, cast.sales_a)}
        assert [m.target for m in available_moves(opp, cast.sales_a)] == [P, B, N, LOST, ABANDONED, D]
        assert {t for t, m in moves.items() if m.permitted} == {N, LOST, ABANDONED}
        assert moves[N].allowed and not moves[LOST].allowed  # no retrospective yet
        assert not moves[LOST].can_override  # only managers override


def test_stale_version_refuses_the_move(cast):
    opp = complete(cast, L)
    before = snapshot(Opportunity, StageEvent)
    with pytest.raises(StaleObjectError):
        move(opp, D, cast.lead_a, expected_version=opp.version + 1)
    assert snapshot(Opportunity, StageEvent) == before


def test_later_modules_add_gates_to_the_same_table(cast):
    opp = complete(cast, D)

    def requirements_confirmed(o):
        return "The requirement confirmation is not signed."

    opportunity_flow.add_guard(S, requirements_confirmed)
    try:
        with pytest.raises(TransitionRefused) as exc:
            move(opp, S, cast.lead_a)
        assert exc.value.reasons == ["The requirement confirmation is not signed."]
        move(opp, L, cast.lead_a, reason="back moves are not gated")
    finally:
        opportunity_flow._target_guards[S].remove(requirements_confirmed)


def test_reasons_are_translated(cast):
    opp = bare(cast, L)
    with translation.override("zh-hans"):
        with pytest.raises(TransitionRefused) as exc:
            move(opp, D, cast.manager)
    assert "售前负责人" in exc.value.reasons[0]
