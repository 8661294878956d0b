"""Reads of the talent module, each starting from a `visible_to(user)` scope, with the counts and
averages computed in SQL (a page's query count does not grow with its rows).

The three aggregates at the end (`daily_report_quality`, `sales_trainings_given`,
`mentoring_given`) are what the appraisal metrics of the same names compute: grouped queries for
any number of people and a period of two inclusive dates."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .choices import TrainingKind
from .models import (
    EXPIRING_SOON_DAYS,
    AwardNomination,
    AwardRound,
    Certification,
    DailyReport,
    MentoringNote,
    MentoringPair,
    OnboardingProgramme,
    Promotion,
    Training,
    TrainingAttendance,
)


def report_list(*, user):
    return DailyReport.objects.visible_to(user).select_related("author", "rated_by")


def team_reports(*, user):
    """Reports of the people of the teams the user leads (managers: everybody's), not their own."""
    from presales.core.permissions import is_manager

    qs = report_list(user=user).exclude(author_id=user.pk)
    if not is_manager(user):
        qs = qs.filter(author__team_id__in=list(user.led_team_ids))
    return qs


def report_detail_queryset(*, user):
    return report_list(user=user).prefetch_related("opportunities")


def rating_trend(reports, *, months: int = 6) -> dict:
    """Monthly average rating and counts of a report queryset, for the chart (oldest first)."""
    today = timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (
        reports.filter(report_date__gte=first)
        .order_by()
        .annotate(month=TruncMonth("report_date"))
        .values("month")
        .annotate(avg=Avg("rating"), rated=Count("rating"), total=Count("pk"))
        .order_by("month")
    )
    labels, averages, rated, totals = [], [], [], []
    for row in rows:
        month = row["month"]
        labels.append(month.strftime("%Y-%m") if hasattr(month, "strftime") else str(month)[:7])
        averages.append(round(float(row["avg"]), 2) if row["avg"] is not None else None)
        rated.append(row["rated"])
        totals.append(row["total"])
    return {"labels": labels, "averages": averages, "rated": rated, "totals": totals}


def certification_list(*, user):
    return Certification.objects.visible_to(user).select_related("person", "certificate_document")


def expiring_soon_q(today: date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(expires_on__gte=today, expires_on__lte=today + timedelta(days=EXPIRING_SOON_DAYS))


def training_list(*, user):
    return (
        Training.objects.visible_to(user)
        .select_related("trainer")
        .annotate(
            attendee_count=Count("attendances", distinct=True),
            scored_count=Count("attendances__score", distinct=False),
            avg_score=Avg("attendances__score"),
        )
        .order_by("-held_on", "-pk")
    )


def training_attendances(training: Training):
    """Attendances with `passed_flag` computed in SQL (score ≥ the training's pass score)."""
    return training.attendances.select_related("attendee", "training").order_by("attendee__username")


def training_pass_counts(training: Training) -> dict:
    agg = training.attendances.aggregate(
        total=Count("pk"),
        scored=Count("score"),
        passed=Count("pk", filter=Q(score__gte=training.pass_score)),
        avg=Avg("score"),
    )
    return agg


def mentoring_list(*, user):
    return (
        MentoringPair.objects.visible_to(user)
        .select_related("mentor", "mentee")
        .annotate(note_count=Count("notes"))
        .order_by("-started_on", "-pk")
    )


def mentoring_notes(pair: MentoringPair):
    return MentoringNote.objects.filter(pair=pair).select_related("author")


def onboarding_list(*, user):
    return (
        OnboardingProgramme.objects.visible_to(user)
        .select_related("new_hire", "buddy")
        .annotate(task_count=Count("tasks"), done_count=Count("tasks", filter=Q(tasks__done=True)))
        .order_by("-started_on", "-pk")
    )


def progress_percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


def promotion_list(*, user):
    return Promotion.objects.visible_to(user).select_related("person", "approved_by")


def award_round_list(*, user):
    return (
        AwardRound.objects.visible_to(user)
        .annotate(
            nomination_count=Count("nominations", distinct=True),
            winner_count=Count("nominations", filter=Q(nominations__is_winner=True), distinct=True),
        )
        .order_by("-year", "-quarter")
    )


def nomination_list(*, user, award_round: AwardRound):
    from .services import award_results

    visible = AwardNomination.objects.visible_to(user).filter(round=award_round).values("pk")
    return award_results(award_round).filter(pk__in=visible)


def scored_by(*, user, award_round: AwardRound) -> set[int]:
    """Ids of the round's nominations the user has scored."""
    return set(award_round.nominations.filter(scores__member=user).values_list("pk", flat=True))


def profile(*, person) -> dict:
    """Everything on a person's talent profile (the caller checked that the viewer may see it)."""
    today = timezone.localdate()
    reports = DailyReport.objects.filter(author=person)
    return {
        "certifications": list(
            Certification.objects.filter(person=person).select_related("certificate_document")
        ),
        "attendances": list(
            TrainingAttendance.objects.filter(attendee=person)
            .select_related("training", "training__trainer")
            .order_by("-training__held_on")[:50]
        ),
        "trainings_given": list(
            Training.objects.filter(trainer=person)
            .annotate(attendee_count=Count("attendances"))
            .order_by("-held_on")[:50]
        ),
        "mentors": list(MentoringPair.objects.filter(mentee=person).select_related("mentor")),
        "mentees": list(MentoringPair.objects.filter(mentor=person).select_related("mentee")),
        "promotions": list(Promotion.objects.filter(person=person).select_related("approved_by")),
        "onboarding": OnboardingProgramme.objects.filter(new_hire=person)
        .annotate(task_count=Count("tasks"), done_count=Count("tasks", filter=Q(tasks__done=True)))
        .first(),
        "report_stats": reports.filter(report_date__gte=today - timedelta(days=90)).aggregate(
            total=Count("pk"), rated=Count("rating"), avg=Avg("rating")
        ),
        "trend": rating_trend(reports),
        "awards": list(
            AwardNomination.objects.filter(nominee=person, is_winner=True).select_related("round")
        ),
    }


# --- aggregates read by the appraisal metrics ---------------------------------------------------


def daily_report_quality(user_ids, start: date, end: date) -> dict[int, dict]:
    """Per author: average rating (−1…+1) of the rated reports dated in [start, end], the number
    rated and the number written. One grouped query."""
    rows = (
        DailyReport.objects.filter(author_id__in=list(user_ids), report_date__gte=start, report_date__lte=end)
        .order_by()
        .values("author_id")
        .annotate(avg=Avg("rating"), rated=Count("rating"), total=Count("pk"))
    )
    return {r["author_id"]: {"avg": r["avg"], "rated": r["rated"], "total": r["total"]} for r in rows}


def sales_trainings_given(user_ids, start: date, end: date) -> dict[int, int]:
    """Per trainer: sales enablement sessions (kind sales_enablement) held in [start, end]."""
    rows = (
        Training.objects.filter(
            trainer_id__in=list(user_ids),
            kind=TrainingKind.SALES_ENABLEMENT,
            held_on__gte=start,
            held_on__lte=end,
        )
        .order_by()
        .values("trainer_id")
        .annotate(n=Count("pk"))
    )
    return {r["trainer_id"]: r["n"] for r in rows}


def mentoring_given(user_ids, start: date, end: date) -> dict[int, int]:
    """Per mentor: mentoring pairs active at some time in [start, end] (started on or before the
    end, not ended before the start)."""
    rows = (
        MentoringPair.objects.filter(mentor_id__in=list(user_ids), started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("pk"))
    )
    return {r["mentor_id"]: r["n"] for r in rows}
