"""The opportunity's SOP stages as a state machine (built on core.workflow).

The table, read as "from → to":

- forward, one stage at a time: lead → discovery → solution → demo/POC → bid → negotiation → won;
- skips real projects make: solution → bid (no demo asked for), solution → negotiation and
  demo/POC → negotiation (no tender: single-source or direct purchase);
- closing: any open stage → lost, any open stage → abandoned;
- one step back along the SOP (negotiation → bid → demo/POC → solution → discovery → lead), when
  the customer reopens a question. Backward moves pass no gate but need a reason (services).

Closed stages (won, lost, abandoned) have no way out: closed is final.

Gates are guards attached to the target stage (so a skip meets the gates of the stage it lands
in, and a backward move meets none):

- discovery, solution, demo/POC, bid, negotiation, won: a presales lead is assigned;
- solution: at least one communication record of this opportunity (evidence of research);
- negotiation: the estimated amount and the expected close date are filled in;
- won: a retrospective with the outcome "won" and a handover to delivery;
- lost / abandoned: a retrospective with that outcome.

Closing as lost or abandoned does not need a presales lead: a lead may be disqualified before
presales was ever assigned. Later modules add their artefacts to the same table with
`opportunity_flow.add_guard(stage, guard)` (e.g. the confirmed requirement set before solution,
the POC verdict before leaving demo/POC). A guard is `fn(opportunity) -> str | list[str] | None`
returning the translated reason(s) the move is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from presales.core.workflow import Transition, Workflow

from . import permissions
from .choices import CLOSED_STAGES, OPEN_STAGES, Outcome, Stage

# The order of the SOP (used for progress bars and for sorting the moves).
STAGE_ORDER = {stage: index for index, stage in enumerate(Stage.values)}

FORWARD = "forward"  # the next stage of the SOP
SKIP = "skip"  # over one or more stages
CLOSE = "close"  # to lost or abandoned
BACK = "back"  # one stage back, not gated


def _allowed(target: str):
    def allowed(user, opportunity) -> bool:
        return permissions.can_move_stage(user, opportunity, target)

    return allowed


def _transitions() -> list[Transition]:
    table = []
    steps = [*OPEN_STAGES, Stage.WON]
    for source, target in zip(steps, steps[1:], strict=False):
        table.append(Transition(source, target, action=FORWARD, allowed=_allowed(target)))
    for source, target in (
        (Stage.SOLUTION, Stage.BID),
        (Stage.SOLUTION, Stage.NEGOTIATION),
        (Stage.DEMO_POC, Stage.NEGOTIATION),
    ):
        table.append(Transition(source, target, action=SKIP, allowed=_allowed(target)))
    for source in OPEN_STAGES:
        for target in (Stage.LOST, Stage.ABANDONED):
            table.append(Transition(source, target, action=CLOSE, allowed=_allowed(target)))
    for source, target in zip(OPEN_STAGES[1:], OPEN_STAGES, strict=False):
        table.append(Transition(source, target, action=BACK, allowed=_allowed(target), gated=False))
    return table


opportunity_flow = Workflow(name="opportunity", transitions=_transitions())


# --- the gates that the foundation can check ----------------------------------------------------


def presales_lead_assigned(opportunity) -> str | None:
    if opportunity.presales_lead_id is None:
        return _("No presales lead is assigned: assign the presales lead who runs this opportunity.")
    return None


# Other modules' evidence that the customer was researched, each `check(opportunity) -> bool`
# (the discovery app adds "a research activity was held"); any one of them, or a communication
# record, satisfies research_recorded, so the same meeting is never entered twice.
research_evidence: list = []


def research_recorded(opportunity) -> str | None:
    from .selectors import page_rows

    has_communications = page_rows(opportunity, "has_communications")  # the opportunity page read them
    if has_communications is None:
        has_communications = opportunity.communications.exists()
    if has_communications or any(check(opportunity) for check in research_evidence):
        return None
    return _(
        "No communication record or held research activity for this opportunity: record at least one "
        "contact with the customer (the research behind the solution)."
    )


def commercial_terms_known(opportunity) -> list[str]:
    reasons = []
    if opportunity.estimated_amount is None:
        reasons.append(_("The estimated amount is missing: fill it in before negotiating."))
    if opportunity.expected_close_on is None:
        reasons.append(_("The expected close date is missing: fill it in before negotiating."))
    return reasons


def _retrospective(opportunity):
    from .models import Retrospective

    try:
        return opportunity.retrospective
    except Retrospective.DoesNotExist:
        return None


def retrospective_with(outcome: str):
    def guard(opportunity) -> str | None:
        retrospective = _retrospective(opportunity)
        label = Outcome(outcome).label
        if retrospective is None:
            return _(
                "No retrospective yet: write the retrospective with the outcome “%(outcome)s” before closing."
            ) % {"outcome": label}
        if retrospective.outcome != outcome:
            return _(
                "The retrospective records the outcome “%(recorded)s”: closing as “%(outcome)s” needs a "
                "retrospective with that outcome."
            ) % {"recorded": retrospective.get_outcome_display(), "outcome": label}
        return None

    guard.__name__ = f"retrospective_{outcome}"
    return guard


def handover_recorded(opportunity) -> str | None:
    # hasattr: the reverse one-to-one raises (an AttributeError) when there is no handover.
    if not hasattr(opportunity, "handover"):
        return _("No handover to delivery is recorded: record the delivery owner, responsibilities and date.")
    return None


retrospective_won = retrospective_with(Outcome.WON)
retrospective_lost = retrospective_with(Outcome.LOST)
retrospective_abandoned = retrospective_with(Outcome.ABANDONED)

for _stage in (Stage.DISCOVERY, Stage.SOLUTION, Stage.DEMO_POC, Stage.BID, Stage.NEGOTIATION, Stage.WON):
    opportunity_flow.add_guard(_stage, presales_lead_assigned)
opportunity_flow.add_guard(Stage.SOLUTION, research_recorded)
opportunity_flow.add_guard(Stage.NEGOTIATION, commercial_terms_known)
opportunity_flow.add_guard(Stage.WON, retrospective_won)
opportunity_flow.add_guard(Stage.WON, handover_recorded)
opportunity_flow.add_guard(Stage.LOST, retrospective_lost)
opportunity_flow.add_guard(Stage.ABANDONED, retrospective_abandoned)


# --- what the UI and the API show -----------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One possible move from the current stage, as seen by one user."""

    target: str
    kind: str  # FORWARD, SKIP, CLOSE or BACK
    permitted: bool  # the user may make this move
    reasons: tuple[str, ...]  # the unmet gates (empty: ready)
    can_override: bool  # the user may move anyway, recording the reasons

    @property
    def label(self) -> str:
        return str(Stage(self.target).label)

    @property
    def ready(self) -> bool:
        return not self.reasons

    @property
    def allowed(self) -> bool:
        """The user can make the move now, without overriding anything."""
        return self.permitted and not self.reasons


def available_moves(opportunity, user) -> list[Move]:
    """Every move the table allows from the opportunity's stage, in SOP order (backward moves
    last), each with whether `user` may make it and the reasons its gates refuse it now."""
    if opportunity.stage in CLOSED_STAGES:
        return []
    moves = []
    memo: dict = {}  # a gate shared by several targets (solution, POC, demo) asks the database once
    for transition in opportunity_flow.targets_from(opportunity.stage):
        permitted = transition.allowed(user, opportunity)
        reasons = tuple(opportunity_flow.unmet_conditions(opportunity, transition, memo))
        moves.append(
            Move(
                target=transition.target,
                kind=transition.action,
                permitted=permitted,
                reasons=reasons,
                can_override=bool(permitted and reasons and permissions.can_override_gate(user)),
            )
        )
    moves.sort(key=lambda m: (m.kind == BACK, STAGE_ORDER[m.target]))
    return moves
