"""The list of computed metrics: code, label, unit, definition with its formula, sources.

The codes are referenced by the indicator library (kpi app); never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Kind, Metric, Unit
from .sources import customers, opportunities, poc, support


def all_metrics() -> list[Metric]:
    from .sources import bids, knowledge, solutions, talent

    return [
        Metric(
            code="conversion_rate",
            label=_("Supported-project conversion rate"),
            unit=Unit.PERCENT,
            kind=Kind.RATE,
            description=_(
                "Of the opportunities where the person is the presales lead or a member of the presales "
                "team and "
                "that were closed in the period (won, lost or abandoned), the share won. "
                "Formula: won ÷ closed × 100%."
            ),
            sources=("opportunities",),
            requires=(("opportunities.Opportunity", ("stage", "closed_at", "presales_lead", "members")),),
            compute_fn=opportunities.conversion_compute,
            records_fn=opportunities.conversion_records,
        ),
        Metric(
            code="bid_win_rate",
            label=_("Bid win rate"),
            unit=Unit.PERCENT,
            kind=Kind.RATE,
            description=bids.DESCRIPTION,
            sources=("bids",),
            requires=bids.REQUIRES,
            compute_fn=bids.compute_fn(),
            records_fn=bids.records_fn(),
        ),
        Metric(
            code="project_success_rate",
            label=_("Project success rate"),
            unit=Unit.PERCENT,
            kind=Kind.RATE,
            description=_(
                "Seed 003: projects that won the bid or reached an agreement to cooperate with the "
                "customer. Of "
                "the person's opportunities (presales lead or team member) closed in the period, the share "
                "that "
                "were won, entered commercial negotiation at some time, or had a bid won. Unlike the "
                "conversion "
                "rate, a project lost in the price negotiation still counts as a success of the presales "
                "work. "
                "Formula: successful ÷ closed × 100%."
            ),
            sources=("opportunities",),
            requires=(
                ("opportunities.Opportunity", ("stage", "closed_at", "presales_lead", "members")),
                ("opportunities.StageEvent", ("to_stage", "opportunity")),
            ),
            compute_fn=opportunities.success_compute,
            records_fn=opportunities.success_records,
        ),
        Metric(
            code="support_response_hours",
            label=_("Average response time to support requests"),
            unit=Unit.HOURS,
            kind=Kind.AVERAGE,
            higher_is_better=False,
            description=_(
                "The support requests assigned to the person and submitted in the period that have a first "
                "response: the average number of calendar hours from submission to the first response. "
                "Requests "
                "still waiting are listed but not averaged. Formula: sum of response hours ÷ responded "
                "requests."
            ),
            sources=("support",),
            requires=(("support.SupportRequest", ("assignee", "submitted_at", "first_response_at")),),
            compute_fn=support.response_compute,
            records_fn=support.response_records,
        ),
        Metric(
            code="solution_completeness",
            label=_("Solution completeness score"),
            unit=Unit.SCORE,
            kind=Kind.AVERAGE,
            description=solutions.COMPLETENESS_DESCRIPTION,
            sources=("solutions",),
            requires=solutions.COMPLETENESS_REQUIRES,
            compute_fn=solutions.completeness_compute_fn(),
            records_fn=solutions.completeness_records_fn(),
        ),
        Metric(
            code="review_first_pass_rate",
            label=_("Internal review first-pass rate"),
            unit=Unit.PERCENT,
            kind=Kind.RATE,
            description=solutions.FIRST_PASS_DESCRIPTION,
            sources=("solutions",),
            requires=solutions.FIRST_PASS_REQUIRES,
            compute_fn=solutions.first_pass_compute_fn(),
            records_fn=solutions.first_pass_records_fn(),
        ),
        Metric(
            code="customer_satisfaction",
            label=_("Customer satisfaction"),
            unit=Unit.SCORE,
            kind=Kind.AVERAGE,
            description=_(
                "The satisfaction surveys about the person (as the engineer of the survey) taken in the "
                "period: "
                "the average score on the 0–100 scale; the recommendation answer (0–10) is shown beside each "
                "survey. Formula: sum of scores ÷ surveys."
            ),
            sources=("customers",),
            requires=(("customers.SatisfactionSurvey", ("engineer", "surveyed_on", "score")),),
            compute_fn=customers.satisfaction_compute,
            records_fn=customers.satisfaction_records,
        ),
        Metric(
            code="follow_up_completion",
            label=_("Follow-up visit completion rate"),
            unit=Unit.PERCENT,
            kind=Kind.RATE,
            description=_(
                "A follow-up visit is expected for every active project every PRESALES_FOLLOW_UP_DAYS days "
                "(7 by "
                "default: weekly). The period is cut into whole slots of that length from its first day; "
                "every "
                "opportunity the person leads as presales lead owes one visit in each slot it was open for "
                "entirely. A slot is done when a communication record of that opportunity marked as a "
                "follow-up "
                "visit falls in it. Formula: slots done ÷ slots owed × 100%."
            ),
            sources=("opportunities", "customers"),
            requires=(
                ("customers.CommunicationLog", ("is_follow_up", "opportunity", "occurred_at")),
                ("opportunities.Opportunity", ("presales_lead", "created_at", "closed_at")),
            ),
            compute_fn=opportunities.follow_up_compute,
            records_fn=opportunities.follow_up_records,
        ),
        Metric(
            code="complaints",
            label=_("Customer complaints"),
            unit=Unit.COUNT,
            kind=Kind.COUNT,
            higher_is_better=False,
            description=_(
                "The number of customer complaints against the person received in the period (0 when there "
                "were "
                "none). Formula: count of complaints."
            ),
            sources=("customers",),
            requires=(("customers.Complaint", ("against", "received_on")),),
            compute_fn=customers.complaints_compute,
            records_fn=customers.complaints_records,
        ),
        Metric(
            code="unresolved_issue_customers",
            label=_("Customers with unresolved technical issues"),
            unit=Unit.COUNT,
            kind=Kind.COUNT,
            higher_is_better=False,
            description=_(
                "The number of distinct customers with a technical issue owned by the person that was not "
                "resolved in time: at the end of the period it was past its due date (due on or before the "
                "last "
                "day) and still open or resolved only later. Formula: count of distinct customers."
            ),
            sources=("customers",),
            requires=(
                ("customers.TechnicalIssue", ("owner", "customer", "raised_on", "due_on", "resolved_at")),
            ),
            compute_fn=customers.unresolved_compute,
            records_fn=customers.unresolved_records,
        ),
        Metric(
            code="knowledge_shares",
            label=_("Knowledge shares"),
            unit=Unit.COUNT,
            kind=Kind.COUNT,
            description=knowledge.DESCRIPTION,
            sources=("knowledge",),
            requires=knowledge.REQUIRES,
            compute_fn=knowledge.compute,
            records_fn=knowledge.records,
        ),
        Metric(
            code="sales_trainings",
            label=_("Trainings given to sales"),
            unit=Unit.COUNT,
            kind=Kind.COUNT,
            description=talent.TRAININGS_DESCRIPTION,
            sources=("talent",),
            requires=talent.TRAININGS_REQUIRES,
            compute_fn=talent.trainings_compute_fn(),
            records_fn=talent.trainings_records_fn(),
        ),
        Metric(
            code="mentoring",
            label=_("Mentoring"),
            unit=Unit.COUNT,
            kind=Kind.COUNT,
            description=talent.MENTORING_DESCRIPTION,
            sources=("talent",),
            requires=talent.MENTORING_REQUIRES,
            compute_fn=talent.mentoring_compute_fn(),
            records_fn=talent.mentoring_records_fn(),
        ),
        Metric(
            code="poc_success_rate",
            label=_("POC success rate"),
            unit=Unit.PERCENT,
            kind=Kind.RATE,
            description=_(
                "The POCs of the opportunities the person leads as presales lead that ended in the period "
                "(passed, failed or abandoned): the share passed (a verdict of “excellent” is a pass). "
                "Formula: passed ÷ ended × 100%."
            ),
            sources=("poc",),
            requires=(("poc.Poc", ("status", "ended_at", "opportunity", "verdict")),),
            compute_fn=poc.poc_compute,
            records_fn=poc.poc_records,
        ),
        Metric(
            code="daily_report_quality",
            label=_("Daily report quality"),
            unit=Unit.SCORE,
            kind=Kind.AVERAGE,
            description=talent.DAILY_DESCRIPTION,
            sources=("talent",),
            requires=talent.DAILY_REQUIRES,
            compute_fn=talent.daily_compute_fn(),
            records_fn=talent.daily_records_fn(),
        ),
    ]
