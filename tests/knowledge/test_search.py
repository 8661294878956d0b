"""Full-text search: Chinese segmentation, ranking, permission scope in SQL, filters, bad input,
constant query counts — the same on SQLite (FTS5) and PostgreSQL (tsvector)."""

import pytest
from django.urls import reverse

from presales.knowledge import search as search_module
from presales.knowledge import segment, services
from presales.knowledge.choices import ArticleKind
from presales.knowledge.search import global_search, search
from tests.kit import assert_constant_queries, check_access

from .conftest import make_article

pytestmark = pytest.mark.django_db


def titles(result):
    return [h.article.title for h in result.hits]


def test_tokenize_segments_chinese_and_drops_noise():
    tokens = segment.tokenize("高温误报率的排查，BMS-3000！")
    assert "高温" in tokens and "误报" in tokens and "bms" in tokens and "3000" in tokens
    assert "的" not in tokens and "，" not in tokens and "！" not in tokens
    assert segment.tokenize("") == []


def test_user_dictionary_file_terms_are_kept_whole():
    assert "电池管理系统" in segment.tokenize("电池管理系统升级")
    assert ("高温误报", 20, "n") in segment.file_terms()


def test_admin_terms_reach_the_tokenizer(db):
    from presales.knowledge.models import SegmentTerm

    assert "锂矿云图" not in segment.tokenize("锂矿云图平台")
    SegmentTerm.objects.create(word="锂矿云图", frequency=50)
    segment.reload_terms()
    assert "锂矿云图" in segment.tokenize("锂矿云图平台")
    SegmentTerm.objects.all().delete()
    segment.reload_terms()
    assert "锂矿云图" not in segment.tokenize("锂矿云图平台")


def test_query_high_temperature_false_alarm_rate_finds_the_article(cast, article):
    result = search(cast.engineer_b, "高温误报率")
    assert titles(result) == ["储能电站BMS高温误报排查案例"]
    assert result.count == 1
    assert "<mark>高温误报</mark>" in result.hits[0].snippet


def test_ranking_order_on_a_fixed_corpus(cast):
    make_article(cast, title="工业视觉缺陷检测方案", body="产线视觉检测，漏检率与误检率。", kind=ArticleKind.TEMPLATE)
    make_article(cast, title="储能项目交付总结", body="项目中一次出现高温告警，已处理。")
    make_article(cast, title="BMS高温误报专题", body="高温误报的成因、高温误报的排查与高温误报率统计。")
    make_article(cast, title="储能电站运维FAQ", body="储能电站高温季节巡检要点，以及误报如何确认。", kind=ArticleKind.FAQ)
    result = search(cast.engineer_a, "高温误报")
    assert titles(result) == ["BMS高温误报专题", "储能电站运维FAQ", "储能项目交付总结"]
    assert result.count == 3
    assert [h.rank for h in result.hits] == sorted([h.rank for h in result.hits], reverse=True)


def test_confidential_article_never_found_nor_counted_outside(cast, article, secret):
    for name in ("engineer_b", "nobody", "engineer_a2", "sales_a", "manager"):
        result = search(getattr(cast, name), "高温误报")
        assert secret.title not in titles(result), name
        assert result.count == 1, name
    for name in ("engineer_a", "lead_a"):
        result = search(getattr(cast, name), "高温误报")
        assert result.count == 2 and secret.title in titles(result), name
    found = global_search(cast.engineer_b, "高温误报")
    assert found["articles"].count == 1


def test_drafts_and_retired_are_not_searched(cast, article, draft):
    assert search(cast.manager, "草稿").count == 0
    services.article_retire(actor=cast.engineer_a, article=article, reason="过时")
    assert search(cast.engineer_a, "高温误报").count == 0


def test_filters(cast, article):
    other = make_article(cast, title="高温误报FAQ", body="高温误报常见问题", kind=ArticleKind.FAQ, industry="power",
                         tags=["faq"])
    assert titles(search(cast.engineer_a, "高温误报", {"kind": ArticleKind.FAQ})) == [other.title]
    assert titles(search(cast.engineer_a, "高温误报", {"industry": "energy_storage"})) == [article.title]
    assert titles(search(cast.engineer_a, "高温误报", {"tag": "bms"})) == [article.title]
    today = article.published_at.date()
    assert search(cast.engineer_a, "高温误报", {"published_from": today}).count == 2
    from datetime import timedelta

    assert search(cast.engineer_a, "高温误报", {"published_to": today - timedelta(days=1)}).count == 0


def test_edits_reindex_in_the_same_transaction(cast, article):
    services.article_update(actor=cast.engineer_a, article=article, expected_version=article.version,
                            body="改为介绍热失控预警。")
    assert search(cast.engineer_a, "热失控预警").count == 1
    assert search(cast.engineer_a, "回差").count == 0


def test_search_page_and_api_access(client, cast, article):
    check_access(client, cast, reverse("knowledge:search") + "?q=高温误报", permitted=list(cast.users()))
    check_access(client, cast, reverse("knowledge-article-search") + "?q=高温误报", permitted=list(cast.users()),
                 api=True)
    check_access(client, cast, reverse("knowledge:global_search") + "?q=高温", permitted=list(cast.users()))
    client.force_login(cast.engineer_b)
    body = client.get(reverse("knowledge:search"), {"q": "高温误报率"}).content.decode()
    assert article.title in body and "<mark>" in body
    data = client.get(reverse("knowledge-article-search"), {"q": "高温误报率"}).json()
    assert data["count"] == 1 and data["results"][0]["id"] == article.pk and data["terms"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"q": ""}, "q"),
        ({"q": "高" * 201}, "q"),
        ({"q": "高" * 10_000}, "q"),
        ({"q": "高温", "kind": "novel"}, "kind"),
        ({"q": "高温", "industry": "mining"}, "industry"),
        ({"q": "高温", "tag": "no-such-tag"}, "tag"),
        ({"q": "高温", "published_from": "2026-13-01"}, "published_from"),
        ({"q": "高温", "published_from": "2026-05-02", "published_to": "2026-05-01"}, "published_to"),
        ({"q": "高温", "colour": "red"}, "colour"),
    ],
)
def test_bad_search_input_is_refused_by_field(client, cast, article, params, field):
    client.force_login(cast.engineer_a)
    response = client.get(reverse("knowledge-article-search"), params, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert field in response.json()
    if field != "colour":
        page = client.get(reverse("knowledge:search"), params)
        assert page.status_code == 200 and f'data-field-error="{field}"' in page.content.decode()


def test_global_search_refuses_empty_and_long_queries(client, cast):
    client.force_login(cast.engineer_a)
    for q in ("", "x" * 201):
        body = client.get(reverse("knowledge:global_search"), {"q": q}).content.decode()
        assert 'data-field-error="q"' in body


def test_global_search_covers_other_records_through_their_scopes(client, cast, article):
    from tests.factories.poc import make_opportunity

    mine = make_opportunity(cast, name="高温储能BMS改造项目")
    hidden = make_opportunity(cast, name="高温储能隔壁项目", lead=cast.engineer_b, team=cast.team_b, confidential=True,
                              sales=cast.engineer_b)
    found = global_search(cast.engineer_a, "高温储能")
    opportunities = next(s for s in found["sections"] if s.key == "opportunities")
    assert mine in opportunities.items and hidden not in opportunities.items and opportunities.count == 1
    customers = next(s for s in found["sections"] if s.key == "customers")
    assert customers.count == 0
    client.force_login(cast.engineer_a)
    body = client.get(reverse("knowledge:global_search"), {"q": "高温储能"}).content.decode()
    assert mine.name in body and hidden.name not in body


def test_search_queries_do_not_grow(client, cast, article):
    client.force_login(cast.engineer_b)

    def grow():
        for i in range(6):
            make_article(cast, title=f"高温误报案例{i}", body="高温误报处理", tags=[f"t{i}", "bms"])

    assert_constant_queries(client, reverse("knowledge:search") + "?q=高温误报", grow, at_most=20)
    assert_constant_queries(client, reverse("knowledge-article-search") + "?q=高温误报", grow, api=True, at_most=20)
    assert_constant_queries(client, reverse("knowledge:global_search") + "?q=高温误报", grow, at_most=30)


def test_max_query_is_business_limit():
    assert search_module.MAX_QUERY == 200


def test_search_api_hits_carry_their_tags_in_alphabetical_order(client, cast):
    tagged = make_article(cast, title="高温误报处置FAQ", body="高温误报处理步骤", tags=["zeta", "bms", "alpha"])
    untagged = make_article(cast, title="高温误报复盘", body="高温误报复盘记录")
    client.force_login(cast.engineer_b)
    results = client.get(reverse("knowledge-article-search"), {"q": "高温误报"}).json()["results"]
    by_id = {r["id"]: r["tags"] for r in results}
    assert by_id[tagged.pk] == ["alpha", "bms", "zeta"]
    assert by_id[untagged.pk] == []
