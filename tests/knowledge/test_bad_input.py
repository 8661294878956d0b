"""Bad input to the knowledge base gets a clear, field-level, translated error and changes
nothing: queries with nothing to search, unknown filter values on the list (page and API), and
malformed articles on update (page, API and service)."""

import json

import pytest
from django.urls import reverse

from presales.core.errors import DomainError
from presales.knowledge import services
from presales.knowledge.models import Article, ArticleEvent, Tag
from tests.kit import snapshot

pytestmark = pytest.mark.django_db

MODELS = (Article, ArticleEvent, Tag)


@pytest.mark.parametrize("q", ["的", "！！！", "的 和 了", "   ", "\x00高温", "高" * 10_000])
def test_a_query_with_nothing_to_search_is_refused_with_the_reason(client, cast, article, q):
    client.force_login(cast.engineer_a)
    api = client.get(reverse("knowledge-article-search"), {"q": q}, HTTP_ACCEPT="application/json")
    assert api.status_code == 400 and list(api.json()) == ["q"]
    page = client.get(reverse("knowledge:search"), {"q": q}).content.decode()
    assert 'data-field-error="q"' in page
    found = client.get(reverse("knowledge:global_search"), {"q": q}).content.decode()
    assert 'data-field-error="q"' in found


def test_the_reason_names_what_is_wrong(client, cast):
    client.force_login(cast.engineer_a)
    errors = client.get(reverse("knowledge-article-search"), {"q": "的"}).json()["q"]
    assert "的" in errors[0] and "词" in errors[0]
    errors = client.get(reverse("knowledge-article-search"), {"q": "高" * 10_000}).json()["q"]
    assert "200" in errors[0]


@pytest.mark.parametrize(
    "params, field",
    [({"kind": "novel"}, "kind"), ({"industry": "mining"}, "industry"), ({"status": "lost"}, "status"),
     ({"access_level": "secret"}, "access_level")],
)
def test_unknown_filter_values_on_the_list_are_field_errors(client, cast, article, params, field):
    client.force_login(cast.engineer_a)
    api = client.get(reverse("knowledge-article-list"), params, HTTP_ACCEPT="application/json")
    assert api.status_code == 400 and field in api.json()
    page = client.get(reverse("knowledge:list"), params)
    body = page.content.decode()
    assert page.status_code == 200 and f'data-field-error="{field}"' in body
    assert article.title not in body  # nothing listed under a filter that could not be read


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"kind": "blog"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"title": ["一个", "列表"]}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 100_001}, "body"),
        ({"industry": "mining"}, "industry"),
        ({"access_level": "secret"}, "access_level"),
        ({"tags": "不是列表"}, "tags"),
        ({"tags": [f"t{i}" for i in range(13)]}, "tags"),
        ({"opportunity": 999999}, "opportunity"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_malformed_update_is_refused_by_field_and_changes_nothing(client, cast, article, bad, field):
    client.force_login(cast.engineer_a)
    before = snapshot(*MODELS)
    response = client.patch(reverse("knowledge-article-detail", args=[article.pk]), json.dumps(bad),
                            content_type="application/json", HTTP_IF_MATCH=f'"{article.version}"')
    assert response.status_code == 400, response.content
    payload = response.json()
    assert field in payload.get("errors", payload)
    assert snapshot(*MODELS) == before


def test_the_edit_page_refuses_malformed_articles(client, cast, article):
    client.force_login(cast.engineer_a)
    url = reverse("knowledge:edit", args=[article.pk])
    good = {"kind": article.kind, "title": article.title, "body": article.body, "industry": article.industry,
            "access_level": article.access_level, "tags": "bms", "version": article.version}
    for bad, field in [({"title": ""}, "title"), ({"title": "长" * 201}, "title"), ({"kind": "blog"}, "kind"),
                       ({"body": "x" * 100_001}, "body"), ({"industry": "mining"}, "industry"),
                       ({"product_line": "p" * 101}, "product_line")]:
        before = snapshot(*MODELS)
        body = client.post(url, {**good, **bad}).content.decode()
        assert f'data-field-error="{field}"' in body, field
        assert snapshot(*MODELS) == before


def test_the_service_checks_lengths_and_choices_itself(cast, article):
    before = snapshot(*MODELS)
    for changes, field in [({"title": "长" * 201}, "title"), ({"product_line": "p" * 101}, "product_line"),
                           ({"industry": "mining"}, "industry")]:
        with pytest.raises(DomainError) as refused:
            services.article_update(actor=cast.engineer_a, article=article, expected_version=article.version,
                                    **changes)
        assert field in refused.value.errors
    with pytest.raises(DomainError) as refused:
        services.article_create(actor=cast.engineer_a, kind="faq", title="t", body="b", industry="mining")
    assert "industry" in refused.value.errors
    assert snapshot(*MODELS) == before
