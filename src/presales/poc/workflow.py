"""The POC's status as a state machine (built on core.workflow, like the opportunity's stages).

    draft ──confirm──▶ ready ──start──▶ running ──evaluate──▶ evaluating ──conclude──▶ passed
      ▲                  │                 ▲                      │                 └▶ failed
      └────reopen────────┘                 └──────resume──────────┘
    draft / ready / running / evaluating ──abandon──▶ abandoned

Guards (each returns the reasons it refuses, shown to the user as they are):

- ready (confirm the launch): the launch confirmation is complete — project name, 1–3 hypotheses,
  at least one success criterion, planned start and end dates, signed by both sides or
  confirmed by e-mail;
- running (start): the readiness self-check reaches the threshold (13/16 by default); the refusal
  names every missing item;
- evaluating: every key criterion has its agreed sample size of measurements;
- passed: the overall verdict (verdict.py) is passed or excellent and complete;
- failed: the overall verdict is failed and complete (a POC stopped before the data is in is
  abandoned, not failed).

Backward moves (ready → draft to amend the confirmation, evaluating → running to measure more) and
abandoning pass no gate but need a reason. passed, failed and abandoned are final.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from presales.core.workflow import Transition, Workflow

from . import permissions
from .choices import Level, Status

CONFIRM, START, EVALUATE, CONCLUDE, ABANDON, REOPEN, RESUME = (
    "confirm", "start", "evaluate", "conclude", "abandon", "reopen", "resume",
)
# Moves that need a reason (the why is the point of the event row).
REASON_REQUIRED = {ABANDON, REOPEN, RESUME}


def _allowed(user, poc) -> bool:
    return permissions.can_move(user, poc)


def _transitions() -> list[Transition]:
    table = [
        Transition(Status.DRAFT, Status.READY, action=CONFIRM, allowed=_allowed),
        Transition(Status.READY, Status.RUNNING, action=START, allowed=_allowed),
        Transition(Status.RUNNING, Status.EVALUATING, action=EVALUATE, allowed=_allowed),
        Transition(Status.EVALUATING, Status.PASSED, action=CONCLUDE, allowed=_allowed),
        Transition(Status.EVALUATING, Status.FAILED, action=CONCLUDE, allowed=_allowed),
        Transition(Status.READY, Status.DRAFT, action=REOPEN, allowed=_allowed, gated=False),
        Transition(Status.EVALUATING, Status.RUNNING, action=RESUME, allowed=_allowed, gated=False),
    ]
    for source in (Status.DRAFT, Status.READY, Status.RUNNING, Status.EVALUATING):
        table.append(Transition(source, Status.ABANDONED, action=ABANDON, allowed=_allowed, gated=False))
    return table


poc_flow = Workflow(name="poc", transitions=_transitions())


# --- guards: each reads the POC's state through the selectors (a few queries, no N+1) -----------


def launch_confirmation_complete(poc) -> list[str]:
    reasons = []
    if not poc.title.strip():
        reasons.append(_("The project name is missing."))
    n = len([h for h in poc.hypotheses or [] if str(h).strip()])
    if not 1 <= n <= 3:
        reasons.append(_("Write 1 to 3 verifiable hypotheses (now %(count)s).") % {"count": n})
    if not poc.criteria.exists():
        reasons.append(_("No success criterion is defined."))
    if poc.planned_start_on is None or poc.planned_end_on is None:
        reasons.append(_("The planned start and end dates are missing."))
    if not poc.is_confirmed:
        reasons.append(_("The launch confirmation is neither signed by both sides nor confirmed by e-mail."))
    return reasons


def readiness_reached(poc) -> str | None:
    from .selectors import poc_readiness

    readiness = poc_readiness(poc=poc)
    return readiness.refusal() or None


def samples_collected(poc) -> list[str]:
    from .selectors import poc_verdicts

    verdicts = poc_verdicts(poc=poc)
    if not verdicts.key:
        return [_("No key criterion: nothing to evaluate.")]
    return [
        _("“%(name)s”: %(samples)s of %(size)s measurements.") % {
            "name": row.criterion.name, "samples": row.verdict.samples, "size": row.verdict.sample_size}
        for row in verdicts.key if not row.verdict.complete
    ]


def verdict_is(*levels: str):
    def guard(poc) -> str | None:
        from .selectors import poc_verdicts

        overall = poc_verdicts(poc=poc).overall
        if overall.level is None or not overall.complete:
            return _("The verdict is not complete: every key criterion needs its agreed sample size.")
        if overall.level not in levels:
            return _("The verdict is “%(verdict)s”.") % {"verdict": Level(overall.level).label}
        return None

    guard.__name__ = "verdict_is_" + "_".join(levels)
    return guard


poc_flow.add_guard(Status.READY, launch_confirmation_complete)
poc_flow.add_guard(Status.RUNNING, readiness_reached)
poc_flow.add_guard(Status.EVALUATING, samples_collected)
poc_flow.add_guard(Status.PASSED, verdict_is(Level.PASSED, Level.EXCELLENT))
poc_flow.add_guard(Status.FAILED, verdict_is(Level.FAILED))
