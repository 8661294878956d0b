"""Writing the search index, in the caller's transaction (the services call `index_article` after
every save of an article or of its tags, inside their `transaction.atomic`).

PostgreSQL: `search_vector` = setweight(to_tsvector('simple', segmented title), 'A') ||
setweight(to_tsvector('simple', segmented body), 'B'), GIN-indexed. SQLite: one row of the FTS5
table `knowledge_article_fts` (rowid = article id; columns title, body). `search_tokens` keeps the
segmented text on both, for similar-case matching; `indexed_at` says when (similar.py reads the rows
stamped since its last look)."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Value
from django.utils import timezone, translation

from . import segment
from .rendering import plain_text

FTS_TABLE = "knowledge_article_fts"


def index_texts(article) -> tuple[str, str]:
    """(segmented title, segmented body): the body includes the product line, the industry (its
    Chinese name) and the tags, so a search for any of them finds the article."""
    with translation.override("zh-hans"):
        industry = str(article.get_industry_display()) if article.industry else ""
    tags = " ".join(t.name for t in article.tags.all()) if article.pk else ""
    body = " ".join(filter(None, [plain_text(article.body), article.product_line, industry, tags]))
    return segment.segmented(article.title), segment.segmented(body)


def index_article(article) -> None:
    from .models import Article

    title, body = index_texts(article)
    tokens = f"{title} {body}".strip()
    stamp = timezone.now()
    if connection.vendor == "postgresql":
        Article.objects.filter(pk=article.pk).update(
            search_tokens=tokens, indexed_at=stamp,
            search_vector=SearchVector(Value(title), weight="A", config="simple")
            + SearchVector(Value(body), weight="B", config="simple"),
        )
    else:
        Article.objects.filter(pk=article.pk).update(search_tokens=tokens, indexed_at=stamp)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [article.pk])
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)", [article.pk, title, body]
                )
    article.search_tokens = tokens
    article.indexed_at = stamp
    from .similar import corpus_changed

    corpus_changed()


def reindex_all(batch: int = 500) -> int:
    """Rebuild every article's index (after the dictionary changed). Returns the count."""
    from django.db import transaction

    from .models import Article

    n = 0
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), batch):
        with transaction.atomic():
            for article in Article.objects.filter(pk__in=ids[i : i + batch]).prefetch_related("tags"):
                index_article(article)
                n += 1
    return n
