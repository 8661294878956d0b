"""Who may do what with talent records. Visibility is the models' `visible_to(user)` (self, the
lead of the person's team, managers; see models.py); these functions decide actions on records the
user can already see. They read no rows (roles and led teams are cached on the user).

- Daily reports: presales people write their own; the author edits until rated; the lead of the
  author's team or a manager rates (never their own report).
- Certifications: the person, their team lead and managers add and edit.
- Trainings: presales people and managers create; trainer, creator, the trainer's team lead and
  managers edit, manage attendees and record scores.
- Mentoring: managers and the mentee's team lead pair people and close pairs; mentor, mentee and
  those steering write progress notes.
- Onboarding: managers and the new hire's team lead set up and complete the camp; the new hire,
  the mentor and those steering tick tasks off.
- Promotions: managers record them (they are the approvers).
- Gold presales award: managers open rounds and move them; anybody with a role nominates while
  nominations are open; committee members score during scoring (not their own nomination).
"""

from __future__ import annotations

from presales.accounts.choices import RoleCode
from presales.core.permissions import is_manager

from .choices import AwardRoundStatus, MentoringStatus, OnboardingStatus


def _leads(user, person) -> bool:
    team_id = getattr(person, "team_id", None)
    return team_id is not None and team_id in user.led_team_ids


def oversees(user, person) -> bool:
    """Manager, or lead of the person's team."""
    return is_manager(user) or _leads(user, person)


def can_see_person(user, person) -> bool:
    """The talent profile of a person: themselves, their team lead, managers."""
    return user.pk == person.pk or oversees(user, person)


# --- daily reports --------------------------------------------------------------------------------


def can_write_reports(user) -> bool:
    return user.is_authenticated and (user.is_presales or is_manager(user))


def can_edit_report(user, report) -> bool:
    return report.author_id == user.pk and report.rating is None


def can_rate_report(user, report) -> bool:
    return report.author_id != user.pk and oversees(user, report.author)


def can_review_team(user) -> bool:
    """The "my team's daily reports" page."""
    return is_manager(user) or bool(user.led_team_ids)


# --- certifications -------------------------------------------------------------------------------


def can_manage_records_of(user, person) -> bool:
    return can_see_person(user, person)


def can_edit_certification(user, certification) -> bool:
    return can_manage_records_of(user, certification.person)


# --- trainings ------------------------------------------------------------------------------------


def can_create_training(user) -> bool:
    return is_manager(user) or user.is_presales


def can_edit_training(user, training) -> bool:
    if is_manager(user) or user.pk in (training.trainer_id, training.created_by_id):
        return True
    return training.trainer_id is not None and _leads(user, training.trainer)


# --- mentoring ------------------------------------------------------------------------------------


def can_pair(user, mentee) -> bool:
    return oversees(user, mentee)


def can_create_pairs(user) -> bool:
    return is_manager(user) or bool(user.led_team_ids)


def can_steer_mentoring(user, pair) -> bool:
    return oversees(user, pair.mentee)


def can_close_mentoring(user, pair) -> bool:
    return pair.status == MentoringStatus.ACTIVE and can_steer_mentoring(user, pair)


def can_add_note(user, pair) -> bool:
    return pair.status == MentoringStatus.ACTIVE and (
        user.pk in (pair.mentor_id, pair.mentee_id) or can_steer_mentoring(user, pair)
    )


# --- onboarding -----------------------------------------------------------------------------------


def can_create_onboarding(user) -> bool:
    return is_manager(user) or bool(user.led_team_ids)


def can_steer_onboarding(user, programme) -> bool:
    return oversees(user, programme.new_hire)


def can_tick_tasks(user, programme) -> bool:
    return programme.status == OnboardingStatus.ACTIVE and (
        user.pk in (programme.new_hire_id, programme.buddy_id) or can_steer_onboarding(user, programme)
    )


def can_add_tasks(user, programme) -> bool:
    return programme.status == OnboardingStatus.ACTIVE and (
        user.pk == programme.buddy_id or can_steer_onboarding(user, programme)
    )


# --- promotions -----------------------------------------------------------------------------------


def can_promote(user) -> bool:
    return is_manager(user)


# --- gold presales award --------------------------------------------------------------------------


def is_committee(user) -> bool:
    return user.is_authenticated and user.has_role(RoleCode.COMMITTEE)


def can_manage_rounds(user) -> bool:
    return is_manager(user)


def can_nominate(user, award_round) -> bool:
    return award_round.status == AwardRoundStatus.NOMINATING and (is_manager(user) or bool(user.role_codes))


def can_score(user, nomination, award_round=None) -> bool:
    award_round = award_round or nomination.round
    return (
        award_round.status == AwardRoundStatus.SCORING
        and is_committee(user)
        and nomination.nominee_id != user.pk
    )
