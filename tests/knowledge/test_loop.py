"""The loop: a closed opportunity's retrospective, a POC post-mortem and a reviewed solution each
become a prefilled draft with one click; once published, the article counts in its owner's
knowledge shares (computed metric with drill-down), and so do colleagues' citations."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from presales.knowledge import services
from presales.knowledge.choices import ArticleKind, ArticleStatus
from presales.knowledge.models import Article
from presales.metrics.registry import METRICS
from presales.opportunities.choices import Outcome, Stage
from tests.factories.opportunities import RetrospectiveFactory
from tests.factories.poc import make_opportunity
from tests.kit import check_access

pytestmark = pytest.mark.django_db
VISIBLE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"]
HIDDEN = ["engineer_b", "nobody"]


@pytest.fixture
def lost(cast):
    opportunity = make_opportunity(cast, stage=Stage.LOST, name="某储能电站BMS项目", members=[cast.engineer_a2])
    opportunity.description = "客户需要解决夏季高温误报问题。"
    opportunity.closed_at = timezone.now()
    opportunity.save()
    RetrospectiveFactory(opportunity=opportunity, outcome=Outcome.LOST, summary="价格高于竞品。",
                         lessons="早期引入高温工况测试。", competitor_won="竞品A", decisive_factors="价格")
    return opportunity


def test_retrospective_becomes_a_prefilled_case_and_the_metric_counts_it(client, cast, lost):
    url = reverse("knowledge:from_retrospective", args=[lost.pk])
    client.force_login(cast.engineer_a)
    page = client.get(lost.get_absolute_url()).content.decode()
    assert url in page  # the one-click button on the opportunity's retrospective
    response = client.post(url)
    article = Article.objects.get(origin=f"retrospective:{lost.retrospective.pk}")
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert article.kind == ArticleKind.FAILURE_CASE and article.status == ArticleStatus.DRAFT
    assert article.opportunity == lost and article.customer == lost.customer and article.owner == cast.engineer_a
    for text in ("价格高于竞品。", "早期引入高温工况测试。", "竞品A", "客户需要解决夏季高温误报问题。"):
        assert text in article.body
    assert client.post(url).status_code == 302 and Article.objects.filter(origin=article.origin).count() == 1

    today = timezone.localdate()
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    metric = METRICS["knowledge_shares"]
    assert metric.is_available()

    def value(pk, since=start, until=end):
        return int(metric.compute([pk], since, until)[pk].value or 0)

    assert value(cast.engineer_a.pk) == 0  # a draft does not count
    article = services.article_publish(actor=cast.manager, article=article)
    assert value(cast.engineer_a.pk) == 1
    other = make_opportunity(cast, lead=cast.engineer_a2)
    services.citation_add(actor=cast.engineer_a2, article=article, opportunity=other)
    services.citation_add(actor=cast.engineer_a, article=article, opportunity=make_opportunity(cast))  # own: no
    assert value(cast.engineer_a.pk) == 2 and value(cast.engineer_a2.pk) == 0
    records = metric.records(cast.engineer_a, start, end)
    assert [r.url for r in records] == [article.get_absolute_url()] * 2
    assert value(cast.engineer_a.pk, start - timedelta(days=400), start - timedelta(days=1)) == 0


def test_retrospective_button_access(client, cast, lost):
    url = reverse("knowledge:from_retrospective", args=[lost.pk])
    check_access(client, cast, url, method="post", permitted=VISIBLE, hidden=HIDDEN)
    assert Article.objects.count() == 1
    assert client.get(url).status_code in (302, 405)


def test_an_open_opportunity_is_refused(client, cast):
    opportunity = make_opportunity(cast)
    RetrospectiveFactory(opportunity=opportunity)
    client.force_login(cast.engineer_a)
    response = client.post(reverse("knowledge:from_retrospective", args=[opportunity.pk]), follow=True)
    assert Article.objects.count() == 0
    assert response.status_code == 200


def test_poc_post_mortem_with_verdict_and_criteria(client, cast):
    from presales.poc import services as poc_services
    from tests.factories.poc import measure, running_poc

    poc = running_poc(cast)
    measure(poc, poc.criteria.first(), cast.engineer_a, 120, 130, 125)
    poc_services.poc_move(actor=cast.engineer_a, poc=poc, to_status="abandoned", reason="客户预算取消")
    url = reverse("knowledge:from_post_mortem", args=[poc.pk])
    client.force_login(cast.engineer_a)
    client.post(url)
    assert Article.objects.count() == 0  # no post-mortem yet
    poc_services.post_mortem_record(actor=cast.engineer_a, poc=poc, held_on=timezone.localdate(),
                                    problem_kind="execution", summary="高温工况下响应时间超标。",
                                    lessons="提前在实验室做高温摸底。")
    assert url in client.get(poc.get_absolute_url()).content.decode()
    check_access(client, cast, url, method="post", permitted=["manager", "lead_a", "engineer_a"],
                 hidden=["engineer_b", "nobody"])
    article = Article.objects.get()
    assert article.kind == ArticleKind.RETROSPECTIVE and article.poc == poc
    criterion = poc.criteria.first()
    assert criterion.name in article.body and "125" in article.body and "高温工况下响应时间超标。" in article.body


def test_reviewed_solution_becomes_a_template(client, cast):
    from tests.factories.solutions import make_solution, passed_solution

    draft_solution = make_solution(cast, title="未评审方案")
    client.force_login(cast.engineer_a)
    client.post(reverse("knowledge:from_solution", args=[draft_solution.pk]))
    assert Article.objects.count() == 0
    solution = passed_solution(cast)
    url = reverse("knowledge:from_solution", args=[solution.pk])
    assert url in client.get(solution.get_absolute_url()).content.decode()
    check_access(client, cast, url, method="post", permitted=["manager", "lead_a", "engineer_a"],
                 hidden=["engineer_b", "nobody"])
    article = Article.objects.get()
    assert article.kind == ArticleKind.TEMPLATE and article.solution == solution
    section = solution.sections.exclude(content="").select_related("template").first()
    assert f"## {section.template.title}" in article.body
