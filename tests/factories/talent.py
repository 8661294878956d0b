"""Talent records for tests, written through the services (the rules hold)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from presales.accounts.choices import RoleCode
from presales.talent import services
from presales.talent.choices import AwardRoundStatus, CertificationKind, TrainingKind

from .accounts import make_user


def today():
    return timezone.localdate()


def make_report(author, *, days_ago: int = 0, work_done: str = "整理方案初稿", **kwargs):
    return services.daily_report_create(
        actor=author, report_date=today() - timedelta(days=days_ago), work_done=work_done, **kwargs
    )


def make_certification(actor, person=None, *, name: str = "AWS SAA", expires_in: int | None = 365, **kwargs):
    obtained = kwargs.pop("obtained_on", today() - timedelta(days=100))
    return services.certification_create(
        actor=actor,
        person=person or actor,
        name=name,
        issuer=kwargs.pop("issuer", "AWS"),
        kind=kwargs.pop("kind", CertificationKind.EXTERNAL),
        obtained_on=obtained,
        expires_on=None if expires_in is None else today() + timedelta(days=expires_in),
        **kwargs,
    )


def make_training(trainer, *, attendees=(), kind=TrainingKind.SALES_ENABLEMENT, days_ago: int = 3, **kwargs):
    return services.training_create(
        actor=trainer,
        title=kwargs.pop("title", "储能方案销售赋能"),
        kind=kind,
        trainer=trainer,
        held_on=today() - timedelta(days=days_ago),
        attendees=list(attendees),
        **kwargs,
    )


def make_pair(actor, mentor, mentee, *, days_ago: int = 30):
    return services.mentoring_create(
        actor=actor,
        mentor=mentor,
        mentee=mentee,
        started_on=today() - timedelta(days=days_ago),
        goals="独立完成方案编写",
    )


def make_programme(actor, new_hire, *, days_ago: int = 10, **kwargs):
    return services.onboarding_create(
        actor=actor, new_hire=new_hire, started_on=today() - timedelta(days=days_ago), **kwargs
    )


def make_committee(team, **kwargs):
    return make_user(RoleCode.COMMITTEE, team=team, **kwargs)


def make_round(
    manager,
    *,
    year: int = 2026,
    quarter: int = 1,
    status=AwardRoundStatus.NOMINATING,
    nominations=(),
    scorers=(),
):
    """A round with nominations [(nominator, nominee)], moved to `status` (scorers score each
    nomination 8 on every criterion)."""
    award_round = services.award_round_create(actor=manager, year=year, quarter=quarter, prize="奖金")
    for index, (nominator, nominee) in enumerate(nominations):
        services.nomination_create(
            actor=nominator,
            award_round=award_round,
            nominee=nominee,
            title=f"案例{index + 1}",
            case_description="客户价值显著",
        )
    if status == AwardRoundStatus.NOMINATING:
        return award_round
    award_round = services.award_round_move(
        actor=manager, award_round=award_round, to_status=AwardRoundStatus.SCORING
    )
    if status == AwardRoundStatus.SCORING:
        return award_round
    for index, nomination in enumerate(award_round.nominations.order_by("pk")):
        for member in scorers:
            value = 9 if index == 0 else 6
            services.nomination_score(
                actor=member,
                nomination=nomination,
                customer_value=value,
                innovation=value,
                reuse=value,
                influence=value,
            )
    return services.award_round_move(
        actor=manager, award_round=award_round, to_status=AwardRoundStatus.ANNOUNCED
    )
