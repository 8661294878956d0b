"""URL resolution that tries only the patterns a path can match (issue 15).

The API's router lists a few hundred patterns in one flat list (each viewset's list, detail and
actions, each with its `.json` twin): Django tries them in order, so a request for `/api/pocs/`
ran about a hundred regular expressions and collected as many failures before it found its view
(about 65 µs of every API request).

`IndexedResolver` is Django's `URLResolver` over the same patterns, in the same order, that first
narrows them by the path's leading word — the run of letters, digits, `_` and `-` before the first
other character. A pattern whose own text starts with a fixed word (`pocs/`, `^pocs\\.`) can only
match paths that start with that word; the others (no fixed start, a regular expression without
`^`) are always tried. Among the patterns left, Django's own `resolve` runs: the same match, the
same arguments and names; only the `tried` list of a 404 names fewer patterns. Reversing is
Django's over the whole list.
"""

from __future__ import annotations

import re
import threading

from django.urls.resolvers import RegexPattern, RoutePattern, URLResolver

_WORD = re.compile(r"[A-Za-z0-9_-]*")
_QUANTIFIERS = frozenset("?*+{")
_WORDS_KEPT = 1024


def leading_word(pattern) -> tuple[str, bool] | None:
    """(word, complete) for a pattern whose text starts with a fixed word: `complete` when the word
    must be followed by `/`, `.` or the end (a path then starts with exactly that word), else the
    path's word only starts with it. None: no fixed start (always a candidate)."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern._route)
        word = _WORD.match(route).group()
        rest = route[len(word):]
        if not word:
            return None
        complete = rest[:1] in ("/", ".") or (rest == "" and pattern._is_endpoint)
        return word, complete
    if isinstance(pattern, RegexPattern):
        regex = str(pattern._regex)
        if not regex.startswith("^"):
            return None  # searched anywhere in the path
        regex = regex[1:]
        word = _WORD.match(regex).group()
        rest = regex[len(word):]
        if rest[:1] in _QUANTIFIERS:  # "pocs?/": the last letter is optional
            word, rest = word[:-1], "?"
        if not word:
            return None
        complete = rest[:1] in ("/", "$") or rest.startswith("\\.")
        return word, complete
    return None


class IndexedResolver(URLResolver):
    """`IndexedResolver(RoutePattern(""), patterns)` resolves as `path("", include(patterns))`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._narrowed: dict = {}  # the set of fixed words a path's word satisfies -> resolver
        self._by_word: dict = {}  # a path's word -> the same resolver
        self._index_lock = threading.Lock()

    def _index(self):
        index = self.__dict__.get("_word_index")
        if index is None:
            index = [(leading_word(p.pattern), p) for p in self.url_patterns]
            self.__dict__["_word_index"] = index
        return index

    def _narrow(self, word: str) -> URLResolver:
        narrowed = self._by_word.get(word)
        if narrowed is None:
            narrowed = self._narrow_uncached(word)
            if len(self._by_word) < _WORDS_KEPT:  # arbitrary 404 paths must not grow it forever
                self._by_word[word] = narrowed
        return narrowed

    def _narrow_uncached(self, word: str) -> URLResolver:
        index = self._index()
        # The key: which fixed words this path's word satisfies (bounded by the patterns' words).
        key = frozenset(lw for lw, _p in index
                        if lw is not None and (word == lw[0] if lw[1] else word.startswith(lw[0])))
        narrowed = self._narrowed.get(key)
        if narrowed is None:
            patterns = [p for lw, p in index
                        if lw is None or (word == lw[0] if lw[1] else word.startswith(lw[0]))]
            narrowed = URLResolver(self.pattern, patterns, self.default_kwargs, self.app_name, self.namespace)
            with self._index_lock:
                self._narrowed[key] = narrowed
        return narrowed

    def resolve(self, path):
        path = str(path)
        match = self.pattern.match(path)
        if not match:
            return super().resolve(path)  # raises Django's own Resolver404
        new_path = match[0]
        return self._narrow(_WORD.match(new_path).group()).resolve(path)
