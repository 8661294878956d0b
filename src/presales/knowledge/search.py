"""Ranked Chinese full-text search over the knowledge base, one selector for both databases.

`search(user, query, filters)`: the query is segmented by the same tokenizer as the index
(segment.query_terms); an article matches when it contains any of the words, ranked so that more
and rarer words, and words in the title, come first:
- PostgreSQL: `search_vector @@ (w1 | w2 …)` on the GIN index, ranked by `ts_rank_cd` (title
  weight A, body weight B);
- SQLite: the FTS5 table `knowledge_article_fts` (MATCH "w1" OR "w2" …), ranked by `bm25` with the
  title column weighted 10:1.
The permission scope (`Article.objects.visible_to(user)`), the status and the filters are part of
the same SQL query, so the count and the pages never include an article the user may not read.
Snippets are cut from the page's rows only (at most `per_page` bodies), with the query's words
marked.

`global_search(user, query)`: the top bar's box: articles as above, plus customers, opportunities,
POCs and documents by a plain case-insensitive substring match (the whole query, or every one of
its words) through each app's own `visible_to(user)`. Those four are not full-text indexed.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, Q
from django.db.models.expressions import RawSQL

from . import segment
from .choices import ArticleStatus
from .index import FTS_TABLE
from .models import Article
from .rendering import highlight, plain_text

MAX_QUERY = 200
PER_PAGE = 20
GLOBAL_LIMIT = 5


@dataclass
class Hit:
    article: Article
    rank: float
    snippet: str


@dataclass
class SearchPage:
    query: str
    terms: list[str]
    count: int
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def apply_filters(qs, filters: dict):
    """kind / industry / tag / published_from / published_to (validated by forms.SearchForm)."""
    filters = filters or {}
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("industry"):
        qs = qs.filter(industry=filters["industry"])
    if filters.get("tag"):
        qs = qs.filter(tags__name=filters["tag"])
    if filters.get("published_from"):
        qs = qs.filter(published_at__date__gte=filters["published_from"])
    if filters.get("published_to"):
        qs = qs.filter(published_at__date__lte=filters["published_to"])
    return qs


def matching(qs, terms: list[str]):
    """`qs` narrowed to the articles containing any of `terms`, annotated with `rank` (higher is
    better), ordered by it."""
    if connection.vendor == "postgresql":
        query = reduce(operator.or_, [SearchQuery(t, config="simple", search_type="phrase") for t in terms])
        return (
            qs.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query, cover_density=True))
            .order_by("-rank", "-published_at", "-pk")
        )
    match = " OR ".join('"%s"' % t.replace('"', '""') for t in terms)
    table = Article._meta.db_table
    return (
        qs.filter(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match]))
        .annotate(
            rank=RawSQL(
                f"(SELECT -bm25({FTS_TABLE}, 10.0, 1.0) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = {table}.id)",
                [match],
                output_field=FloatField(),
            )
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def search(user, query: str, filters: dict | None = None, *, page: int = 1, per_page: int = PER_PAGE) -> SearchPage:
    """Published articles the user may read that match `query`, ranked, one page of them with
    highlighted snippets, and the total count (both in SQL, permission included)."""
    query = (query or "").strip()[:MAX_QUERY]
    terms = segment.query_terms(query)
    result = SearchPage(query=query, terms=terms, count=0, page=max(1, page), per_page=per_page)
    if not terms:
        return result
    qs = apply_filters(Article.objects.visible_to(user).filter(status=ArticleStatus.PUBLISHED), filters or {})
    qs = matching(qs, terms)
    result.count = qs.count()
    start = (result.page - 1) * per_page
    rows = list(
        qs.select_related("owner").prefetch_related("tags")
        .only("pk", "kind", "title", "body", "industry", "product_line", "published_at", "updated_at",
              "access_level", "status", "owner__display_name", "owner__username")[start : start + per_page]
    )
    result.hits = [Hit(a, float(a.rank or 0), highlight(plain_text(a.body), terms)) for a in rows]
    return result


# --- the global box --------------------------------------------------------------------------------


@dataclass
class Section:
    key: str
    count: int
    items: list
    list_url: str = ""


def _contains_q(fields: list[str], query: str, terms: list[str]) -> Q:
    whole = reduce(operator.or_, [Q(**{f"{f}__icontains": query}) for f in fields])
    if len(terms) < 2:
        return whole
    every = reduce(
        operator.and_,
        [reduce(operator.or_, [Q(**{f"{f}__icontains": t}) for f in fields]) for t in terms[:5]],
    )
    return whole | every


def global_search(user, query: str) -> dict:
    """The top bar's search: articles (full text, ranked) and, by substring, customers,
    opportunities, POCs and documents, each section at most GLOBAL_LIMIT rows plus its count."""
    from django.urls import reverse

    from presales.customers.models import Customer
    from presales.documents.models import Document
    from presales.opportunities.models import Opportunity
    from presales.poc.models import Poc

    articles = search(user, query, page=1, per_page=GLOBAL_LIMIT)
    query = articles.query
    terms = articles.terms
    sections = []
    specs = [
        ("customers", Customer.objects.visible_to(user), ["name", "short_name"], "-pk", "customers:list"),
        ("opportunities", Opportunity.objects.visible_to(user), ["number", "name"], "-created_at", "opportunities:list"),
        ("pocs", Poc.objects.visible_to(user), ["number", "title"], "-created_at", "poc:list"),
        ("documents", Document.objects.visible_to(user), ["number", "title"], "-created_at", "documents:list"),
    ]
    for key, qs, fields, order, url_name in specs:
        fields = [f for f in fields if _has_field(qs.model, f)]
        if not query:
            sections.append(Section(key, 0, [], reverse(url_name)))
            continue
        matched = qs.filter(_contains_q(fields, query, terms))
        count = matched.count()
        items = list(matched.order_by(order, "-pk")[:GLOBAL_LIMIT]) if count else []
        sections.append(Section(key, count, items, f"{reverse(url_name)}?{urlencode({'q': query})}"))
    return {"articles": articles, "sections": sections}


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist
        return False
    return True
