"""The solution's gate on the opportunity's SOP (registered from SolutionsConfig.ready()).

Rule (seed 003 §3.3, "no customer presentation before the review passed"): an opportunity may
not move *into* demo/POC, bid or negotiation — whatever stage it comes from, so a skip cannot
jump over it — unless one of its solutions passed the review (all three internal levels and the
four departments). The refusal says why: no solution, a draft, under review at level N, returned,
or which departments are still to decide. Backward moves and closing the opportunity pass no
solution gate; managers may override (recorded by the opportunities app).
"""

from __future__ import annotations


def solution_not_passed(opportunity) -> list[str]:
    from .selectors import gate_reasons

    return gate_reasons(opportunity)


def register() -> None:
    try:
        from presales.opportunities.workflow import opportunity_flow
    except ImportError:  # pragma: no cover - the opportunities module without its workflow
        return
    from presales.opportunities.choices import Stage

    for stage in (Stage.DEMO_POC, Stage.BID, Stage.NEGOTIATION):
        opportunity_flow.add_guard(stage, solution_not_passed)
