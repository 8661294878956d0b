"""Knowledge shares (知识分享): articles the person published in the knowledge base, and citations of
their articles by colleagues. Computed from presales.knowledge; replaces the manual entry."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..base import MetricValue, SourceRecord
from ..period import Period

DESCRIPTION = gettext_lazy(
    "Success cases and experience shared with colleagues: the knowledge-base articles the person owns "
    "that were published (reviewed) in the period, plus the citations of the person's articles by "
    "colleagues (an opportunity or a solution of someone else that used the article) made in the "
    "period. Formula: published articles + citations by others."
)
REQUIRES: tuple = (
    ("knowledge.Article", ("owner", "status", "published_at")),
    ("knowledge.Citation", ("article", "cited_by", "created_at")),
)


def _published(period: Period):
    from presales.knowledge.models import Article

    # Retired later still counts: it was shared in the period.
    return Article.objects.filter(published_at__isnull=False, **period.datetime_q("published_at"))


def _citations(period: Period):
    from django.db.models import F

    from presales.knowledge.models import Citation

    return Citation.objects.filter(**period.datetime_q("created_at")).exclude(cited_by_id=F("article__owner_id"))


def compute(user_ids: list[int], period: Period) -> dict[int, MetricValue]:
    totals: dict[int, int] = {}
    for row in _published(period).filter(owner_id__in=user_ids).values("owner_id").annotate(n=Count("pk")).order_by():
        totals[row["owner_id"]] = totals.get(row["owner_id"], 0) + row["n"]
    for row in (
        _citations(period).filter(article__owner_id__in=user_ids)
        .values("article__owner_id").annotate(n=Count("pk")).order_by()
    ):
        totals[row["article__owner_id"]] = totals.get(row["article__owner_id"], 0) + row["n"]
    return {pk: MetricValue.of_count(n) for pk, n in totals.items()}


def records(user, period: Period) -> list[SourceRecord]:
    rows = [
        SourceRecord(
            label=a.title,
            date=a.published_at.date(),
            url=a.get_absolute_url(),
            numerator=1,
            denominator=None,
            note=str(a.get_kind_display()),
            kind=_("published article"),
        )
        for a in _published(period).filter(owner_id=user.pk).order_by("published_at", "pk")
    ]
    for c in (
        _citations(period).filter(article__owner_id=user.pk)
        .select_related("article", "cited_by", "opportunity", "solution").order_by("created_at", "pk")
    ):
        rows.append(
            SourceRecord(
                label=c.article.title,
                date=c.created_at.date(),
                url=c.article.get_absolute_url(),
                numerator=1,
                denominator=None,
                note=_("cited by %(name)s for %(target)s") % {"name": c.cited_by, "target": c.opportunity or c.solution},
                kind=_("citation"),
            )
        )
    return rows
