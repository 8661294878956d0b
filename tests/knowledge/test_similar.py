"""Similar cases for an opportunity: TF-IDF over segmented case articles; the expected case first,
with the matched words as the reason; permission-filtered; refitted when cases change."""

import pytest
from django.urls import reverse

from presales.knowledge import services, similar
from presales.knowledge.choices import AccessLevel, ArticleKind
from tests.factories.poc import make_opportunity
from tests.kit import check_access

from .conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(cast):
    return {
        "bms": make_article(cast, title="储能电站BMS高温误报治理案例", industry="energy_storage",
                            body="储能电站电池管理系统在夏季高温下误报频繁，通过传感器标定和告警回差优化解决高温误报。"),
        "vision": make_article(cast, title="汽车零部件视觉检测案例", industry="automotive",
                               body="产线视觉检测漏检率高，采用深度学习缺陷检测模型。"),
        "power": make_article(cast, title="电力无人机巡检失败案例", kind=ArticleKind.FAILURE_CASE, industry="power",
                              body="无人机巡检缺陷识别准确率不足，客户选择了竞品。"),
        "faq": make_article(cast, title="储能BMS高温误报FAQ", kind=ArticleKind.FAQ, industry="energy_storage",
                            body="BMS高温误报如何排查。"),  # not a case: never matched
    }


@pytest.fixture
def opportunity(cast):
    from presales.discovery.models import RequirementItem

    opportunity = make_opportunity(cast, name="某储能电站BMS改造", members=[cast.engineer_a2])
    opportunity.description = "客户抱怨夏季高温时BMS误报警太多，希望降低误报率。"
    opportunity.save()
    RequirementItem.objects.create(opportunity=opportunity, number=1, title="高温工况下误报率低于1%",
                                   description="电池管理系统告警准确", created_by=cast.engineer_a)
    return opportunity


def test_the_expected_case_comes_first_with_reasons(cast, corpus, opportunity):
    matches = similar.similar_cases(opportunity, cast.engineer_a, limit=5)
    assert matches[0].article == corpus["bms"]
    assert {"高温", "误报"} <= set(matches[0].terms)
    assert corpus["faq"] not in [m.article for m in matches]
    assert [m.score for m in matches] == sorted([m.score for m in matches], reverse=True)
    assert len(similar.similar_cases(opportunity, cast.engineer_a, limit=1)) == 1


def test_permission_filtered(cast, corpus, opportunity):
    secret = make_article(cast, actor=cast.engineer_a2, title="储能BMS高温误报机密案例", industry="energy_storage",
                          body="储能BMS高温误报误报率，电池管理系统高温工况", access_level=AccessLevel.CONFIDENTIAL)
    assert secret.status == "published"
    for name in ("engineer_a", "manager"):
        assert secret not in [m.article for m in similar.similar_cases(opportunity, getattr(cast, name), limit=10)]
    assert secret in [m.article for m in similar.similar_cases(opportunity, cast.engineer_a2, limit=10)]


def test_refits_when_cases_change(cast, corpus, opportunity):
    first = similar.similar_cases(opportunity, cast.engineer_a)[0].article
    services.article_retire(actor=cast.engineer_a, article=first, reason="过时")
    assert first not in [m.article for m in similar.similar_cases(opportunity, cast.engineer_a)]
    newer = make_article(cast, title="储能BMS误报率优化新案例", industry="energy_storage",
                         body="储能电站BMS高温误报，误报率从5%降到0.5%，高温工况告警准确。")
    assert similar.similar_cases(opportunity, cast.engineer_a)[0].article == newer


def test_no_cases_no_matches(cast, opportunity):
    assert similar.similar_cases(opportunity, cast.engineer_a) == []


def test_panel_and_api(client, cast, corpus, opportunity):
    panel = reverse("knowledge:similar_cases", args=[opportunity.pk])
    visible = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"]
    check_access(client, cast, panel, permitted=visible, hidden=["engineer_b", "nobody"])
    api = reverse("knowledge-article-similar") + f"?opportunity={opportunity.pk}"
    check_access(client, cast, api, permitted=visible, hidden=["engineer_b", "nobody"], api=True)
    client.force_login(cast.engineer_a)
    assert corpus["bms"].title in client.get(panel).content.decode()
    assert panel in client.get(opportunity.get_absolute_url()).content.decode()
    data = client.get(api, HTTP_ACCEPT="application/json").json()
    assert data[0]["id"] == corpus["bms"].pk and "高温" in data[0]["terms"] and data[0]["score"] > 0
    for bad, field in (("?opportunity=x", "opportunity"), (f"?opportunity={opportunity.pk}&limit=99", "limit")):
        response = client.get(reverse("knowledge-article-similar") + bad, HTTP_ACCEPT="application/json")
        assert response.status_code == 400 and field in response.json()
