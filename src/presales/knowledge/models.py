"""The knowledge base: articles (cases, templates, FAQ, profiles, retrospectives, requirement
analyses, market intelligence), their tags, review events and citations, and the segmenter's
user dictionary.

Search index: `search_tokens` holds the segmented text (segment.tokenize) of the title and body;
PostgreSQL keeps a weighted `tsvector` of it in `search_vector` (GIN index), SQLite an FTS5 table
`knowledge_article_fts` (migration 0002). Both are written by `index.index_article` in the same
transaction as the article (services call it); see search.py for the query side.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.models import CreatedByModel, TimeStampedModel
from presales.customers.choices import Industry

from .choices import AccessLevel, ArticleKind, ArticleStatus, EventAction

USER = settings.AUTH_USER_MODEL


class TagQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()


class Tag(models.Model):
    """A normalised tag (trimmed, lower-case Latin letters), shared by all articles."""

    name = models.CharField(_("name"), max_length=40, unique=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Articles the user may read and find (one SQL filter; see permissions.readable_q)."""
        from .permissions import readable_q

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(readable_q(user))

    def published(self):
        return self.filter(status=ArticleStatus.PUBLISHED)


class Article(CreatedByModel):
    """One piece of knowledge. Written in Markdown (rendered and sanitised, never raw HTML), tied
    optionally to the customer / opportunity / POC / solution it came from, with attachments from
    the document archive and the archive's access levels. Status changes through the services
    only (draft → published → retired), each an event row."""

    kind = models.CharField(_("kind"), max_length=24, choices=ArticleKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Markdown: headings, lists, tables, links. HTML is not allowed."))
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices, blank=True)
    product_line = models.CharField(_("product line"), max_length=100, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="knowledge_articles",
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("opportunity"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="knowledge_articles",
    )
    poc = models.ForeignKey(
        "poc.Poc", verbose_name=_("POC"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="knowledge_articles",
    )
    solution = models.ForeignKey(
        "solutions.Solution", verbose_name=_("solution"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="knowledge_articles",
    )
    attachments = models.ManyToManyField(
        "documents.Document", verbose_name=_("attachments"), blank=True, related_name="knowledge_articles",
        help_text=_("Documents of the archive; each reader sees those they may read."),
    )
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="knowledge_articles")
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="knowledge_articles", help_text=_("The owner's team when the article was written."),
    )
    access_level = models.CharField(
        _("access level"), max_length=16, choices=AccessLevel.choices, default=AccessLevel.PUBLIC
    )
    named_readers = models.ManyToManyField(
        USER, verbose_name=_("named readers"), blank=True, related_name="readable_knowledge_articles",
        help_text=_("People who may read the article whatever its level (the only readers of a confidential one)."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT, editable=False
    )
    reviewer = models.ForeignKey(
        USER, verbose_name=_("reviewer"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False, db_index=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True, editable=False)
    # "retrospective:12", "postmortem:3", "solution:7": the record a prefilled draft came from, so
    # that a second click opens the same draft instead of making another.
    origin = models.CharField(_("created from"), max_length=40, blank=True, editable=False, db_index=True)
    search_tokens = models.TextField(_("segmented text"), blank=True, editable=False)
    # PostgreSQL only (GIN-indexed by migration 0002); stays empty on SQLite, which uses FTS5.
    search_vector = SearchVectorField(null=True, editable=False)
    # When what matching reads last changed (the index, or the status): stamped by index_article,
    # article_publish and article_retire, so each process updates its similar-case model from the
    # rows stamped since its last look (similar.py) instead of refitting it.
    indexed_at = models.DateTimeField(_("indexed at"), null=True, blank=True, editable=False, db_index=True)
    history = HistoricalRecords(excluded_fields=["search_tokens", "search_vector", "indexed_at"], m2m_fields=[tags])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "kind", "-updated_at"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["team", "access_level"]),
            # The list, newest first: walked in order, the permission filter applied on the way.
            models.Index(fields=["-updated_at", "-id"], name="knowledge_article_recent"),
            # Everything the permission scope reads (PostgreSQL: an index-only scan counts the list).
            models.Index(fields=["access_level", "status", "team", "owner", "reviewer", "opportunity", "customer"],
                         include=["id"], name="knowledge_article_scope"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:detail", args=[self.pk])

    @property
    def is_case(self) -> bool:
        return self.kind in (ArticleKind.SUCCESS_CASE, ArticleKind.FAILURE_CASE)


class ArticleEvent(models.Model):
    """One step of an article's life: who, when, from, to, why."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=EventAction.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=ArticleStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ArticleStatus.choices, blank=True)
    actor = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("article event")
        verbose_name_plural = _("article events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.action}"


class CitationQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .permissions import readable_q

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(article__in=Article.objects.filter(readable_q(user)).values("pk"))


class Citation(TimeStampedModel):
    """"Where used": an article cited by an opportunity (e.g. a similar case the team relied on) or
    by a solution (a passage or a template reused)."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="citations")
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("opportunity"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="knowledge_citations",
    )
    solution = models.ForeignKey(
        "solutions.Solution", verbose_name=_("solution"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="knowledge_citations",
    )
    cited_by = models.ForeignKey(USER, verbose_name=_("cited by"), on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = CitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(opportunity__isnull=False) & Q(solution__isnull=True))
                | (Q(opportunity__isnull=True) & Q(solution__isnull=False)),
                name="knowledge_citation_one_target",
                violation_error_message=_("A citation names either an opportunity or a solution."),
            ),
            models.UniqueConstraint(
                fields=["article", "opportunity"], condition=Q(opportunity__isnull=False),
                name="knowledge_citation_once_per_opportunity",
                violation_error_message=_("This opportunity already cites the article."),
            ),
            models.UniqueConstraint(
                fields=["article", "solution"], condition=Q(solution__isnull=False),
                name="knowledge_citation_once_per_solution",
                violation_error_message=_("This solution already cites the article."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} ← {self.opportunity_id or self.solution_id}"


class SegmentTerm(TimeStampedModel):
    """A word of the segmenter's user dictionary (product names, industry terms), besides the
    shipped file data/terms.txt. Running processes pick changes up within a minute."""

    word = models.CharField(_("word"), max_length=40, unique=True)
    frequency = models.PositiveIntegerField(
        _("frequency"), null=True, blank=True, help_text=_("Optional. Higher keeps the word whole more often.")
    )
    tag = models.CharField(_("part of speech"), max_length=8, blank=True)
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("segmentation term")
        verbose_name_plural = _("segmentation terms")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word
