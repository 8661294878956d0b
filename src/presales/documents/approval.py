"""The approval chain of a document, as pure functions (no database).

    author ─submit─▶ department head ─▶ presales manager ─▶ final review ─▶ published
                        │ return           │ return          │ return
                        └──────────────────┴─────────────────┴──▶ returned ─resubmit─▶ first step

Each category says which of the three steps its documents go through (`needs_department_head`,
`needs_presales_manager`, `needs_final_review`); the order is fixed. A category with no step
publishes on submission. A resubmitted document starts again at the first step: the file changed,
so every reviewer sees the version they approve.

Who decides a step (never the author of the document):
- department head step: anyone holding the department head role, or the lead of the document's team;
- presales manager step: anyone holding the presales manager role;
- final step: a leader (department head role) deciding alone, or a cross-department meeting
  recorded by a department head or a presales manager, with its participants.
"""

from __future__ import annotations

from collections.abc import Iterable

from presales.accounts.choices import RoleCode

from .choices import DocumentStatus, FinalMode, ReviewStep

STEP_ORDER = (ReviewStep.DEPARTMENT_HEAD, ReviewStep.PRESALES_MANAGER, ReviewStep.FINAL)
STEP_STATUS = {
    ReviewStep.DEPARTMENT_HEAD: DocumentStatus.DEPARTMENT_REVIEW,
    ReviewStep.PRESALES_MANAGER: DocumentStatus.MANAGER_REVIEW,
    ReviewStep.FINAL: DocumentStatus.FINAL_REVIEW,
}
STATUS_STEP = {status: step for step, status in STEP_STATUS.items()}

# A cross-department meeting: at least this many people, from at least this many teams.
MEETING_MIN_PARTICIPANTS = 2
MEETING_MIN_TEAMS = 2


def steps_for(category) -> list[str]:
    """The steps of the category's flow, in order (any object with the three `needs_*` flags)."""
    wanted = {
        ReviewStep.DEPARTMENT_HEAD: category.needs_department_head,
        ReviewStep.PRESALES_MANAGER: category.needs_presales_manager,
        ReviewStep.FINAL: category.needs_final_review,
    }
    return [step for step in STEP_ORDER if wanted[step]]


def status_after_submit(category) -> str:
    """Where a submitted document goes: its first step, or published if its category has none."""
    steps = steps_for(category)
    return STEP_STATUS[steps[0]] if steps else DocumentStatus.PUBLISHED


def status_after_approval(category, status: str) -> str:
    """Where an approval at `status` leads: the next step of the category, or published."""
    steps = steps_for(category)
    step = STATUS_STEP[status]
    if step in steps:
        later = steps[steps.index(step) + 1 :]
    else:  # the category was reconfigured while the document was in review: continue after it
        later = [s for s in steps if STEP_ORDER.index(s) > STEP_ORDER.index(step)]
    return STEP_STATUS[later[0]] if later else DocumentStatus.PUBLISHED


def may_decide(
    step: str,
    *,
    roles: Iterable[str],
    led_team_ids: Iterable[int],
    team_id: int | None,
    mode: str | None = None,
) -> bool:
    """May a person with these roles and led teams decide `step` of a document of team `team_id`?
    For the final step, `mode` (leader / meeting) narrows the answer; None means "in some mode"."""
    roles = set(roles)
    if step == ReviewStep.DEPARTMENT_HEAD:
        return RoleCode.DEPARTMENT_HEAD in roles or (team_id is not None and team_id in set(led_team_ids))
    if step == ReviewStep.PRESALES_MANAGER:
        return RoleCode.PRESALES_MANAGER in roles
    if step == ReviewStep.FINAL:
        leader = RoleCode.DEPARTMENT_HEAD in roles
        meeting = leader or RoleCode.PRESALES_MANAGER in roles
        if mode == FinalMode.LEADER:
            return leader
        if mode == FinalMode.MEETING:
            return meeting
        return meeting
    return False


def meeting_problems(participant_team_ids: list[int | None]) -> list[str]:
    """Codes of what makes a list of meeting participants (their team ids) not a cross-department
    meeting: too few people, or all from one team."""
    problems = []
    if len(participant_team_ids) < MEETING_MIN_PARTICIPANTS:
        problems.append("too_few_participants")
    if len({t for t in participant_team_ids if t is not None}) < MEETING_MIN_TEAMS:
        problems.append("single_department")
    return problems
