"""The status of one person's appraisal as a state machine (core.workflow).

    self_assessment ──submit──▶ supervisor_review ──review──▶ feedback ──close_feedback──▶ committee_review
          ▲                         │   ▲                                                    │
          └────────return───────────┘   └──────────────────return────────────────────────────┤
                                                                                             ▼
                          acknowledged ◀──acknowledge── published ◀──────publish────────────┘
                                                          │   ▲
                                               appeal ────┘   └── answer (rejected)
                                                  ▼
                                               appealed ──answer (upheld)──▶ committee_review

Who moves (permissions.py): the employee submits the self-assessment (the committee may move an
overdue one on, with a reason), acknowledges and appeals; the supervisor submits the review and
sends a self-assessment back; the supervisor or the committee closes the customer survey / 360°
step; the committee publishes, sends back to the supervisor and answers appeals.

Guards (the reasons a move is refused):
- to supervisor_review: the employee entered a value for every hand-entered indicator (when the
  self-assessment has a weight);
- to feedback: the supervisor did the same (when the supervisor has a weight);
- to published: every hand-entered indicator has a value, the scores are computed, and the cycle
  is running.
Backward moves and appeals need a reason. An appeal is allowed once per appraisal. Published,
acknowledged and appealed results are read only: nobody edits them (an upheld appeal reopens the
review, recorded as an event, and the result is published again).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from presales.core.workflow import Transition, Workflow

from . import permissions
from .choices import CycleStatus, Source, Step

SUBMIT, REVIEW, CLOSE_FEEDBACK, PUBLISH, RETURN, ACKNOWLEDGE, APPEAL, ANSWER = (
    "submit",
    "review",
    "close_feedback",
    "publish",
    "return",
    "acknowledge",
    "appeal",
    "answer",
)
REASON_REQUIRED = {RETURN, APPEAL, ANSWER}


def _employee_or_committee(user, a) -> bool:
    return permissions.is_employee(user, a) or permissions.is_committee(user)


def _supervisor(user, a) -> bool:
    return permissions.is_supervisor(user, a)


def _supervisor_or_committee(user, a) -> bool:
    return permissions.is_supervisor(user, a) or permissions.is_committee(user)


def _committee(user, a) -> bool:
    return permissions.is_committee(user)


def _employee(user, a) -> bool:
    return permissions.is_employee(user, a)


appraisal_flow = Workflow(
    name="appraisal",
    transitions=[
        Transition(
            Step.SELF_ASSESSMENT, Step.SUPERVISOR_REVIEW, action=SUBMIT, allowed=_employee_or_committee
        ),
        Transition(Step.SUPERVISOR_REVIEW, Step.FEEDBACK, action=REVIEW, allowed=_supervisor),
        Transition(
            Step.SUPERVISOR_REVIEW, Step.SELF_ASSESSMENT, action=RETURN, allowed=_supervisor, gated=False
        ),
        Transition(
            Step.FEEDBACK, Step.COMMITTEE_REVIEW, action=CLOSE_FEEDBACK, allowed=_supervisor_or_committee
        ),
        Transition(Step.COMMITTEE_REVIEW, Step.PUBLISHED, action=PUBLISH, allowed=_committee),
        Transition(
            Step.COMMITTEE_REVIEW, Step.SUPERVISOR_REVIEW, action=RETURN, allowed=_committee, gated=False
        ),
        Transition(Step.PUBLISHED, Step.ACKNOWLEDGED, action=ACKNOWLEDGE, allowed=_employee),
        Transition(Step.PUBLISHED, Step.APPEALED, action=APPEAL, allowed=_employee),
        Transition(Step.APPEALED, Step.COMMITTEE_REVIEW, action=ANSWER, allowed=_committee, gated=False),
        Transition(Step.APPEALED, Step.PUBLISHED, action=ANSWER, allowed=_committee, gated=False),
    ],
)


def _missing_entries(appraisal, source: str) -> list[str]:
    from .selectors import entered_indicator_ids, manual_items

    if appraisal.cycle.is_annual or not appraisal.cycle.source_weights()[source]:
        return []
    done = entered_indicator_ids(appraisal, source)
    return [
        _("No %(source)s value for “%(name)s”.")
        % {"source": Source(source).label, "name": item.indicator.name}
        for item in manual_items(appraisal)
        if item.indicator_id not in done
    ]


def self_assessment_done(appraisal) -> list[str]:
    return _missing_entries(appraisal, Source.SELF)


def supervisor_review_done(appraisal) -> list[str]:
    return _missing_entries(appraisal, Source.SUPERVISOR)


def ready_to_publish(appraisal) -> list[str]:
    from .selectors import manual_items, valued_indicator_ids

    reasons = []
    if appraisal.cycle.status != CycleStatus.OPEN:
        reasons.append(_("The cycle is not running."))
    if appraisal.final_score is None:
        reasons.append(_("The scores are not computed yet."))
    if not appraisal.cycle.is_annual:
        valued = valued_indicator_ids(appraisal)
        reasons += [
            _("“%(name)s” has no value from any evaluator.") % {"name": item.indicator.name}
            for item in manual_items(appraisal)
            if item.indicator_id not in valued
        ]
    return reasons


appraisal_flow.add_guard(Step.FEEDBACK, supervisor_review_done)
appraisal_flow.add_guard(Step.PUBLISHED, ready_to_publish)
# The move out of self-assessment is guarded on the transition (its target, supervisor review, is
# also the target of the committee's gate-free "return").
appraisal_flow.get(Step.SELF_ASSESSMENT, Step.SUPERVISOR_REVIEW).guards.append(self_assessment_done)
