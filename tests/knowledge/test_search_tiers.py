"""Search requires every word of the query (each as the word itself or as all of its parts) and
falls back to any word only to fill the first page; snippets are cut from the Markdown source;
similar cases ask the database about the best candidates only. These keep search and matching
fast at 100k articles (docs/benchmarks.md) without losing what the earlier tests expect."""

import pytest
from django.db import connection
from django.urls import reverse

from presales.knowledge import segment, similar
from presales.knowledge.choices import AccessLevel
from presales.knowledge.rendering import snippet_source
from presales.knowledge.search import search
from tests.factories.poc import make_opportunity

from .conftest import make_article

pytestmark = pytest.mark.django_db


def titles(result):
    return [h.article.title for h in result.hits]


def test_the_query_is_cut_into_words_each_standing_for_its_tokens():
    groups = segment.query_groups("储能电站BMS告警")
    assert [w for w, _t in groups] == ["储能电站", "bms", "告警"]
    assert set(groups[0][1]) == {"储能", "电站", "储能电站"}
    # a lone character is left out when other words are there; kept when it is the whole query
    assert [w for w, _t in segment.query_groups("高温误报率")] == ["高温误报"]
    assert segment.query_groups("云") == [("云", ["云"])]


def test_articles_with_every_word_come_first_then_those_with_some(cast):
    both = make_article(cast, title="储能电站告警分级方案", body="储能电站的BMS告警按级别推送到值班手机。")
    parts = make_article(cast, title="储能与电站的告警联动", body="储能舱与电站监控的BMS告警联动。")
    some = make_article(cast, title="储能电站运维FAQ", body="储能电站巡检要点。")
    none = make_article(cast, title="汽车视觉检测案例", body="产线视觉检测漏检率高。")
    result = search(cast.engineer_b, "储能电站BMS告警")
    assert titles(result)[:2] == [both.title, parts.title] or titles(result)[:2] == [parts.title, both.title]
    assert titles(result)[2:] == [some.title]  # fills the first page after the articles with every word
    assert none.title not in titles(result) and result.count == 3 and not result.partial


def test_when_every_word_fills_a_page_the_others_are_not_counted(cast):
    for i in range(3):
        make_article(cast, title=f"BMS高温误报案例{i}", body="BMS高温误报处理。")
    make_article(cast, title="仅有BMS的文章", body="BMS升级。")
    result = search(cast.engineer_a, "BMS高温误报", per_page=2)
    assert result.count == 3 and len(result.hits) == 2 and not result.partial
    assert "仅有BMS的文章" not in titles(search(cast.engineer_a, "BMS高温误报", page=2, per_page=2))


def test_no_article_with_every_word_shows_those_with_some_and_says_so(client, cast):
    only_a = make_article(cast, title="双活容灾切换方案", body="数据中心双活容灾。")
    only_b = make_article(cast, title="等保三级合规清单", body="合规检查项。")
    result = search(cast.engineer_a, "合规 双活容灾")
    assert result.partial and result.count == 2 and set(titles(result)) == {only_a.title, only_b.title}
    client.force_login(cast.engineer_a)
    data = client.get(reverse("knowledge-article-search"), {"q": "合规 双活容灾"}).json()
    assert data["partial"] is True and data["count"] == 2
    page = client.get(reverse("knowledge:search"), {"q": "合规 双活容灾"}).content.decode()
    assert 'data-testid="partial"' in page and "部分词语" in page


def test_the_tiers_keep_the_permission_scope_and_the_pages(cast, secret):
    make_article(cast, title="高温误报公开案例", body="竞品的高温误报问题公开资料。")
    for name in ("engineer_b", "manager"):
        result = search(getattr(cast, name), "竞品高温误报")
        assert secret.title not in titles(result) and result.count == 1, name
    assert search(cast.engineer_a, "竞品高温误报").count == 2
    assert search(cast.engineer_a, "竞品高温误报", page=5).hits == []


def test_snippets_are_cut_from_the_markdown_source_without_markup():
    body = "## 背景\n\n夏季**储能舱**内 [高温误报](https://example.com) 频繁。\n\n| 指标 | 值 |\n|---|---|\n| 误报率 | 5% |"
    text = snippet_source(body, ["高温"])
    assert "储能舱" in text and "高温误报" in text and "#" not in text and "**" not in text
    assert "https://" not in text and "|" not in text and "---" not in text
    long = "无关内容。" * 200 + "高温误报在这里。"
    assert snippet_source(long, ["高温"]).endswith("高温误报在这里。") and len(snippet_source(long, ["高温"])) < 700


def test_similar_cases_skip_unreadable_candidates_batch_by_batch(cast, monkeypatch):
    monkeypatch.setattr(similar, "CANDIDATES", 1)
    best = make_article(cast, actor=cast.engineer_a2, title="储能BMS高温误报机密案例", industry="energy_storage",
                        body="储能BMS高温误报误报率，电池管理系统高温工况", access_level=AccessLevel.CONFIDENTIAL)
    visible = make_article(cast, title="储能电站BMS高温误报治理案例", industry="energy_storage",
                           body="储能电站电池管理系统高温误报治理。")
    opportunity = make_opportunity(cast, name="某储能电站BMS改造")
    opportunity.description = "夏季高温BMS误报多。"
    opportunity.save()
    found = [m.article for m in similar.similar_cases(opportunity, cast.engineer_a, limit=3)]
    assert found == [visible] and best not in found
    assert best in [m.article for m in similar.similar_cases(opportunity, cast.engineer_a2, limit=3)]


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL storage of the search vector")
def test_the_search_vector_stays_in_the_row():
    with connection.cursor() as cursor:
        cursor.execute("SELECT attstorage FROM pg_attribute WHERE attrelid = 'knowledge_article'::regclass "
                       "AND attname = 'search_vector'")
        assert cursor.fetchone()[0] == "m"


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL settings and indexes")
def test_connections_run_without_jit_and_search_reads_the_published_only_index():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SELECT indexdef FROM pg_indexes "
                       "WHERE tablename = 'knowledge_article' AND indexdef LIKE '%USING gin%'")
        predicates = [row[0].split(" WHERE ")[-1] for row in cursor.fetchall()]
        assert predicates == ["((status)::text = 'published'::text)"]
