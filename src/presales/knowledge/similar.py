"""Similar cases for an opportunity: TF-IDF over the segmented text of the published case articles
(success and failure cases, retrospectives), cosine similarity with the opportunity's own text —
its industry, name, description, competitors, requirement items, research notes and research
report — segmented by the same tokenizer. Offline, no network.

The model is kept **incrementally**, per process (`CaseIndex`, one per set of kinds): the raw term
weights of each published case (sublinear tf, a sparse row) and the document frequency of every
term. A publication, an edit or a retirement changes one row and the frequencies of that row's
terms; the idf and the rows' norms are derived from them when the next query comes (one pass over
the nonzeros, a few ms at 30k cases), so a change costs the same at 100k articles as at 100, where
a full refit took 3–5 s. The figures are those of scikit-learn's `TfidfVectorizer(sublinear_tf=True)`
fitted on the same rows (smooth idf, l2 norm; tests/knowledge/test_similar_incremental.py compares
them).

What changed comes from the database, so every process sees every write: each write of the index
or of the status stamps `Article.indexed_at` (index.index_article, services.article_publish /
article_retire), and a process asks for the rows stamped since the last it saw (minus MARGIN, so a
transaction that committed late is still seen) — at most every CHECK_SECONDS, and at once after a
write in the same process. Only rows whose stamp moved are read whole. The number of published
cases is compared with the model's after each such check; a difference (a row deleted, a write
older than MARGIN, a rolled-back test) rebuilds the model from scratch.

The permission scope is applied in SQL to the best candidates only. The reason of each match is
the query words that weigh most in both texts.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.db.models import Max, Q
from django.utils import translation
from scipy import sparse

from . import segment
from .choices import CASE_KINDS, AccessLevel, ArticleStatus
from .models import Article

MIN_SCORE = 0.02
CHECK_SECONDS = 5
CANDIDATES = 200
MARGIN = timedelta(seconds=120)  # a write committed up to this long after its stamp is still seen
COMPACT_DEAD = 0.25  # rows of removed articles dropped from the matrix beyond this share


@dataclass
class SimilarCase:
    article: Article
    score: float
    terms: list[str]


def _sublinear(count: int) -> float:
    return 1.0 + math.log(count)


class CaseIndex:
    """TF-IDF of the published articles of `kinds`, updated row by row.

    `tf`: one row per article ever added since the last build (sublinear term frequencies, not
    weighted), `alive` says which rows are current (a changed article's old row is dead, its new
    row appended); `df`: per term, how many current rows have it. idf and norms are derived
    (`_derive`) after a change. `builds` and `rows_read` count the full builds and the rows read
    whole, for tests and benchmarks."""

    def __init__(self, kinds: tuple[str, ...]):
        self.kinds = kinds
        self.lock = threading.RLock()
        self.builds = 0
        self.rows_read = 0
        self.checked = -math.inf
        self._reset()

    def _reset(self) -> None:
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []
        self.df = np.zeros(0)
        self.tf = sparse.csr_matrix((0, 0))
        self.ids = np.zeros(0, dtype=np.int64)
        self.alive = np.zeros(0, dtype=bool)
        self.row_of: dict[int, int] = {}
        self.stamp_of: dict[int, object] = {}
        self.watermark = None
        self.idf = self.norms = None

    @property
    def size(self) -> int:
        return len(self.row_of)

    # --- keeping it current -------------------------------------------------------------------

    def current(self, *, force: bool = False) -> CaseIndex:
        """Apply what changed in the database since the last check (at most every CHECK_SECONDS
        unless `force`)."""
        if not force and time.monotonic() - self.checked < CHECK_SECONDS:
            return self
        with self.lock:
            self.checked = time.monotonic()
            if self.watermark is None and not self.builds:
                self.build()
            else:
                self._catch_up()
        return self

    def build(self) -> None:
        """Everything from scratch (the first use, or when the check found a difference)."""
        with self.lock:
            self._reset()
            self.builds += 1
            self.watermark = Article.objects.aggregate(t=Max("indexed_at"))["t"]
            rows = (Article.objects.filter(status=ArticleStatus.PUBLISHED, kind__in=self.kinds)
                    .order_by("pk").values_list("pk", "indexed_at", "search_tokens"))
            self._add(list(rows))
            self._derive()

    def _catch_up(self) -> None:
        watermark = self.watermark
        changed = Article.objects.all()
        if watermark is not None:
            changed = changed.filter(indexed_at__gte=watermark - MARGIN)
        else:
            changed = changed.filter(indexed_at__isnull=False)
        to_read, to_drop = [], []
        for pk, status, kind, stamp in changed.values_list("pk", "status", "kind", "indexed_at"):
            if stamp is not None and (self.watermark is None or stamp > self.watermark):
                self.watermark = stamp
            wanted = status == ArticleStatus.PUBLISHED and kind in self.kinds
            if pk in self.row_of and (not wanted or self.stamp_of[pk] != stamp):
                to_drop.append(pk)
            if wanted and (pk not in self.row_of or self.stamp_of[pk] != stamp):
                to_read.append(pk)
        for pk in to_drop:
            self._drop(pk)
        if to_read:
            self._add(list(Article.objects.filter(pk__in=to_read, status=ArticleStatus.PUBLISHED,
                                                  kind__in=self.kinds)
                           .order_by("pk").values_list("pk", "indexed_at", "search_tokens")))
        if to_read or to_drop:
            self._compact_if_needed()
            self._derive()
        published = Article.objects.filter(status=ArticleStatus.PUBLISHED, kind__in=self.kinds).count()
        if published != self.size:
            self.build()

    def _add(self, rows) -> None:
        if not rows:
            return
        data, indices, indptr = [], [], [0]
        for _pk, _stamp, tokens in rows:
            counts = Counter(tokens.split())
            for term in counts:
                if term not in self.vocab:
                    self.vocab[term] = len(self.terms)
                    self.terms.append(term)
            cols = sorted(self.vocab[t] for t in counts)
            indices += cols
            data += [_sublinear(counts[self.terms[c]]) for c in cols]
            indptr.append(len(indices))
        width = len(self.terms)
        block = sparse.csr_matrix((np.array(data, dtype=np.float64), np.array(indices, dtype=np.int32),
                                   np.array(indptr, dtype=np.int64)), shape=(len(rows), width))
        first = self.tf.shape[0]
        # the same rows, wider (no copy)
        old = sparse.csr_matrix((self.tf.data, self.tf.indices, self.tf.indptr), shape=(first, width))
        self.tf = sparse.vstack([old, block], format="csr") if first else block
        self.df = np.concatenate([self.df, np.zeros(width - len(self.df))])
        np.add.at(self.df, block.indices, 1.0)
        self.ids = np.concatenate([self.ids, np.array([pk for pk, _s, _t in rows], dtype=np.int64)])
        self.alive = np.concatenate([self.alive, np.ones(len(rows), dtype=bool)])
        for i, (pk, stamp, _t) in enumerate(rows):
            self.row_of[pk] = first + i
            self.stamp_of[pk] = stamp
        self.rows_read += len(rows)

    def _drop(self, pk: int) -> None:
        row = self.row_of.pop(pk)
        self.stamp_of.pop(pk, None)
        self.alive[row] = False
        start, end = self.tf.indptr[row], self.tf.indptr[row + 1]
        np.subtract.at(self.df, self.tf.indices[start:end], 1.0)

    def _compact_if_needed(self) -> None:
        dead = len(self.alive) - int(self.alive.sum())
        if dead <= max(100, COMPACT_DEAD * len(self.alive)):
            return
        keep = np.flatnonzero(self.alive)
        self.tf = self.tf[keep]
        self.ids = self.ids[keep]
        self.alive = np.ones(len(keep), dtype=bool)
        self.row_of = {int(pk): i for i, pk in enumerate(self.ids)}

    def _derive(self) -> None:
        """idf as scikit-learn's smooth idf, ln((1 + n) / (1 + df)) + 1, over the current rows (a
        term no current row has gets none), and each row's l2 norm under it."""
        n = self.size
        self.idf = np.where(self.df > 0, np.log((1.0 + n) / (1.0 + self.df)) + 1.0, 0.0)
        squared = self.tf.multiply(self.tf) if self.tf.nnz else self.tf
        norms = np.sqrt(np.asarray(squared @ (self.idf ** 2)).ravel()) if self.tf.shape[0] else np.zeros(0)
        norms[norms == 0] = 1.0
        self.norms = norms

    # --- asking ------------------------------------------------------------------------------------

    def query_vector(self, tokens: list[str]) -> np.ndarray | None:
        """The query's tf-idf weights (l2-normalised), dense over the vocabulary; None when no word
        of it is in a current case."""
        counts = Counter(t for t in tokens if t in self.vocab)
        q = np.zeros(len(self.terms))
        for term, count in counts.items():
            q[self.vocab[term]] = _sublinear(count) * self.idf[self.vocab[term]]
        norm = np.linalg.norm(q)
        if norm == 0:
            return None
        return q / norm

    def scores(self, q: np.ndarray) -> np.ndarray:
        """Cosine similarity of every row with the query (0 for dead rows)."""
        scores = np.asarray(self.tf @ (q * self.idf)).ravel() / self.norms
        scores[~self.alive] = 0.0
        return scores

    def snapshot(self) -> tuple:
        """The arrays a query reads (a catch-up replaces them, never changes them in place, except
        `alive` and `df`, which a query reads under the lock)."""
        return self.tf, self.idf, self.terms, self.ids


def _reasons(snapshot, row: int, q: np.ndarray, top: int = 5) -> list[str]:
    """The words that weigh most in both the query and the row (ties in word order)."""
    tf, idf, terms, _ids = snapshot
    start, end = tf.indptr[row], tf.indptr[row + 1]
    cols = tf.indices[start:end]
    weight = q[cols] * tf.data[start:end] * idf[cols]
    ranked = sorted((-w, terms[c]) for w, c in zip(weight, cols, strict=True) if w > 0)
    return [term for _w, term in ranked[:top]]


_indexes: dict[tuple[str, ...], CaseIndex] = {}
_indexes_lock = threading.Lock()


def fitted(kinds: tuple[str, ...] = CASE_KINDS) -> CaseIndex:
    """The current model of the published articles of `kinds` (the cases by default; the outline
    drafter also asks for the templates)."""
    kinds = tuple(sorted(str(k) for k in kinds))
    with _indexes_lock:
        index = _indexes.get(kinds)
        if index is None:
            index = _indexes[kinds] = CaseIndex(kinds)
    return index.current()


def corpus_changed() -> None:
    """A write changed the articles: this process catches up at its next call (the others within
    CHECK_SECONDS)."""
    for index in list(_indexes.values()):
        index.checked = -math.inf


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
    index = fitted(kinds)
    with index.lock:  # a catch-up in another thread replaces the arrays; score one consistent model
        q = index.query_vector(segment.tokenize(text))
        if q is None:
            return []
        scores = index.scores(q)
        snapshot = index.snapshot()
        ids = snapshot[3]
        candidates = np.flatnonzero(scores >= MIN_SCORE)
        # best first; ties by article id, so the answer is deterministic
        order = candidates[np.lexsort((ids[candidates], -scores[candidates]))]
    visible = Article.objects.visible_to(user).filter(status=ArticleStatus.PUBLISHED, kind__in=kinds)
    if reusable_for is not None:
        visible = visible.filter(reusable_q(reusable_for))
    if exclude_opportunity_id:
        visible = visible.exclude(opportunity_id=exclude_opportunity_id)
    # Ask the database which of the best are the user's to read, CANDIDATES at a time, best first:
    # the permission stays in SQL, and no request reads the ids of every article it may see.
    chosen: list[int] = []
    for start in range(0, len(order), CANDIDATES):
        chunk = order[start : start + CANDIDATES]
        allowed = set(visible.filter(pk__in=[int(ids[i]) for i in chunk]).values_list("pk", flat=True))
        chosen += [int(i) for i in chunk if int(ids[i]) in allowed][: limit - len(chosen)]
        if len(chosen) >= limit:
            break
    if not chosen:
        return []
    articles = (Article.objects.select_related("owner").prefetch_related("tags")
                .in_bulk([int(ids[i]) for i in chosen]))
    return [SimilarCase(articles[int(ids[i])], round(float(scores[i]), 4), _reasons(snapshot, i, q))
            for i in chosen if int(ids[i]) in articles]


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
