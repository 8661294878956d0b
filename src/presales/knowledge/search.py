"""Ranked Chinese full-text search over the knowledge base, one selector for both databases.

`search(user, query, filters)`: the query is cut into words by the same tokenizer as the index,
each word standing for its index tokens (segment.query_groups). Two tiers:
- **every word** (`strict`): an article matches when it has each word, as the word itself or as
  all of its parts (储能电站 → 储能电站, or 储能 and 电站): (储能电站 | 储能 & 电站) & bms & 告警;
- **any word** (`loose`): any of the tokens. Used only when the first tier does not fill the first
  page: then the loose matches follow the strict ones (strict first, each tier by rank), and the
  count is that of the loose tier (`SearchPage.partial` when no article has every word).
Requiring every word keeps the candidates few, so counting and ranking them stays fast at 100k
articles (docs/benchmarks.md: an OR of every token made a query rank a quarter of the corpus).
Ranked so that more and rarer words, and words in the title, come first:
- PostgreSQL: `search_vector @@ query` on the GIN index of the published articles (a partial
  index: the status needs no second index scan), ranked by `ts_rank` (title weight A, body weight
  B; `ts_rank_cd`, the cover density, cost about twice as much per ranked row);
- SQLite: the FTS5 table `knowledge_article_fts`, ranked by `bm25` with the title column weighted
  10:1.
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
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL

from . import segment
from .choices import ArticleStatus
from .index import FTS_TABLE
from .models import Article
from .rendering import highlight, snippet_source

MAX_QUERY = 200
PER_PAGE = 20
GLOBAL_LIMIT = 5


@dataclass
class Hit:
    article: Article
    rank: float
    snippet: str
    tags: list[str] = field(default_factory=list)


@dataclass
class SearchPage:
    query: str
    terms: list[str]
    count: int
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    per_page: int = PER_PAGE
    partial: bool = False  # no article has every word: these have some of them

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


def _pg_group(word: str, tokens: list[str]):
    def term(t):
        return SearchQuery(t, config="simple", search_type="phrase")

    parts = [t for t in tokens if t != word]
    if word in tokens and parts:
        return term(word) | reduce(operator.and_, [term(t) for t in parts])
    return reduce(operator.and_, [term(t) for t in tokens])


def _fts_term(token: str) -> str:
    quoted = token.replace('"', '""')
    return f'"{quoted}"'


def _fts_group(word: str, tokens: list[str]) -> str:
    parts = [t for t in tokens if t != word]
    if word in tokens and parts:
        return f"({_fts_term(word)} OR ({' AND '.join(_fts_term(t) for t in parts)}))"
    return f"({' AND '.join(_fts_term(t) for t in tokens)})"


def _pg_query(groups, *, strict: bool):
    if strict:
        return reduce(operator.and_, [_pg_group(w, tokens) for w, tokens in groups])
    terms = list(dict.fromkeys(t for _w, tokens in groups for t in tokens))
    return reduce(operator.or_, [SearchQuery(t, config="simple", search_type="phrase") for t in terms])


def _fts_query(groups, *, strict: bool) -> str:
    if strict:
        return " AND ".join(_fts_group(w, tokens) for w, tokens in groups)
    terms = list(dict.fromkeys(t for _w, tokens in groups for t in tokens))
    return " OR ".join(_fts_term(t) for t in terms)


def _fts_ids(match: str) -> RawSQL:
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])


def matching(qs, groups: list[tuple[str, list[str]]], *, strict: bool = True, strict_first: bool = False):
    """`qs` narrowed to the articles matching `groups` (every word when `strict`, else any token),
    annotated with `rank` (higher is better) and ordered by it; `strict_first` (with a loose match)
    puts the articles that have every word first."""
    if connection.vendor == "postgresql":
        query = _pg_query(groups, strict=strict)
        qs = qs.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
        if strict_first:
            whole = _pg_query(groups, strict=True)
            qs = qs.annotate(tier=Case(When(search_vector=whole, then=Value(0)), default=Value(1),
                                       output_field=IntegerField()))
            return qs.order_by("tier", "-rank", "-published_at", "-pk")
        return qs.order_by("-rank", "-published_at", "-pk")
    match = _fts_query(groups, strict=strict)
    table = Article._meta.db_table
    qs = qs.filter(pk__in=_fts_ids(match)).annotate(
        rank=RawSQL(
            f"(SELECT -bm25({FTS_TABLE}, 10.0, 1.0) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = {table}.id)",
            [match],
            output_field=FloatField(),
        )
    )
    if strict_first:
        qs = qs.annotate(tier=Case(When(pk__in=_fts_ids(_fts_query(groups, strict=True)), then=Value(0)),
                                   default=Value(1), output_field=IntegerField()))
        return qs.order_by("tier", "-rank", "-published_at", "-pk")
    return qs.order_by("-rank", "-published_at", "-pk")


def _ranked_page(qs, start: int, per_page: int) -> tuple[list[tuple[int, float]], int]:
    """One page of (id, rank), best first, and the number of matches, in one query: the matching
    query (permission scope, filters and all) is a materialised CTE of narrow rows (id, rank,
    published_at), computed once — the full-text match on the GIN index, the permission predicates
    on the row's own columns, `ts_rank` for each match — then counted and sorted for the page.
    Materialising matters on PostgreSQL: a window count (`COUNT(*) OVER ()`) over the subquery
    made it buffer every match with its search vector (spilling to disk past `work_mem`), and a
    plain CTE would be inlined into both uses. Late row lookup: the bodies are read afterwards for
    the page's rows only. A page past the end returns no row, hence no count: then the matches are
    counted apart."""
    ordering = [o.lstrip("-") for o in qs.query.order_by]
    fields = ["pk", "rank", "published_at", *(["tier"] if "tier" in ordering else [])]
    inner_sql, params = qs.order_by().values(*fields).query.sql_with_params()
    order = ", ".join(
        {"tier": "tier ASC", "rank": "rank DESC", "published_at": "published_at DESC", "pk": "pk DESC"}[o]
        for o in ordering
    )
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    sql = (f"WITH matches AS {materialized}({inner_sql}) "
           f"SELECT pk, rank, (SELECT COUNT(*) FROM matches) FROM matches "
           f"ORDER BY {order} LIMIT %s OFFSET %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, per_page, start])
        rows = cursor.fetchall()
    if rows:
        return [(pk, rank) for pk, rank, _total in rows], rows[0][2]
    return [], (qs.count() if start else 0)


def search(user, query: str, filters: dict | None = None, *, page: int = 1, per_page: int = PER_PAGE) -> SearchPage:
    """Published articles the user may read that contain every word of `query`, ranked; when they
    do not fill the first page, followed by those containing some of the words. One page of them
    with highlighted snippets, and the total count (both in SQL, permission included)."""
    query = (query or "").strip()[:MAX_QUERY]
    groups = segment.query_groups(query)
    terms = list(dict.fromkeys(t for _w, tokens in groups for t in tokens))
    result = SearchPage(query=query, terms=terms, count=0, page=max(1, page), per_page=per_page)
    if not terms:
        return result
    base = apply_filters(Article.objects.visible_to(user).filter(status=ArticleStatus.PUBLISHED), filters or {})
    start = (result.page - 1) * per_page
    ranked, total = _ranked_page(matching(base, groups), start, per_page)
    loosens = len(groups) > 1 or any(len(tokens) > 1 for _w, tokens in groups)
    if total < per_page and loosens:
        strict = total
        ranked, total = _ranked_page(matching(base, groups, strict=False, strict_first=True), start, per_page)
        result.partial = strict == 0 and total > 0
    result.count = total
    page_ids = [pk for pk, _rank in ranked]
    articles = (
        Article.objects.filter(pk__in=page_ids).select_related("owner")
        .only("pk", "kind", "title", "body", "industry", "product_line", "published_at", "updated_at",
              "access_level", "status", "owner__display_name", "owner__username")
        .in_bulk()
    )
    # The page's tag names in one narrow query (a prefetch builds a Tag object per row: twice the CPU).
    tags: dict[int, list[str]] = {}
    if page_ids:
        for article_id, name in (Article.tags.through.objects.filter(article_id__in=page_ids)
                                 .order_by("tag__name").values_list("article_id", "tag__name")):
            tags.setdefault(article_id, []).append(name)
    result.hits = [
        Hit(articles[pk], float(rank or 0), highlight(snippet_source(articles[pk].body, terms), terms),
            tags.get(pk, []))
        for pk, rank in ranked if pk in articles
    ]
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
