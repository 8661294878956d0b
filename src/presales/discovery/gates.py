"""The research gate on the opportunity's SOP (registered from DiscoveryConfig.ready()).

Rule: an opportunity may not move *into* solution design while its requirement set is not
confirmed by the customer as it reads now: at least one requirement item, and a confirmation
round (需求确认书) made after the last change to the items. The reasons say which of the three
is missing: no items / never confirmed / confirmation outdated by N changed items. Only the
forward move discovery → solution meets the gate (the move back from demo/POC is not gated);
managers may override it like every gate.
"""

from __future__ import annotations


def requirements_confirmed(opportunity) -> list[str]:
    from .selectors import gate_reasons

    return gate_reasons(opportunity)


def research_activity_held(opportunity) -> bool:
    """A research activity held with the customer is research evidence for the opportunity's own
    gate into solution design (opportunities.workflow.research_recorded), as a communication
    record is."""
    from presales.opportunities.selectors import is_page

    from .choices import ActivityStatus

    if is_page(opportunity):  # the opportunity's page reads the research figures once (`page_figures`)
        from .selectors import page_figures

        return page_figures(opportunity)[4] > 0
    return opportunity.research_activities.filter(status=ActivityStatus.DONE).exists()


def register() -> None:
    try:
        from presales.opportunities.workflow import opportunity_flow, research_evidence
    except ImportError:  # the opportunities module without its workflow: nothing to gate
        return
    from presales.opportunities.choices import Stage

    opportunity_flow.add_guard(Stage.SOLUTION, requirements_confirmed)
    if research_activity_held not in research_evidence:
        research_evidence.append(research_activity_held)
