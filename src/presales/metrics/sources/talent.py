"""Talent (人才): trainings given to sales, mentoring, daily report quality."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..base import MetricValue, SourceRecord
from ..period import Period

TRAININGS_DESCRIPTION = gettext_lazy(
    "The sales enablement trainings (销售赋能) the person gave as trainer on a day of the period. "
    "Formula: count of trainings."
)
TRAININGS_REQUIRES: tuple = (("talent.Training", ("kind", "trainer", "held_on")),)
MENTORING_DESCRIPTION = gettext_lazy(
    "Mentoring (导师制): the coaching records (辅导记录) written on a day of the period for the mentoring "
    "pairs in which the person is the mentor, whoever wrote them (mentor, mentee or a lead). "
    "Formula: count of coaching records."
)
MENTORING_REQUIRES: tuple = (
    ("talent.MentoringPair", ("mentor", "mentee", "status")),
    ("talent.MentoringNote", ("pair", "written_on", "text")),
)
DAILY_DESCRIPTION = gettext_lazy(
    "The person's daily reports of the period that a lead or manager rated: the average rating, where "
    "perfunctory is −1, normal 0 and constructive +1. Unrated reports are listed but not averaged. "
    "Formula: sum of ratings ÷ rated reports."
)
DAILY_REQUIRES: tuple = (("talent.DailyReport", ("author", "report_date", "rating")),)


# --- trainings given to sales ---------------------------------------------------------------------


def _sales_trainings(period: Period):
    from presales.talent.choices import TrainingKind
    from presales.talent.models import Training

    return Training.objects.filter(kind=TrainingKind.SALES_ENABLEMENT, **period.date_q("held_on"))


def trainings_compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    rows = (
        _sales_trainings(period)
        .filter(trainer_id__in=user_ids)
        .values("trainer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["trainer_id"]: MetricValue.of_count(row["n"]) for row in rows}


def trainings_records(user, period: Period) -> list[SourceRecord]:
    qs = _sales_trainings(period).filter(trainer_id=user.pk).annotate(attendees=Count("attendances"))
    return [
        SourceRecord(
            label=t.title,
            date=t.held_on,
            url=_url(t),
            numerator=1,
            denominator=None,
            note=_("%(hours)s h, %(n)d attendees") % {"hours": t.hours, "n": t.attendees},
            kind=_("training"),
        )
        for t in qs
    ]


# --- mentoring -------------------------------------------------------------------------------------


def _notes(period: Period):
    from presales.talent.models import MentoringNote

    return MentoringNote.objects.filter(**period.date_q("written_on"))


def mentoring_compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    rows = (
        _notes(period)
        .filter(pair__mentor_id__in=user_ids)
        .values("pair__mentor_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["pair__mentor_id"]: MetricValue.of_count(row["n"]) for row in rows}


def mentoring_records(user, period: Period) -> list[SourceRecord]:
    qs = (
        _notes(period)
        .filter(pair__mentor_id=user.pk)
        .select_related("pair__mentee", "author")
        .order_by("written_on", "pk")
    )
    return [
        SourceRecord(
            label=f"{n.pair.mentee}: {n.text[:60]}",
            date=n.written_on,
            url=_url(n.pair),
            numerator=1,
            denominator=None,
            note=_("written by %(name)s") % {"name": n.author},
            kind=_("coaching record"),
        )
        for n in qs
    ]


# --- daily report quality --------------------------------------------------------------------------


def daily_compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    from presales.talent.models import DailyReport

    rows = (
        DailyReport.objects.filter(
            author_id__in=user_ids, rating__isnull=False, **period.date_q("report_date")
        )
        .values("author_id")
        .annotate(n=Count("pk"), total=Sum("rating"))
        .order_by()
    )
    return {row["author_id"]: MetricValue.average(row["total"], row["n"]) for row in rows}


def daily_records(user, period: Period) -> list[SourceRecord]:
    from presales.talent.models import DailyReport

    qs = DailyReport.objects.filter(author_id=user.pk, **period.date_q("report_date")).order_by(
        "report_date", "pk"
    )
    rows = []
    for r in qs:
        rated = r.rating is not None
        rows.append(
            SourceRecord(
                label=_("Daily report of %(day)s") % {"day": r.report_date.isoformat()},
                date=r.report_date,
                url=_url(r),
                numerator=r.rating if rated else None,
                denominator=1 if rated else None,
                note=r.get_rating_display() if rated else _("not rated: not averaged"),
                kind=_("daily report"),
            )
        )
    return rows


def _url(obj) -> str | None:
    getter = getattr(obj, "get_absolute_url", None)
    if getter is None:
        return None
    from django.urls import NoReverseMatch

    try:
        return getter()
    except NoReverseMatch:  # a page not wired yet must not break the drill-down
        return None


def trainings_compute_fn():
    return trainings_compute


def trainings_records_fn():
    return trainings_records


def mentoring_compute_fn():
    return mentoring_compute


def mentoring_records_fn():
    return mentoring_records


def daily_compute_fn():
    return daily_compute


def daily_records_fn():
    return daily_records
