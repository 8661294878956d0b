"""Who may do what in appraisals. Visibility is the querysets' (`Cycle.objects.visible_to`,
`Appraisal.objects.visible_to`, see models.py); these functions decide actions on what the user can
already see and read no rows (roles and led teams are cached on the user).

- Cycles (create, set up, add participants, open, close) and the committee's steps (adjustments,
  publishing, answering appeals): managers and the appraisal committee 考核小组.
- Self-assessment, acknowledging and appealing: the employee, on their own appraisal.
- Supervisor review: the appraisal's supervisor, the lead of the employee's team, managers.
- Customer survey results: the supervisor side or the committee (they transcribe the survey).
- 360° peer feedback: a presales colleague of the same team (not the employee, nor anyone who supervises
  the appraisal: its supervisor, the team's lead, managers).
- Nobody changes a published result: every write checks that the appraisal is not published.
"""

from __future__ import annotations

from presales.accounts.choices import RoleCode
from presales.core.permissions import is_manager

from .choices import OPEN_STEPS, Source, Step


def is_committee(user) -> bool:
    return bool(user and user.is_authenticated and (is_manager(user) or user.has_role(RoleCode.COMMITTEE)))


def can_manage_cycles(user) -> bool:
    return is_committee(user)


def is_employee(user, appraisal) -> bool:
    return appraisal.employee_id == user.pk


def is_supervisor(user, appraisal) -> bool:
    return bool(
        appraisal.supervisor_id == user.pk
        or (appraisal.team_id is not None and appraisal.team_id in user.led_team_ids)
        or is_manager(user)
    )


def is_peer(user, appraisal) -> bool:
    return bool(
        user.is_authenticated
        and user.is_presales
        and appraisal.team_id is not None
        and user.team_id == appraisal.team_id
        and user.pk != appraisal.employee_id
        and not is_supervisor(user, appraisal)
    )


def can_enter(user, appraisal, source: str) -> bool:
    """Enter values for `source` now (the step must be the source's)."""
    if appraisal.status not in OPEN_STEPS or appraisal.cycle.is_annual:
        return False
    if source == Source.SELF:
        return appraisal.status == Step.SELF_ASSESSMENT and is_employee(user, appraisal)
    if source == Source.SUPERVISOR:
        return appraisal.status == Step.SUPERVISOR_REVIEW and is_supervisor(user, appraisal)
    if source == Source.CUSTOMER:
        return appraisal.status == Step.FEEDBACK and (is_supervisor(user, appraisal) or is_committee(user))
    if source == Source.PEER:
        return appraisal.status == Step.FEEDBACK and is_peer(user, appraisal)
    return False


def can_review(user, appraisal) -> bool:
    """Committee steps on an appraisal under committee review (adjust, publish, send back)."""
    return appraisal.status == Step.COMMITTEE_REVIEW and is_committee(user)


def can_answer_appeal(user, appraisal) -> bool:
    return appraisal.status == Step.APPEALED and is_committee(user)


def can_respond(user, appraisal) -> bool:
    """Acknowledge or appeal a published result: the employee."""
    return appraisal.status == Step.PUBLISHED and is_employee(user, appraisal)


def can_see_team_ranking(user, team_id) -> bool:
    return is_committee(user) or team_id in user.led_team_ids or user.team_id == team_id


def sees_unpublished_ranking(user, team_id) -> bool:
    """Managers, the committee and the team's lead see the ranking before publication."""
    return is_committee(user) or team_id in user.led_team_ids


def can_see_scores(user, appraisal) -> bool:
    """The employee sees their scores once published; supervisors and the committee all along."""
    if appraisal.is_published:
        return True
    return is_supervisor(user, appraisal) or is_committee(user)
