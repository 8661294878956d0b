"""Knowledge pages: who sees and does what (kit.check_access), forms, versions, query counts."""

import pytest
from django.urls import reverse

from presales.knowledge import services
from presales.knowledge.choices import AccessLevel, ArticleKind, ArticleStatus
from presales.knowledge.models import Article, ArticleEvent, Citation
from tests.kit import assert_constant_queries, assert_refused, check_access

from .conftest import make_article

pytestmark = pytest.mark.django_db
EVERYONE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]


def test_list_shows_what_each_one_may_read(client, cast, article, draft, secret):
    check_access(client, cast, reverse("knowledge:list"), permitted=EVERYONE)
    client.force_login(cast.engineer_b)
    body = client.get(reverse("knowledge:list")).content.decode()
    assert article.title in body and draft.title not in body and secret.title not in body
    client.force_login(cast.engineer_a2)
    body = client.get(reverse("knowledge:list")).content.decode()
    assert draft.title in body and secret.title not in body  # same team sees the draft, not the confidential one
    client.force_login(cast.engineer_a)
    assert client.get(reverse("knowledge:list"), {"kind": "nonsense"}).status_code == 200


def test_detail_access_by_level(client, cast, article, draft, secret):
    check_access(client, cast, article.get_absolute_url(), permitted=EVERYONE)
    check_access(client, cast, draft.get_absolute_url(), permitted=["manager", "lead_a", "engineer_a", "engineer_a2",
                                                                       "sales_a"], hidden=["engineer_b", "nobody"])
    check_access(client, cast, secret.get_absolute_url(), permitted=["lead_a", "engineer_a"],
                 hidden=["manager", "engineer_a2", "sales_a", "engineer_b", "nobody"])
    check_access(client, cast, reverse("core:history", args=["knowledge.article", secret.pk]),
                 permitted=["lead_a", "engineer_a"], hidden=["manager", "engineer_b"])


def test_markdown_is_rendered_and_sanitised(client, cast):
    a = make_article(cast, body="# 标题\n\n<script>alert(1)</script>\n\n[链接](javascript:evil) **粗体** <b onclick=x>b</b>"
                                "\n\n[官网](https://example.com)")
    client.force_login(cast.engineer_b)
    body = client.get(a.get_absolute_url()).content.decode()
    assert "<h1>标题</h1>" in body and "<strong>粗体</strong>" in body
    assert "<script>alert(1)" not in body and 'href="javascript' not in body and "<b onclick" not in body
    assert "&lt;script&gt;" in body  # typed HTML stays visible as text
    assert 'href="https://example.com"' in body and 'rel="noopener noreferrer nofollow"' in body


def test_create_page(client, cast):
    url = reverse("knowledge:create")
    check_access(client, cast, url, permitted=["manager", "lead_a", "engineer_a", "sales_a", "engineer_b"],
                 forbidden=["nobody"])
    client.force_login(cast.engineer_a)
    response = client.post(url, {"kind": ArticleKind.FAQ, "title": "BMS告警FAQ", "body": "常见告警说明",
                                 "industry": "energy_storage", "tags": "BMS，告警 储能", "access_level": AccessLevel.TEAM})
    article = Article.objects.get(title="BMS告警FAQ")
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert [t.name for t in article.tags.order_by("pk")] == ["bms", "告警", "储能"]
    assert article.status == ArticleStatus.DRAFT and article.owner == cast.engineer_a and article.team == cast.team_a
    assert ArticleEvent.objects.filter(article=article, action="created").exists()
    assert article.search_tokens


def test_create_refuses_bad_input(client, cast):
    from tests.factories.poc import make_opportunity

    hidden = make_opportunity(cast, lead=cast.engineer_b, team=cast.team_b, sales=cast.engineer_b, confidential=True)
    client.force_login(cast.engineer_a)
    url = reverse("knowledge:create")
    good = {"kind": ArticleKind.FAQ, "title": "t", "body": "b", "access_level": "public"}
    assert_refused(client, url, {**good, "title": ""}, fields=["title"], models=[Article])
    assert_refused(client, url, {**good, "body": ""}, fields=["body"], models=[Article])
    assert_refused(client, url, {**good, "kind": "blog"}, fields=["kind"], models=[Article])
    assert_refused(client, url, {**good, "access_level": "secret"}, fields=["access_level"], models=[Article])
    assert_refused(client, url, {**good, "opportunity": hidden.pk}, fields=["opportunity"], models=[Article])
    assert_refused(client, url, {**good, "tags": ",".join(f"t{i}" for i in range(13))}, fields=["tags"],
                   models=[Article])


def test_edit_page_and_stale_version(client, cast, article):
    url = reverse("knowledge:edit", args=[article.pk])
    check_access(client, cast, url, permitted=["manager", "lead_a", "engineer_a"],
                 forbidden=["engineer_a2", "sales_a", "engineer_b", "nobody"])
    client.force_login(cast.engineer_a)
    data = {"kind": article.kind, "title": "新标题", "body": article.body, "industry": "energy_storage",
            "tags": "bms", "access_level": "public", "version": article.version}
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.title == "新标题" and article.version == 3  # created 1, published 2, edited 3
    assert article.history.count() >= 3
    stale = client.post(url, {**data, "title": "别人的改动", "version": 2})
    assert stale.status_code == 200  # the form again, with the stale-version error
    article.refresh_from_db()
    assert article.title == "新标题"


def test_publish_and_retire(client, cast, draft):
    url = reverse("knowledge:publish", args=[draft.pk])
    check_access(client, cast, url, permitted=["manager", "lead_a"], forbidden=["engineer_a", "engineer_a2", "sales_a"],
                 hidden=["engineer_b", "nobody"])
    client.force_login(cast.lead_a)
    assert client.post(url, {"version": draft.version, "note": "同意"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.PUBLISHED and draft.reviewer == cast.lead_a and draft.published_at
    retire = reverse("knowledge:retire", args=[draft.pk])
    check_access(client, cast, retire, permitted=["manager", "lead_a", "engineer_a"],
                 forbidden=["engineer_a2", "sales_a", "engineer_b", "nobody"])
    client.force_login(cast.engineer_a)
    assert_refused(client, retire, {"version": draft.version, "reason": ""}, fields=["reason"], models=[Article])
    assert client.post(retire, {"version": draft.version, "reason": "产品已停产"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.RETIRED
    assert list(ArticleEvent.objects.filter(article=draft).values_list("action", flat=True).order_by("at", "pk")) == [
        "created", "published", "retired"]


def test_confidential_article_is_published_by_the_team_lead_only(cast, secret):
    assert secret.reviewer == cast.lead_a
    other = make_article(cast, publish=False, access_level=AccessLevel.CONFIDENTIAL)
    from presales.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.article_publish(actor=cast.manager, article=other)


def test_cite_from_an_opportunity(client, cast, article):
    from tests.factories.poc import make_opportunity

    opportunity = make_opportunity(cast, members=[cast.engineer_a2])
    url = reverse("knowledge:cite", args=[article.pk])
    check_access(client, cast, url, permitted=["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b"],
                 forbidden=["nobody"])
    client.force_login(cast.engineer_b)
    assert_refused(client, url, {"opportunity": opportunity.pk}, fields=["opportunity"], models=[Citation])
    client.force_login(cast.engineer_a2)
    assert client.post(url, {"opportunity": opportunity.pk, "note": "参考"}).status_code == 302
    assert client.post(url, {"opportunity": opportunity.pk}).status_code == 302  # once only
    assert Citation.objects.filter(article=article).count() == 1
    client.force_login(cast.engineer_b)
    body = client.get(article.get_absolute_url()).content.decode()
    assert opportunity.name not in body  # the citing opportunity is not his to see
    client.force_login(cast.engineer_a)
    assert opportunity.name in client.get(article.get_absolute_url()).content.decode()


def test_list_and_detail_queries_do_not_grow(client, cast, article):
    from tests.factories.poc import make_opportunity

    client.force_login(cast.engineer_a)

    def grow():
        opportunity = make_opportunity(cast)
        for i in range(5):
            a = make_article(cast, title=f"案例{i}", tags=[f"x{i}", "bms"])
            services.citation_add(actor=cast.engineer_a, article=a, opportunity=opportunity)

    assert_constant_queries(client, reverse("knowledge:list"), grow, at_most=20)
    assert_constant_queries(client, reverse("knowledge-article-list"), grow, api=True, at_most=20)
