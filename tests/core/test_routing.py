"""core.routing.IndexedResolver resolves every path exactly as Django's URLResolver over the same
patterns: the API router's own patterns, with paths made from each of them and near misses."""

import itertools
import re

import pytest
from django.urls import Resolver404, re_path
from django.urls.resolvers import RegexPattern, RoutePattern, URLResolver

from presales.core.api_urls import router
from presales.core.routing import IndexedResolver, leading_word


def view(request, **kwargs):  # pragma: no cover - never called, only resolved
    raise AssertionError


def outcome(resolver, path):
    try:
        m = resolver.resolve(path)
    except Resolver404:
        return "404"
    return (m.func, m.args, m.kwargs, m.url_name, m.route, m.app_names, m.namespaces, m.captured_kwargs,
            m.extra_kwargs)


def example_paths(patterns):
    """Paths built from each pattern's regex: its groups filled with sample values, and near misses
    (a letter more or less, another case, a suffix, a stray character)."""
    samples = ["5", "json", "abc", "12-x"]
    for p in patterns:
        regex = p.pattern.regex.pattern.lstrip("^").rstrip("$")
        for sample in samples:
            text = re.sub(r"\(\?P<\w+>[^)]*\)", sample, regex)
            text = text.replace("\\.", ".").replace("/?", "/")
            yield text
            yield text[:-1]
            yield text + "x"
            yield text + "/"
            yield text.upper()
            yield "x" + text
            word = re.match(r"[A-Za-z0-9_-]*", text).group()
            if word:
                yield word[:-1] + text[len(word):]
                yield word + "s" + text[len(word):]
                yield word + "~" + text[len(word):]
    yield from ["", "/", ".json", "售前/", "pocs", "pocs.", "pocs.json", "pocs/5/x/", "%20pocs/", "-/"]


def test_every_router_path_resolves_as_django_resolves_it():
    patterns = router.urls
    indexed = IndexedResolver(RoutePattern(""), patterns)
    plain = URLResolver(RoutePattern(""), patterns)
    paths = set(example_paths(patterns))
    assert len(paths) > 1000
    resolved = 0
    for path in sorted(paths):
        expected = outcome(plain, path)
        assert outcome(indexed, path) == expected, path
        resolved += expected != "404"
    assert resolved > 300  # the examples reach most views, not only 404s


def test_the_full_api_prefix_resolves_as_before(client):
    """Through the site's URLconf (api/ + the indexed router): names, kwargs and routes."""
    from django.urls import resolve

    m = resolve("/api/pocs/12/")
    assert (m.url_name, m.kwargs, m.route) == ("poc-detail", {"pk": "12"}, "api/pocs/(?P<pk>[^/.]+)/$")
    assert resolve("/api/pocs.json").kwargs == {"format": "json"}
    assert resolve("/api/").url_name == "api-root"
    with pytest.raises(Resolver404):
        resolve("/api/no-such-thing/")


@pytest.mark.parametrize(("pattern", "expected"), [
    (RoutePattern("pocs/"), ("pocs", True)),
    (RoutePattern("pocs/<int:pk>/"), ("pocs", True)),
    (RoutePattern("pocs", is_endpoint=True), ("pocs", True)),
    (RoutePattern("pocs", is_endpoint=False), ("pocs", False)),  # an include's prefix: "pocsx/..." too
    (RoutePattern("poc-<int:pk>/"), ("poc-", False)),
    (RoutePattern(""), None),
    (RoutePattern("<int:pk>/"), None),
    (RegexPattern(r"^pocs/$"), ("pocs", True)),
    (RegexPattern(r"^pocs\.(?P<format>[a-z0-9]+)/?$"), ("pocs", True)),
    (RegexPattern(r"^pocs$"), ("pocs", True)),
    (RegexPattern(r"^pocs?/$"), ("poc", False)),
    (RegexPattern(r"^pocs*/$"), ("poc", False)),
    (RegexPattern(r"^pocs{2}/$"), ("poc", False)),
    (RegexPattern(r"^poc(?P<pk>\d+)/$"), ("poc", False)),
    (RegexPattern(r"^poc[s]/$"), ("poc", False)),
    (RegexPattern(r"pocs/$"), None),  # no ^: searched anywhere
    (RegexPattern(r"(?i)^pocs/$"), None),
    (RegexPattern(r"^$"), None),
])
def test_leading_word(pattern, expected):
    assert leading_word(pattern) == expected


def test_hand_made_patterns_with_every_kind_of_start():
    patterns = [
        re_path(r"^pocs?/$", view, name="optional-s"),
        re_path(r"^poc(?P<pk>\d+)/$", view, name="glued-number"),
        re_path(r"items/$", view, name="anywhere"),
        re_path(r"(?i)^CASE/$", view, name="any-case"),
        re_path(r"^pocs/(?P<pk>\d+)/$", view, name="detail"),
        re_path(r"^pocs\.(?P<format>[a-z]+)$", view, name="format"),
        re_path(r"^$", view, name="root"),
        re_path(r"^[a-z]+-list/$", view, name="class-start"),
    ]
    indexed = IndexedResolver(RoutePattern(""), patterns)
    plain = URLResolver(RoutePattern(""), patterns)
    words = ["", "poc", "pocs", "pocss", "poc12", "items", "xitems", "case", "CASE", "a-list", "poc-list", "售"]
    tails = ["", "/", "/7/", ".json", "x/"]
    for word, tail in itertools.product(words, tails):
        path = word + tail
        assert outcome(indexed, path) == outcome(plain, path), path


def test_unknown_words_do_not_grow_the_cache_forever():
    indexed = IndexedResolver(RoutePattern(""), router.urls)
    for n in range(3000):
        with pytest.raises(Resolver404):
            indexed.resolve(f"nothing{n}/")
    assert len(indexed._by_word) <= 1024
    assert len(indexed._narrowed) <= len(router.urls) + 1
