"""Reads, all starting from `Article.objects.visible_to(user)`."""

from __future__ import annotations

from django.db.models import QuerySet

from . import permissions
from .models import Article, ArticleEvent, Citation
from .rendering import render_markdown

LIST_FIELDS = ("pk", "kind", "title", "industry", "product_line", "status", "access_level", "updated_at",
               "published_at", "version", "owner__display_name", "owner__username", "owner_id", "team_id")


def article_list(*, user) -> QuerySet[Article]:
    return (
        Article.objects.visible_to(user)
        .select_related("owner")
        .prefetch_related("tags")
        .only(*LIST_FIELDS)
        .order_by("-updated_at", "-pk")
    )


def detail_queryset(*, user) -> QuerySet[Article]:
    return Article.objects.visible_to(user).select_related(
        "owner", "team", "reviewer", "customer", "opportunity", "poc", "solution"
    )


def article_detail_context(*, article: Article, user) -> dict:
    """The rendered body, the attachments the reader may read, the events, where it was used, and
    the actions the reader may take."""
    from presales.documents.models import Document

    attachments = list(
        Document.objects.visible_to(user).filter(knowledge_articles=article).only("pk", "number", "title")
    )
    hidden_attachments = article.attachments.count() - len(attachments)
    citations = list(
        Citation.objects.filter(article=article).select_related("opportunity", "solution", "cited_by")[:50]
    )
    from presales.opportunities.models import Opportunity
    from presales.solutions.models import Solution

    seen_opp = set(Opportunity.objects.visible_to(user).filter(
        pk__in=[c.opportunity_id for c in citations if c.opportunity_id]).values_list("pk", flat=True))
    seen_sol = set(Solution.objects.visible_to(user).filter(
        pk__in=[c.solution_id for c in citations if c.solution_id]).values_list("pk", flat=True))
    for c in citations:
        c.visible = (c.opportunity_id in seen_opp) if c.opportunity_id else (c.solution_id in seen_sol)
    return {
        "body_html": render_markdown(article.body),
        "tags": list(article.tags.all()),
        "attachments": attachments,
        "hidden_attachments": hidden_attachments,
        "citations": citations,
        "events": list(ArticleEvent.objects.filter(article=article).select_related("actor")[:50]),
        "can_edit": permissions.can_edit(user, article),
        "can_publish": permissions.can_review(user, article),
        "can_retire": permissions.can_retire(user, article),
        "can_cite": permissions.can_cite(user, article),
    }


def articles_by_origin(*, user, origins: list[str]) -> dict[str, Article]:
    """The non-retired drafts/articles made from these records (for the "publish" buttons)."""
    return {
        a.origin: a
        for a in Article.objects.visible_to(user).filter(origin__in=origins).exclude(status="retired").only("pk", "origin", "status", "title")
    }
