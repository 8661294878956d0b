"""Solutions (方案): the completeness score and the internal review first-pass rate. The person's
solutions are those they author (`Solution.author`)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..base import MetricValue, SourceRecord, as_local_date
from ..period import Period

COMPLETENESS_DESCRIPTION = gettext_lazy(
    "The solutions the person authored that were submitted for review in the period: the average "
    "completeness "
    "score (0–100) frozen at each solution's last submission in the period; a solution submitted several "
    "times "
    "counts once. Formula: sum of completeness scores ÷ solutions submitted."
)
COMPLETENESS_REQUIRES: tuple = (
    ("solutions.Solution", ("author",)),
    ("solutions.SolutionVersion", ("solution", "created_at", "completeness", "number")),
)
FIRST_PASS_DESCRIPTION = gettext_lazy(
    "The solutions the person authored whose first submission finished the three-level internal review in "
    "the "
    "period: the share that passed all three levels without being returned. Formula: passed at the first "
    "submission ÷ first submissions decided × 100%."
)
FIRST_PASS_REQUIRES: tuple = (("solutions.Solution", ("author", "first_pass", "first_reviewed_at")),)


def _last_submissions(period: Period):
    """Each solution's last version submitted in the period."""
    from presales.solutions.models import SolutionVersion

    later = SolutionVersion.objects.filter(
        solution_id=OuterRef("solution_id"),
        number__gt=OuterRef("number"),
        **period.datetime_q("created_at"),
    )
    return SolutionVersion.objects.filter(**period.datetime_q("created_at")).filter(~Exists(later))


def completeness_compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    rows = (
        _last_submissions(period)
        .filter(solution__author_id__in=user_ids)
        .values("solution__author_id")
        .annotate(n=Count("pk"), total=Sum("completeness"))
        .order_by()
    )
    return {row["solution__author_id"]: MetricValue.average(row["total"], row["n"]) for row in rows}


def completeness_records(user, period: Period) -> list[SourceRecord]:
    from presales.solutions.models import SolutionVersion

    counted = set(_last_submissions(period).filter(solution__author_id=user.pk).values_list("pk", flat=True))
    qs = (
        SolutionVersion.objects.filter(solution__author_id=user.pk, **period.datetime_q("created_at"))
        .select_related("solution")
        .order_by("created_at", "pk")
    )
    rows = []
    for v in qs:
        last = v.pk in counted
        rows.append(
            SourceRecord(
                label=f"{v.solution.title} v{v.number}",
                date=as_local_date(v.created_at),
                url=v.get_absolute_url(),
                numerator=v.completeness if last else 0,
                denominator=1 if last else 0,
                note=_("completeness %(score)d") % {"score": v.completeness}
                + ("" if last else " · " + _("resubmitted later in the period: not counted")),
                kind=_("solution version"),
            )
        )
    return rows


def first_pass_compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    from presales.solutions.models import Solution

    rows = (
        Solution.objects.filter(
            author_id__in=user_ids, first_pass__isnull=False, **period.datetime_q("first_reviewed_at")
        )
        .values("author_id")
        .annotate(n=Count("pk"), passed=Count("pk", filter=Q(first_pass=True)))
        .order_by()
    )
    return {row["author_id"]: MetricValue.rate(row["passed"], row["n"]) for row in rows}


def first_pass_records(user, period: Period) -> list[SourceRecord]:
    from presales.solutions.models import Solution

    qs = Solution.objects.filter(
        author_id=user.pk, first_pass__isnull=False, **period.datetime_q("first_reviewed_at")
    ).select_related("opportunity")
    return [
        SourceRecord(
            label=f"{s.title} · {s.opportunity.number}",
            date=as_local_date(s.first_reviewed_at),
            url=s.get_absolute_url(),
            numerator=1 if s.first_pass else 0,
            denominator=1,
            note=_("passed without a return") if s.first_pass else _("returned at the first submission"),
            kind=_("solution"),
        )
        for s in qs
    ]


def completeness_compute_fn():
    return completeness_compute


def completeness_records_fn():
    return completeness_records


def first_pass_compute_fn():
    return first_pass_compute


def first_pass_records_fn():
    return first_pass_records
