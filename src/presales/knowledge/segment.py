"""Chinese word segmentation for the knowledge base: one jieba tokenizer per process, its cache
file in settings.DATA_DIR, and a user dictionary of product and industry terms kept as data (the
file `data/terms.txt` shipped with the app plus the `SegmentTerm` rows edited in the admin).

The same `tokenize()` feeds the index (when an article is saved) and the query (when somebody
searches), so both sides always agree on what a word is. Search mode (`cut_for_search`) emits the
sub-words of long words too (电池管理系统 → 电池, 管理, 系统, 电池管理系统), so a query for a part
of a compound finds it.

Dictionary changes reach a running process at most `RELOAD_SECONDS` later (the admin reloads its
own process at once); indexed articles keep their old tokens until `presales knowledge_reindex`.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

TERMS_FILE = Path(__file__).with_name("data") / "terms.txt"
RELOAD_SECONDS = 60
# Words too common to say anything about an article (kept short on purpose: a query of one of
# these alone still finds nothing rather than everything).
STOPWORDS = frozenset(
    "的 了 和 与 及 或 等 在 是 对 为 把 被 将 就 也 都 而 并 其 之 于 以 由 中 下 上 个 这 那 有 我们 他们 "
    "一个 进行 通过 a an and the of to in for on is are with".split()
)
_WORD = re.compile(r"\w", re.UNICODE)

_lock = threading.Lock()
_tokenizer = None
_added: set[str] = set()
_checked_at = 0.0
_signature: tuple | None = None


def _new_tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(settings.DATA_DIR)
    tokenizer.cache_file = "jieba.knowledge.cache"
    tokenizer.initialize()
    return tokenizer


def file_terms() -> list[tuple[str, int | None, str | None]]:
    """The terms of the shipped dictionary file: (word, frequency or None, tag or None)."""
    terms = []
    for line in TERMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else None
        terms.append((parts[0], freq, tag))
    return terms


def _db_terms() -> tuple[tuple, list[tuple[str, int | None, str | None]]]:
    """The admin-edited terms and a signature that changes whenever they change."""
    from django.db import DatabaseError
    from django.db.models import Count, Max

    from .models import SegmentTerm

    try:
        active = SegmentTerm.objects.filter(active=True)
        agg = SegmentTerm.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
        signature = (agg["n"], agg["last"])
        rows = [(t.word, t.frequency, t.tag or None) for t in active.only("word", "frequency", "tag")]
    except DatabaseError:  # table not migrated yet (first migrate, a fresh test database)
        return (None,), []
    return signature, rows


def _apply(tokenizer, terms) -> None:
    global _added
    wanted = {word for word, _f, _t in terms}
    for word in _added - wanted:
        tokenizer.del_word(word)
    for word, freq, tag in terms:
        tokenizer.add_word(word, freq, tag)
    _added = wanted


def reload_terms(force: bool = True) -> None:
    """Apply the dictionary file and the admin's terms to this process's tokenizer."""
    global _checked_at, _signature
    tokenizer = get_tokenizer(check=False)
    with _lock:
        signature, rows = _db_terms()
        if not force and signature == _signature:
            _checked_at = time.monotonic()
            return
        _apply(tokenizer, [*file_terms(), *rows])
        _signature = signature
        _checked_at = time.monotonic()


def get_tokenizer(check: bool = True):
    """The process's tokenizer (loaded on first use, about a second), its dictionary current to
    within RELOAD_SECONDS."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                tokenizer = _new_tokenizer()
                _apply(tokenizer, file_terms())
                _tokenizer = tokenizer
    if check and time.monotonic() - _checked_at > RELOAD_SECONDS:
        reload_terms(force=False)
    return _tokenizer


def tokenize(text: str) -> list[str]:
    """The words of `text`, lower-cased, in order, sub-words included; punctuation, spaces and
    stop words dropped. Used for indexing and for queries alike."""
    if not text:
        return []
    tokens = []
    for token in get_tokenizer().cut_for_search(text):
        token = token.strip().lower()
        if token and token not in STOPWORDS and _WORD.search(token):
            tokens.append(token)
    return tokens


def segmented(text: str) -> str:
    """`tokenize(text)` joined by spaces: the form stored in the index."""
    return " ".join(tokenize(text))


def query_terms(query: str) -> list[str]:
    """The distinct tokens of a query, in order."""
    return list(dict.fromkeys(tokenize(query)))
