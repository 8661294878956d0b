"""Chinese word segmentation for the knowledge base: one jieba tokenizer per process, its cache
file in settings.DATA_DIR, and a user dictionary of product and industry terms kept as data (the
file `data/terms.txt` shipped with the app plus the `SegmentTerm` rows edited in the admin).

The same `tokenize()` feeds the index (when an article is saved) and the query (when somebody
searches), so both sides always agree on what a word is. Search mode (`cut_for_search`) emits the
sub-words of long words too (电池管理系统 → 电池, 管理, 系统, 电池管理系统), so a query for a part
of a compound finds it.

Dictionary changes made in the admin reach the admin's process at once and the others within
CHECK_SECONDS (a version kept in the shared cache; no database query on the request path); indexed
articles keep their old tokens until `presales knowledge_reindex`.
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
# Words too common to say anything about an article (kept short on purpose: a query of one of
# these alone still finds nothing rather than everything).
STOPWORDS = frozenset(
    "的 了 和 与 及 或 等 在 是 对 为 把 被 将 就 也 都 而 并 其 之 于 以 由 中 下 上 个 这 那 有 我们 他们 "
    "一个 进行 通过 a an and the of to in for on is are with".split()
)
_WORD = re.compile(r"\w", re.UNICODE)

VERSION_KEY = "knowledge:segment-terms-version"
CHECK_SECONDS = 5

_lock = threading.Lock()
_tokenizer = None
_added: set[str] = set()
_applied_version = None
_checked_at = 0.0


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


def _db_terms() -> list[tuple[str, int | None, str | None]]:
    """The admin-edited terms (none before the table exists: first migrate, a fresh database)."""
    from django.db import DatabaseError

    from .models import SegmentTerm

    try:
        return [(t.word, t.frequency, t.tag or None)
                for t in SegmentTerm.objects.filter(active=True).only("word", "frequency", "tag")]
    except DatabaseError:
        return []


def _shared_version():
    """The dictionary's version as the shared cache knows it (None if unknown or the cache is down:
    then this process keeps what it has)."""
    from django.core.cache import cache

    try:
        return cache.get(VERSION_KEY)
    except Exception:  # noqa: BLE001 - the cache is an optimisation
        return None


def _apply(tokenizer, terms) -> None:
    global _added
    wanted = {word for word, _f, _t in terms}
    for word in _added - wanted:
        tokenizer.del_word(word)
    for word, freq, tag in terms:
        tokenizer.add_word(word, freq, tag)
    _added = wanted


def reload_terms() -> None:
    """Apply the dictionary file and the admin's terms to this process's tokenizer."""
    global _applied_version, _checked_at
    tokenizer = get_tokenizer(check=False)
    with _lock:
        _apply(tokenizer, [*file_terms(), *_db_terms()])
        _applied_version = _shared_version()
        _checked_at = time.monotonic()


def terms_changed() -> None:
    """Called after the admin's terms changed: this process reloads now, the others at their next
    check (they compare the version kept in the shared cache, at most every CHECK_SECONDS)."""
    import uuid

    from django.core.cache import cache

    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001 - without a cache, other processes pick it up on restart
        pass
    reload_terms()


def get_tokenizer(check: bool = True):
    """The process's tokenizer, loaded on first use (about a second) with the file's and the
    admin's terms."""
    global _tokenizer, _checked_at
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                tokenizer = _new_tokenizer()
                _apply(tokenizer, [*file_terms(), *_db_terms()])
                _tokenizer = tokenizer
    if check and time.monotonic() - _checked_at > CHECK_SECONDS:
        _checked_at = time.monotonic()
        version = _shared_version()
        if version is not None and version != _applied_version:
            reload_terms()
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


def _is_single_han(word: str) -> bool:
    return len(word) == 1 and "\u4e00" <= word <= "\u9fff"


def query_groups(query: str) -> list[tuple[str, list[str]]]:
    """The query's words, each with the index tokens that stand for it: the query cut in precise
    mode (储能电站BMS告警 → 储能电站 / bms / 告警), each word expanded like the index expands text
    (储能电站 → 储能, 电站, 储能电站): [(word, tokens), …]. A lone Chinese character (率, 云) is
    left out when the query has other words: alone it would match most of the corpus and say
    nothing. See search.matching for how the groups are matched."""
    if not query:
        return []
    groups: list[tuple[str, list[str]]] = []
    seen: set[tuple[str, ...]] = set()
    for word in get_tokenizer().cut(query):
        tokens = list(dict.fromkeys(tokenize(word)))
        key = tuple(tokens)
        if tokens and key not in seen:
            seen.add(key)
            groups.append((word.strip().lower(), tokens))
    if len(groups) > 1:
        kept = [g for g in groups if not (len(g[1]) == 1 and _is_single_han(g[1][0]))]
        groups = kept or groups
    return groups
