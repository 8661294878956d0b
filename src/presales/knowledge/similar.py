"""Similar cases for an opportunity: TF-IDF (scikit-learn) over the segmented text of the published
case articles (success and failure cases, retrospectives), cosine similarity with the
opportunity's own text — its industry, name, description, competitors, requirement items, research
notes and research report — segmented by the same tokenizer. Offline, no network.

The fitted matrix is cached per process, keyed by the cases' (count, max(updated_at), max(pk)): a
publication, an edit or a retirement changes the key and the next call refits (a few ms per
thousand cases). The permission scope is applied in SQL (the ids the user may read), then only those
rows of the matrix are scored. The reason of each match is the query words that weigh most in both
texts.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from django.db.models import Q
from django.utils import translation

from . import segment
from .choices import CASE_KINDS, AccessLevel, ArticleStatus
from .models import Article

MIN_SCORE = 0.02
_cache_lock = threading.Lock()
_cache: dict = {}


@dataclass
class SimilarCase:
    article: Article
    score: float
    terms: list[str]


def _split(text: str) -> list[str]:
    return text.split()


def _corpus_key(kinds: tuple[str, ...]) -> object:
    """When the published articles of `kinds` last changed: the latest `updated_at` among the
    published and retired ones (every write through the services moves it: a publication, an
    edit, a retirement). One index lookup per (status, kind) on (status, kind, -updated_at), so it
    costs the same at 100k articles as at 100; drafts, which are never matched, do not count."""
    from django.db import connection

    table = Article._meta.db_table
    pairs = [(status, kind) for status in (ArticleStatus.PUBLISHED, ArticleStatus.RETIRED) for kind in kinds]
    inner = " UNION ALL ".join(
        f"SELECT MAX(updated_at) AS t FROM {table} WHERE status = %s AND kind = %s" for _pair in pairs
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(t) FROM ({inner}) latest", [str(v) for pair in pairs for v in pair])
        return cursor.fetchone()[0]


CHECK_SECONDS = 5
CANDIDATES = 200
_checked: dict[tuple[str, ...], float] = {}


def corpus_changed() -> None:
    """A write changed the published articles: this process checks the corpus at its next call
    (the others within CHECK_SECONDS)."""
    _checked.clear()


def fitted(kinds: tuple[str, ...] = CASE_KINDS):
    """(vectorizer, matrix, ids) for the current published articles of `kinds` (the cases by
    default; the outline drafter also asks for the templates), refitted when they changed. Whether
    they changed is asked of the database at most every CHECK_SECONDS per process (an aggregate over
    every published case: a few ms per thousand), and at once after a write in this process."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    kinds = tuple(sorted(str(k) for k in kinds))
    entry = _cache.get(kinds)
    if entry is not None and time.monotonic() - _checked.get(kinds, -CHECK_SECONDS) < CHECK_SECONDS:
        return entry[1]
    key = _corpus_key(kinds)
    with _cache_lock:
        _checked[kinds] = time.monotonic()
        entry = _cache.get(kinds)
        if entry is not None and entry[0] == key:
            return entry[1]
        rows = list(
            Article.objects.filter(status=ArticleStatus.PUBLISHED, kind__in=kinds)
            .order_by("pk").values_list("pk", "search_tokens")
        )
        if not rows:
            model = (None, None, [])
        else:
            vectorizer = TfidfVectorizer(tokenizer=_split, preprocessor=None, lowercase=False, token_pattern=None,
                                         sublinear_tf=True, min_df=1)
            matrix = vectorizer.fit_transform([tokens for _pk, tokens in rows])
            model = (vectorizer, matrix, [pk for pk, _t in rows])
        _cache[kinds] = (key, model)
        return model


def opportunity_text(opportunity) -> str:
    """What the opportunity is about, from what the system records: industry (its Chinese name,
    twice, so that the industry weighs), name, description, competitors, requirement items,
    research notes and the research report."""
    from presales.customers.choices import Industry
    from presales.discovery.models import RequirementItem, ResearchActivity, ResearchReport

    parts = []
    industry = opportunity.industry or getattr(opportunity.customer, "industry", "")
    if industry in Industry.values:
        with translation.override("zh-hans"):
            label = str(Industry(industry).label)
        parts += [label, label]
    parts += [opportunity.name, opportunity.description, opportunity.competitors]
    for title, description in RequirementItem.objects.filter(opportunity=opportunity).values_list("title", "description"):
        parts += [title, description]
    parts += list(ResearchActivity.objects.filter(opportunity=opportunity).values_list("notes", flat=True))
    report = ResearchReport.objects.filter(opportunity=opportunity).values_list(
        "summary", "pain_points", "findings").first()
    if report:
        parts += list(report)
    return "\n".join(p for p in parts if p)


def similar_to_text(text: str, user, *, limit: int = 5, exclude_opportunity_id: int | None = None,
                    kinds: tuple[str, ...] = CASE_KINDS, reusable_for=None) -> list[SimilarCase]:
    """The published articles of `kinds` the user may read, most similar to `text` first.
    `reusable_for` (an opportunity) keeps only the articles whose text may be copied into its
    documents (`reusable_q`)."""
    vectorizer, matrix, ids = fitted(kinds)
    if vectorizer is None:
        return []
    query = vectorizer.transform([" ".join(segment.tokenize(text))])
    if query.nnz == 0:
        return []
    visible = Article.objects.visible_to(user).filter(status=ArticleStatus.PUBLISHED, kind__in=kinds)
    if reusable_for is not None:
        visible = visible.filter(reusable_q(reusable_for))
    if exclude_opportunity_id:
        visible = visible.exclude(opportunity_id=exclude_opportunity_id)
    # Score every fitted article (a sparse product: a few ms for 100k), then ask the database
    # which of the best are the user's to read, CANDIDATES at a time, best first: the permission
    # stays in SQL, and no request reads the ids of every article it may see.
    q = query.toarray().ravel()
    scores = np.asarray(matrix @ q).ravel()  # sparse matrix × dense vector: ~10x a sparse × sparse product
    candidates = np.flatnonzero(scores >= MIN_SCORE)
    # best first; ties in id order (stable sort of rows kept in id order), so the answer is deterministic
    order = candidates[np.argsort(-scores[candidates], kind="stable")]
    chosen: list[int] = []
    for start in range(0, len(order), CANDIDATES):
        chunk = order[start : start + CANDIDATES]
        allowed = set(visible.filter(pk__in=[ids[i] for i in chunk]).values_list("pk", flat=True))
        chosen += [int(i) for i in chunk if ids[i] in allowed][: limit - len(chosen)]
        if len(chosen) >= limit:
            break
    if not chosen:
        return []
    vocabulary = vectorizer.get_feature_names_out()
    articles = Article.objects.select_related("owner").prefetch_related("tags").in_bulk([ids[i] for i in chosen])
    result = []
    for i in chosen:
        weight = q * matrix[i].toarray().ravel()
        top = [vocabulary[j] for j in weight.argsort()[::-1][:5] if weight[j] > 0]
        result.append(SimilarCase(articles[ids[i]], round(float(scores[i]), 4), top))
    return result


def reusable_q(opportunity) -> Q:
    """Articles whose text may be copied into a document of `opportunity` (the outline drafter):
    company-wide ones, and project-team ones of the opportunity's own team. Never a confidential
    one, nor another team's: once quoted in a solution, the text is read by everyone who sees the
    opportunity, not by the article's readers."""
    team = Q(access_level=AccessLevel.TEAM, team_id=opportunity.team_id) if opportunity.team_id else Q(pk__in=[])
    return Q(access_level=AccessLevel.PUBLIC) | team


def similar_cases(opportunity, user, limit: int = 5, *, reusable: bool = False,
                  text: str | None = None) -> list[SimilarCase]:
    """The published cases most similar to the opportunity that the user may read (its own cases
    left out), best first, with the matched words as the reason."""
    return similar_to_text(opportunity_text(opportunity) if text is None else text, user, limit=limit,
                           exclude_opportunity_id=opportunity.pk, reusable_for=opportunity if reusable else None)
